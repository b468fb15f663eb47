// What a stuck state says about each goroutine in it: which blocking
// operation waits forever, and why -- a nil channel, a channel nobody else
// holds, a partner that never comes, a wait group that never reaches zero,
// a mutex held by another goroutine, by itself, or in a cycle of goroutines
// each waiting for the next one's lock.
#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>

#include "explorer_view.hpp"
#include "handle_exprs.hpp"

namespace gocxx::concurrency {

namespace {

// Whether `frame` is `ancestor` or a call made (transitively) from it.
bool within(const body& bd, int frame, int ancestor) {
  for (int f = frame; f >= 0; f = bd.frame_parent[static_cast<size_t>(f)])
    if (f == ancestor) return true;
  return false;
}

// Whether goroutine gi waits for a lock whose holder waits for a lock
// whose holder ... waits for a lock gi holds.
bool in_lock_cycle(const explorer_view& v, const state& s, size_t gi) {
  size_t g = gi;
  for (size_t steps = 0; steps <= s.gs.size(); ++steps) {
    const goroutine& x = s.gs[g];
    if (x.done) return false;
    const op& o = v.current(x);
    if (o.kind != op_kind::lock && o.kind != op_kind::rlock) return false;
    int obj = v.object_of(x, o.slot);
    if (explorer_view::is_unknown(s, obj)) return false;
    int h = s.objs[static_cast<size_t>(obj)].holder;
    if (h < 0 || h == static_cast<int>(g)) return false;
    if (h == static_cast<int>(gi)) return true;
    g = static_cast<size_t>(h);
  }
  return false;
}

// Goroutine gi, at a lock or read lock of o's mutex.
void blocked_on_lock(const explorer_view& v, const state& s, size_t gi, const op& o, finding& f) {
  const goroutine& g = s.gs[gi];
  const object_state& m = s.objs[static_cast<size_t>(v.object_of(g, o.slot))];
  const std::string me = v.who(s, gi);
  const std::string locks = o.kind == op_kind::rlock ? " read-locks " : " locks ";
  const std::string locking = o.kind == op_kind::rlock ? " read-locking " : " locking ";
  if (m.holder == static_cast<int>(gi)) {
    const body& bd = v.prog().bodies[g.body];
    bool same_lock = m.lock_loc == o.loc.getRawEncoding() && m.lock_frame == o.frame;
    if (!same_lock && m.lock_frame >= 0 && within(bd, o.frame, m.lock_frame)) {
      f.kind = finding_kind::double_lock;
      f.message = me + locks + explorer_view::quoted(o) + " again while holding it: it blocks forever";
      return;
    }
    // Taken by a call that has returned, or by an earlier turn of a loop:
    // a path that does not unlock. Reported where it was taken.
    f.kind = finding_kind::lock_kept;
    f.loc = clang::SourceLocation::getFromRawEncoding(m.lock_loc);
    f.message = explorer_view::quoted(o) + " is locked here and stays locked on some path: " + me +
                " later blocks forever" + locking + "it again";
    f.path.push_back({o.loc, me + " blocks here"});
    return;
  }
  if (explorer_view::reads_of(m, gi) > 0) {
    f.kind = finding_kind::double_lock;
    f.message = me + locks + explorer_view::quoted(o) + " while holding a read lock of it" +
                (o.kind == op_kind::rlock ? " and a writer waits" : "") + ": it blocks forever";
    return;
  }
  if (m.holder >= 0 && in_lock_cycle(v, s, gi)) {
    f.kind = finding_kind::lock_order;
    f.message = me + " blocks forever" + locking + explorer_view::quoted(o) + ": " +
                v.who(s, static_cast<size_t>(m.holder)) + " holds it and waits for a lock " + me +
                " holds -- they take the same locks in opposite orders (a lock-order inversion)";
    return;
  }
  f.kind = finding_kind::blocked_lock;
  std::string holders = m.holder >= 0 ? v.who(s, static_cast<size_t>(m.holder)) + " holds it and never unlocks it"
                        : m.readers   ? std::string("readers hold it and never unlock it")
                                      : std::string("a writer waits for it");
  f.message = me + " blocks forever" + locking + explorer_view::quoted(o) + ": " + holders;
}

// A goroutine at a send, receive or next() on channel c.
void blocked_on_channel(const std::string& me, const op& o, const object_state& c, finding& f) {
  const bool sending = o.kind == op_kind::send;
  const std::string what = explorer_view::quoted(o);
  if (c.context) {
    f.kind = finding_kind::blocked_recv;
    f.message = me + " waits forever for " + what + " to be done: nothing cancels it";
  } else if (c.timer && !sending) {
    f.kind = o.kind == op_kind::next ? finding_kind::blocked_next : finding_kind::blocked_recv;
    f.message =
        me + " blocks forever receiving from " + what + ": the " + (c.ticker ? "ticker" : "timer") +
        (c.ticker ? " is stopped and its last tick taken" : " has fired and its value been taken, or is stopped") +
        ", and nothing resets it";
  } else if (c.nil) {
    f.kind = finding_kind::blocked_nil;
    f.message = me + " blocks forever " + (sending ? "sending on " : "receiving from ") + what + ", a nil channel";
  } else if (!c.shared) {
    f.kind = finding_kind::blocked_self;
    f.message = me + " blocks forever " + (sending ? "sending on " : "receiving from ") + what +
                ": no other goroutine holds it";
  } else if (sending) {
    f.kind = finding_kind::blocked_send;
    f.message = me + " blocks forever sending on " + what + ": no goroutine will receive from it";
  } else if (o.kind == op_kind::next) {
    f.kind = finding_kind::blocked_next;
    f.message = me + " waits forever for the next value of " + what + ": no goroutine closes it";
  } else {
    f.kind = finding_kind::blocked_recv;
    f.message = me + " blocks forever receiving from " + what + ": no goroutine will send on it or close it";
  }
}

// Whether every operation goroutine g can run after its current one (from
// index+1 of its block, on every path) satisfies `allowed`; false when the
// current operation is in a loop (it is not the last of anything).
template <class Pred>
bool only_after(const body& bd, const goroutine& g, Pred allowed) {
  bool looped = false;
  const op* other =
      explorer_view::first_reachable(bd, g.block, g.index + 1, [&](const op& x) { return !allowed(x); }, &looped);
  return !other && !looped;
}

// Whether nothing after g's current operation can block: only a send it
// ends with may be made not to, by a buffer (GFix's first fix).
bool ends_after(const body& bd, const goroutine& g) {
  return only_after(bd, g, [](const op& x) {
    switch (x.kind) {
      case op_kind::wg_done:
      case op_kind::wg_add:
      case op_kind::unlock:
      case op_kind::runlock:
      case op_kind::close:
      case op_kind::escape:
      case op_kind::escape_globals:
      case op_kind::copy:
      case op_kind::make_flag:
      case op_kind::set_flag: return true;
      default: return false;
    }
  });
}

// A goroutine blocked forever on the last thing it does, a send on an
// unbuffered channel made with go::make_chan<T>() that no one else ever
// sends on (the receiver has left, as when a select's timeout won): a
// buffer of one lets the send complete and the goroutine end, and changes
// nothing the goroutine relies on -- it does nothing after the send that
// could wait for the value to be taken. The fix-it makes the channel
// buffered.
void offer_buffer(const explorer_view& v, const state& s, size_t gi, int obj, finding& f) {
  const object_state& c = s.objs[static_cast<size_t>(obj)];
  if (gi == 0 || c.cap != 0 || c.fix_at == 0 || c.closed || (c.senders & ~(std::uint32_t{1} << gi)) != 0) return;
  const goroutine& g = s.gs[gi];
  if (!ends_after(v.prog().bodies[g.body], g)) return;
  // No other goroutine that is still running may send on it later.
  for (size_t h = 0; h < s.gs.size(); ++h)
    if (h != gi && !s.gs[h].done && v.may_send_on(s.gs[h], obj)) return;
  f.fix_at = clang::SourceLocation::getFromRawEncoding(c.fix_at);
  f.fix_text = "1";
  f.message += " (a buffer of one lets the send complete)";
}

// Whether block b of bd can run again after itself (it is in a loop).
bool in_cycle(const body& bd, int b) {
  bool looped = false;
  explorer_view::first_reachable(
      bd, b, bd.blocks[static_cast<size_t>(b)].ops.size(), [](const op&) { return false; }, &looped);
  return looped;
}

// Whether some goroutine of the program, other than `except`, may do an
// operation for which `on` holds on object obj: the goroutines of the state
// by the objects their slots hold (an unbound or unknown slot may hold
// obj), and bodies the program can spawn but no goroutine of the state runs
// by any such operation at all.
template <class Pred>
bool anyone_may(const explorer_view& v, const state& s, int obj, size_t except, Pred on) {
  const program& prog = v.prog();
  std::vector<bool> spawnable(prog.bodies.size(), false), running(prog.bodies.size(), false);
  spawnable[0] = true;
  for (const body& bd : prog.bodies)
    for (const block& b : bd.blocks)
      for (const op& x : b.ops)
        if (x.kind == op_kind::spawn && x.callee >= 0) spawnable[static_cast<size_t>(x.callee)] = true;
  for (size_t h = 0; h < s.gs.size(); ++h) {
    running[static_cast<size_t>(s.gs[h].body)] = true;
    if (h == except) continue;
    auto may_be = [&](int slot) {
      int held = v.object_of(s.gs[h], slot);
      return held == obj || held < 0 || s.objs[static_cast<size_t>(held)].unknown;
    };
    for (const block& b : prog.bodies[static_cast<size_t>(s.gs[h].body)].blocks)
      for (const op& x : b.ops)
        if (on(x, may_be)) return true;
  }
  for (size_t i = 0; i < prog.bodies.size(); ++i) {
    if (!spawnable[i] || running[i]) continue;
    for (const block& b : prog.bodies[i].blocks)
      for (const op& x : b.ops)
        if (on(x, [](int) { return true; })) return true;
  }
  return false;
}

// Whether goroutine g runs a lambda written at its spawn, in the function
// that made channel c, and spawned once each time that function makes c (no
// loop around the spawn): then a change to the lambda's body concerns this
// channel's goroutine and no other code.
bool own_literal(const explorer_view& v, const goroutine& g, const object_state& c) {
  const auto* method = llvm::dyn_cast_or_null<clang::CXXMethodDecl>(v.prog().bodies[static_cast<size_t>(g.body)].decl);
  if (!method || !method->getParent()->isLambda() || !c.origin ||
      method->getParent()->getDeclContext() != static_cast<const clang::DeclContext*>(c.origin))
    return false;
  bool found = false;
  for (const body& bd : v.prog().bodies)
    for (size_t b = 0; b < bd.blocks.size(); ++b)
      for (const op& x : bd.blocks[b].ops)
        if (x.kind == op_kind::spawn && x.callee == g.body) {
          if (!x.literal || x.loc != g.spawned_at || in_cycle(bd, static_cast<int>(b))) return false;
          found = true;
        }
  return found;
}

// The name of a variable of g's body that holds obj and that the body's
// first statement can name: a parameter, or a variable of an enclosing
// function (a lambda's capture); empty when there is none.
std::string name_at_entry(const explorer_view& v, const goroutine& g, int obj) {
  const body& bd = v.prog().bodies[static_cast<size_t>(g.body)];
  const auto* fn = llvm::dyn_cast_or_null<clang::FunctionDecl>(bd.decl);
  if (!fn) return "";
  for (size_t k = 0; k < bd.slots.size(); ++k) {
    const slot_key& key = bd.slots[k];
    if (v.object_of(g, static_cast<int>(k)) != obj || key.field || key.result) continue;
    const auto* var = llvm::dyn_cast_or_null<clang::VarDecl>(key.var);
    if (!var || !var->getIdentifier() || !var->getDeclContext()->Encloses(fn)) continue;
    return var->getName().str();
  }
  return "";
}

// GFix's second fix. A goroutine waits forever for a value (or the end) of a
// channel whose only sender has returned without sending -- an early return
// skipped the send: the sender closes the channel when it returns, by a
// go::defer added as the first statement of its body, and the receiver gets
// the zero value (next(): the end) instead of waiting forever. Offered only
// when that changes nothing else: the sender is a goroutine spawned once
// (not in a loop), no other goroutine may send on the channel or close it,
// and the sender is a lambda written at its spawn, in the function that made
// the channel, which names the channel from its first statement on: a named
// function may be spawned elsewhere with another channel.
void offer_deferred_close(const explorer_view& v, const state& s, size_t gi, int obj, finding& f) {
  const object_state& c = s.objs[static_cast<size_t>(obj)];
  if (c.closed || c.nil || c.unknown) return;
  size_t sender = s.gs.size();
  for (size_t h = 0; h < s.gs.size(); ++h)
    if (h != gi && v.may_send_on(s.gs[h], obj)) {
      if (sender != s.gs.size()) return;  // two senders
      sender = h;
    }
  if (sender == s.gs.size() || sender == 0 || !s.gs[sender].done) return;
  const goroutine& g = s.gs[sender];
  const body& bd = v.prog().bodies[static_cast<size_t>(g.body)];
  if (bd.entry_at.isInvalid() || !own_literal(v, g, c)) return;
  auto sends = [](const op& x, auto may_be) { return explorer_view::sends_on(x, may_be); };
  // A close, or a use the model does not follow, which might close it.
  auto closes = [](const op& x, auto may_be) {
    return (x.kind == op_kind::close || x.kind == op_kind::escape) && may_be(x.slot);
  };
  if (anyone_may(v, s, obj, sender, sends)) return;
  if (anyone_may(v, s, obj, s.gs.size(), closes)) return;
  std::string name = name_at_entry(v, g, obj);
  if (name.empty()) return;
  f.fix_at = bd.entry_at;
  f.fix_text =
      "\n" + bd.entry_indent + "go::defer close_" + name + "_on_return([" + name + "] { " + name + ".close(); });";
  f.message += " (" + v.who(s, sender) + ", its only sender, has ended: a close when it returns ends the wait)";
}

// Whether nothing follows goroutine g's current operation on any path: no
// operation at all, so that leaving the body there skips nothing the model
// sees.
bool last_operation(const body& bd, const goroutine& g) {
  return only_after(bd, g, [](const op&) { return false; });
}

// Whether fn returns go::task<> (a bare `co_return;` ends it).
bool returns_void_task(const clang::FunctionDecl* fn) {
  const auto* rd = fn->getReturnType()->getAsCXXRecordDecl();
  const auto* spec = llvm::dyn_cast_or_null<clang::ClassTemplateSpecializationDecl>(rd);
  if (!spec || spec->getName() != "task" || spec->getTemplateArgs().size() != 1) return false;
  const clang::TemplateArgument& arg = spec->getTemplateArgs()[0];
  return arg.getKind() == clang::TemplateArgument::Type && arg.getAsType()->isVoidType();
}

// GFix's third fix. A spawned goroutine blocked forever on a send or
// receive that is a statement of its own and its last operation, while it
// holds a context that is done in that state (cancelled -- its caller gave
// up -- or past a deadline): the statement becomes a select that also waits
// on ctx.done() and returns when it is, so the goroutine ends instead of
// leaking.
// Offered only where returning there skips nothing: no operation follows it
// on any path, and the goroutine's function returns go::task<>.
void offer_ctx_select(const explorer_view& v, const state& s, size_t gi, const op& o, int obj, finding& f) {
  if (gi == 0 || o.as_case.empty() || o.statement.isInvalid() || f.fix_at.isValid()) return;
  if (obj >= 0 && s.objs[static_cast<size_t>(obj)].context) return;  // it waits on a context already
  const goroutine& g = s.gs[gi];
  const body& bd = v.prog().bodies[static_cast<size_t>(g.body)];
  const auto* fn = llvm::dyn_cast_or_null<clang::FunctionDecl>(bd.decl);
  if (!fn || o.frame != 0 || !returns_void_task(fn) || !last_operation(bd, g)) return;
  for (size_t k = 0; k < bd.slots.size(); ++k) {
    const slot_key& key = bd.slots[k];
    const auto* var = llvm::dyn_cast_or_null<clang::VarDecl>(key.var);
    if (key.field || !var || !var->getIdentifier() || !var->getDeclContext()->Encloses(fn) ||
        type_of(var->getType()) != sync_type::context)
      continue;
    int ctx = v.object_of(g, static_cast<int>(k));
    if (explorer_view::is_unknown(s, ctx) || !s.objs[static_cast<size_t>(ctx)].context ||
        !explorer_view::context_done(s, ctx))
      continue;
    std::string name = var->getName().str();
    f.fix_range = o.statement;
    f.fix_text = "if (co_await go::select(" + o.as_case + ", go::on_recv(" + name + ".done())) == 1) co_return";
    f.message += " (a select on " + name + ".done() lets it return when '" + name + "' is done)";
    return;
  }
}

}  // namespace

bool why_blocked(const explorer_view& v, const state& s, size_t gi, finding& f) {
  const goroutine& g = s.gs[gi];
  const op& o = v.current(g);
  f.loc = o.loc;
  const std::string me = v.who(s, gi);
  const int obj = v.object_of(g, o.slot);
  switch (o.kind) {
    case op_kind::send:
    case op_kind::recv:
    case op_kind::next:
      blocked_on_channel(me, o, s.objs[static_cast<size_t>(obj)], f);
      if (f.kind == finding_kind::blocked_send) offer_buffer(v, s, gi, obj, f);
      if (f.kind == finding_kind::blocked_recv || f.kind == finding_kind::blocked_next)
        offer_deferred_close(v, s, gi, obj, f);
      if (f.kind == finding_kind::blocked_send || f.kind == finding_kind::blocked_recv)
        offer_ctx_select(v, s, gi, o, obj, f);
      return true;
    case op_kind::select:
      f.kind = finding_kind::blocked_select;
      f.message = me + " blocks forever in this select: none of its cases can proceed";
      return true;
    case op_kind::wg_wait:
      f.kind = finding_kind::blocked_wait;
      f.message = me + " blocks forever waiting on " + explorer_view::quoted(o) + ": its counter stays at " +
                  std::to_string(s.objs[static_cast<size_t>(obj)].count);
      return true;
    case op_kind::lock:
    case op_kind::rlock: blocked_on_lock(v, s, gi, o, f); return true;
    case op_kind::cond_wait: {
      const object_state& c = s.objs[static_cast<size_t>(obj)];
      if (!g.in_wait) return false;  // it can always unlock and queue up
      if (c.signalled & (std::uint32_t{1} << gi)) {
        f.kind = finding_kind::blocked_lock;
        f.message = me + " blocks forever locking the mutex of " + explorer_view::quoted(o) +
                    " again after wait(): another goroutine holds it and never unlocks it";
        return true;
      }
      f.kind = finding_kind::cond_wait;
      f.message = me + " waits forever in " + (o.text.empty() ? std::string("a cond's ") : o.text + ".") +
                  "wait(): no signal or broadcast comes after it waits";
      return true;
    }
    default: return false;  // cannot block
  }
}

}  // namespace gocxx::concurrency
