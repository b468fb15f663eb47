// What a stuck state says about each goroutine in it: which blocking
// operation waits forever, and why -- a nil channel, a channel nobody else
// holds, a partner that never comes, a wait group that never reaches zero,
// a mutex held by another goroutine, by itself, or in a cycle of goroutines
// each waiting for the next one's lock.
#include "explorer_view.hpp"

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
  if (c.nil) {
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

// Whether a goroutine's operations after its current one (at index+1 of
// its block) can block: only a send it ends with may be made not to, by a
// buffer (GFix's first fix). Cycles count as blocking: a send in a loop is
// not its last.
bool ends_after(const body& bd, const goroutine& g) {
  auto non_blocking = [](const op& x) {
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
  };
  const block& here = bd.blocks[static_cast<size_t>(g.block)];
  for (size_t i = g.index + 1; i < here.ops.size(); ++i)
    if (!non_blocking(here.ops[i])) return false;
  std::vector<bool> seen(bd.blocks.size(), false);
  std::vector<int> work(here.succs.begin(), here.succs.end());
  while (!work.empty()) {
    int b = work.back();
    work.pop_back();
    if (b < 0) continue;
    if (b == g.block) return false;  // the send is in a loop
    if (seen[static_cast<size_t>(b)]) continue;
    seen[static_cast<size_t>(b)] = true;
    for (const op& x : bd.blocks[static_cast<size_t>(b)].ops)
      if (!non_blocking(x)) return false;
    for (int n : bd.blocks[static_cast<size_t>(b)].succs) work.push_back(n);
  }
  return true;
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
    default: return false;  // cannot block
  }
}

}  // namespace gocxx::concurrency
