// The interleaving search of explorer.hpp.
//
// Invariants:
// - A goroutine is always either done or at an operation (settle() moves it
//   through the blocks that have none, taking their branches).
// - Goroutines are never removed (a done goroutine keeps its index: mutex
//   holders refer to it). Objects nothing can reach are dropped and the
//   others renumbered as a state is added (drop_unreachable): an object
//   index means something only within its state.
// - An operation on an unknown object is always enabled and changes nothing
//   but the goroutine's position.
#include "explorer.hpp"

#include "explorer_state.hpp"
#include "explorer_view.hpp"
#include "goroutine_position.hpp"

#include <chrono>
#include <deque>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

namespace gocxx::concurrency {

namespace {

struct transition {
  state next;
  std::vector<path_step> steps;
  std::optional<finding> panic;  // the transition panics: a finding, not a state
};

class explorer : explorer_view {
 public:
  explorer(const program& prog, const explore_limits& limits) : explorer_view(prog), limits_(limits) {
    find_tainted_slots();
  }

  explore_result run() {
    state init;
    goroutine root;
    root.body = 0;
    root.block = prog_.bodies[0].entry;
    root.env.assign(prog_.bodies[0].slots.size(), -1);
    init.gs.push_back(root);
    std::vector<goroutine> settled = settle_within_budget(init, init.gs[0]);
    for (goroutine& g : settled) {
      state s = init;
      s.assumed = std::exchange(g.took_assumption, false);
      s.gs[0] = std::move(g);
      add(std::move(s), -1, {});
    }
    const auto start = std::chrono::steady_clock::now();
    for (size_t expanded = 1; !queue_.empty() && result_.complete; ++expanded) {
      size_t at = queue_.front();
      queue_.pop_front();
      expand(at);
      if (expanded % 256 == 0 && std::chrono::steady_clock::now() - start > limits_.max_time)
        incomplete("more than " + std::to_string(limits_.max_time.count()) + " ms");
    }
    result_.states = nodes_.size();
    for (auto& [key, f] : findings_) result_.findings.push_back(std::move(f));
    return std::move(result_);
  }

 private:
  struct node {
    state s;
    long parent;
    std::vector<path_step> steps;  // from the parent
  };

  // A state reached by an assumption is not explored: nothing found from it
  // would be reported (report()), and its successors are all assumed too.
  // The budget then goes to the states whose findings count.
  void add(state s, long parent, std::vector<path_step> steps) {
    if (s.assumed) return;
    drop_unreachable(s);
    std::string key = encode(s);
    if (visited_.count(key)) return;
    if (nodes_.size() >= limits_.max_states) {
      incomplete("more than " + std::to_string(limits_.max_states) + " states");
      return;
    }
    visited_.emplace(std::move(key), nodes_.size());
    nodes_.push_back(node{std::move(s), parent, std::move(steps)});
    queue_.push_back(nodes_.size() - 1);
  }

  std::vector<goroutine> settle_within_budget(const state& s, goroutine g) const {
    bool exhausted = false;
    std::vector<goroutine> out = settle(prog_, s.objs, std::move(g), exhausted);
    if (exhausted) incomplete("more than " + std::to_string(max_settle_positions) + " ways through a body's branches");
    return out;
  }

  // Const: a transition may find the budget exceeded.
  void incomplete(std::string why) const {
    if (!result_.complete) return;
    result_.complete = false;
    result_.why_incomplete = std::move(why);
  }

  // Slots that an operation of unknown multiplicity uses: an object bound to
  // one becomes unknown -- or uncounted, when every such operation on the
  // slot is a send (a generator's loop) and the object an unbuffered channel.
  void find_tainted_slots() {
    tainted_.resize(prog_.bodies.size());
    for (size_t b = 0; b < prog_.bodies.size(); ++b) {
      const body& bd = prog_.bodies[b];
      tainted_[b].assign(bd.slots.size(), taint::none);
      for (const block& bl : bd.blocks)
        for (const op& o : bl.ops) {
          if (!o.imprecise) continue;
          auto mark = [&](int slot, taint t) {
            if (slot >= 0 && static_cast<size_t>(slot) < tainted_[b].size())
              tainted_[b][slot] = std::max(tainted_[b][slot], t);
          };
          mark(o.slot, o.kind == op_kind::send ? taint::sends : taint::all);
          for (const select_case& c : o.cases) mark(c.slot, taint::all);
          for (auto [to, from] : o.bindings) mark(from, taint::all);
        }
    }
  }

  void bind(state& s, goroutine& g, int slot, int o) const {
    if (slot < 0 || static_cast<size_t>(slot) >= g.env.size()) return;
    g.env[slot] = o;
    if (o < 0) return;
    object_state& x = s.objs[o];
    taint t = tainted_[g.body][slot];
    if (t == taint::sends && x.kind == object_kind::chan && x.cap == 0 && !x.nil && !x.timer && !x.context)
      x.uncounted = true;
    else if (t != taint::none)
      x.unknown = true;
  }

  int make_object(state& s, object_kind k) const {
    object_state o;
    o.kind = k;
    s.objs.push_back(o);
    return static_cast<int>(s.objs.size() - 1);
  }

  // Whether an operation of g on object o cannot interact with any other
  // goroutine: no other live goroutine holds o.
  bool exclusive(const state& s, size_t gi, int o) const { return is_unknown(s, o) || !held_by_another(s, gi, o); }

  // Whether a live goroutine other than gi holds obj.
  bool held_by_another(const state& s, size_t gi, int obj) const {
    for (size_t h = 0; h < s.gs.size(); ++h) {
      if (h == gi || s.gs[h].done) continue;
      for (int e : s.gs[h].env)
        if (e == obj) return true;
    }
    return false;
  }

  bool is_local(const state& s, size_t gi) const {
    const goroutine& g = s.gs[gi];
    const op& o = current(g);
    if (makes_object(o.kind)) return true;
    switch (o.kind) {
      case op_kind::make_unknown:
      case op_kind::copy:
      case op_kind::escape:
      case op_kind::escape_globals:
      case op_kind::call: return true;
      // It closes the done() of every context below this one, which other
      // goroutines may hold.
      case op_kind::cancel:
      case op_kind::cond_wait:  // it unlocks the cond's mutex
      case op_kind::cond_signal:
      case op_kind::cond_broadcast: return false;
      case op_kind::select:
        for (const select_case& c : o.cases)
          if (!exclusive(s, gi, object_of(g, c.slot))) return false;
        return true;
      default: return exclusive(s, gi, object_of(g, o.slot));
    }
  }

  // --- transitions ---------------------------------------------------------------

  // Whether a goroutine other than gi waits to write-lock obj (it is at
  // its lock while readers hold it): Go's rwmutex then makes new readers
  // wait.
  bool writer_waits(const state& s, size_t gi, int obj) const {
    if (s.objs[static_cast<size_t>(obj)].readers == 0) return false;
    for (size_t h = 0; h < s.gs.size(); ++h) {
      if (h == gi || s.gs[h].done) continue;
      const op& o = current(s.gs[h]);
      if (o.kind == op_kind::lock && object_of(s.gs[h], o.slot) == obj) return true;
    }
    return false;
  }

  // Advances goroutine gi of `s` past its current operation: one transition
  // per branch it may then take.
  // What a goroutine keeps of an operation it completes: the result a test
  // after it reads (last_ok: 1 a value, a timer stopped, a once done; 0 the
  // end, the other way) and, for a select case, which case it took.
  static std::function<void(goroutine&)> took(int ok, int select_case = -1) {
    return [ok, select_case](goroutine& g) {
      g.last_ok = ok;
      if (select_case >= 0) g.last_select = select_case;
    };
  }

  void advance(const state& s, size_t gi, const std::vector<path_step>& steps, std::vector<transition>& out,
               const std::function<void(goroutine&)>& update = nullptr, bool assumes = false) const {
    goroutine g = s.gs[gi];
    if (update) update(g);
    ++g.index;
    for (goroutine& next : settle_within_budget(s, std::move(g))) {
      transition t;
      t.next = s;
      t.next.assumed = s.assumed || assumes || std::exchange(next.took_assumption, false);
      t.next.gs[gi] = std::move(next);
      t.steps = steps;
      out.push_back(std::move(t));
    }
  }

  // A transition that panics at `loc` (an operation, or a select's case).
  static void panic(clang::SourceLocation loc, finding_kind k, std::string message, std::vector<path_step> steps,
                    std::vector<transition>& out) {
    transition t;
    finding f;
    f.kind = k;
    f.loc = loc;
    f.message = std::move(message);
    t.steps = std::move(steps);
    t.panic = std::move(f);
    out.push_back(std::move(t));
  }

  // The goroutines other than gi waiting to take a value from (receive) or
  // give one to (send) unbuffered object obj, with the select case they
  // would use (-1: not a select).
  std::vector<std::pair<size_t, int>> partners(const state& s, size_t gi, int obj, bool want_receiver) const {
    std::vector<std::pair<size_t, int>> out;
    for (size_t h = 0; h < s.gs.size(); ++h) {
      if (h == gi || s.gs[h].done) continue;
      const goroutine& g = s.gs[h];
      const op& o = current(g);
      if (o.kind == op_kind::select) {
        for (size_t c = 0; c < o.cases.size(); ++c)
          if (o.cases[c].is_send != want_receiver && object_of(g, o.cases[c].slot) == obj)
            out.push_back({h, static_cast<int>(c)});
        continue;
      }
      bool receives = o.kind == op_kind::recv || o.kind == op_kind::next;
      bool sends = o.kind == op_kind::send;
      if ((want_receiver ? receives : sends) && object_of(g, o.slot) == obj) out.push_back({h, -1});
    }
    return out;
  }

  // The rendezvous of sender gi (case sc, -1: a send) with each receiver of
  // unbuffered obj.
  void rendezvous(const state& s, size_t gi, int sc, int obj, const std::vector<path_step>& steps,
                  std::vector<transition>& out) const {
    for (auto [h, rc] : partners(s, gi, obj, /*want_receiver=*/true)) {
      const goroutine& rg = s.gs[h];
      const op& ro = current(rg);
      std::vector<path_step> both = steps;
      both.push_back({rc >= 0 ? ro.cases[rc].loc : ro.loc,
                      who(s, h) + " receives from " + (rc >= 0 ? case_name(rg, ro.cases[rc]) : quoted(ro))});
      std::vector<transition> senders;
      advance(s, gi, both, senders, [&](goroutine& g) {
        if (sc >= 0) g.last_select = sc;
      });
      for (transition& t : senders) {
        std::vector<transition> joint;
        advance(t.next, h, t.steps, joint, took(1, rc));
        for (transition& j : joint) out.push_back(std::move(j));
      }
    }
  }

  void transitions(const state& s, size_t gi, std::vector<transition>& out) const {
    const goroutine& g = s.gs[gi];
    const op& o = current(g);
    const std::string me = who(s, gi);
    int obj = object_of(g, o.slot);
    bool unknown = is_unknown(s, obj);
    auto step = [&](const std::string& text) { return std::vector<path_step>{{o.loc, me + " " + text}}; };
    switch (o.kind) {
      case op_kind::make_chan:
      case op_kind::make_nil:
      case op_kind::make_timer:
      case op_kind::make_wait_group:
      case op_kind::make_mutex:
      case op_kind::make_rwmutex: {
        state next = s;
        object_kind k = o.kind == op_kind::make_wait_group ? object_kind::wait_group
                        : o.kind == op_kind::make_mutex    ? object_kind::mutex
                        : o.kind == op_kind::make_rwmutex  ? object_kind::rwmutex
                                                           : object_kind::chan;
        int made = make_object(next, k);
        object_state& m = next.objs[made];
        m.external = o.external;
        m.origin = o.origin;
        if (o.kind == op_kind::make_chan) {
          m.cap = o.capacity;
          m.fix_at = o.fix_at.getRawEncoding();
        }
        if (o.kind == op_kind::make_nil) m.nil = true;
        if (o.kind == op_kind::make_timer) {
          // The runtime's timer holds it and sends once (a ticker: again
          // and again), some time later. go::after's value is as good as
          // buffered already: nothing can stop it.
          m.timer = m.shared = true;
          m.cap = 1;
          m.count = o.amount == 0 ? 1 : 0;
          m.armed = o.amount != 0;
          m.ticker = o.amount == 2;
        }
        bind(next, next.gs[gi], o.slot, made);
        advance(next, gi, {}, out);
        return;
      }
      case op_kind::make_unknown: {
        state next = s;
        bind(next, next.gs[gi], o.slot, -1);
        advance(next, gi, {}, out);
        return;
      }
      case op_kind::make_context: {
        // A child of a context the model does not follow may be cancelled by
        // anyone: it is not followed either.
        int parent = o.other >= 0 ? object_of(g, o.other) : -1;
        bool parent_unknown = o.other >= 0 && is_unknown(s, parent);
        state next = s;
        int made = make_object(next, object_kind::chan);
        object_state& m = next.objs[made];
        m.unknown = parent_unknown;
        m.parent = parent_unknown ? -1 : parent;
        m.deadline = o.amount == 1;
        m.context = true;
        m.origin = o.origin;
        bind(next, next.gs[gi], o.slot, made);
        advance(next, gi, {}, out);
        return;
      }
      case op_kind::make_cond: {
        int mu = object_of(g, o.other);
        state next = s;
        int made = make_object(next, object_kind::cond);
        next.objs[made].cond_mutex = mu;
        next.objs[made].unknown = is_unknown(s, mu);
        next.objs[made].external = o.external;
        bind(next, next.gs[gi], o.slot, made);
        advance(next, gi, {}, out);
        return;
      }
      case op_kind::cond_wait: return cond_wait(s, gi, o, obj, out);
      case op_kind::cond_signal:
      case op_kind::cond_broadcast: {
        bool all = o.kind == op_kind::cond_broadcast;
        auto steps = step((all ? "broadcasts on " : "signals ") + quoted(o));
        if (unknown) return advance(s, gi, steps, out);
        state next = s;
        object_state& c = next.objs[obj];
        while (!c.waiters.empty()) {
          c.signalled |= std::uint32_t{1} << c.waiters.front();
          c.waiters.erase(c.waiters.begin());
          if (!all) break;
        }
        return advance(next, gi, steps, out);
      }
      case op_kind::make_once: {
        state next = s;
        int made = make_object(next, object_kind::once);
        next.objs[made].external = o.external;
        bind(next, next.gs[gi], o.slot, made);
        advance(next, gi, {}, out);
        return;
      }
      case op_kind::once_enter: return enter_once(s, gi, o, obj, out);
      case op_kind::once_exit: {
        auto steps = step("returns from the function of " + quoted(o));
        if (unknown) return advance(s, gi, steps, out);
        state next = s;
        next.objs[obj].count = 1;  // done
        next.objs[obj].holder = -1;
        return advance(next, gi, steps, out);
      }
      case op_kind::timer_stop: return stop_timer(s, gi, o, obj, out);
      case op_kind::timer_reset: {
        auto steps = step("resets " + quoted(o));
        if (unknown) return advance(s, gi, steps, out);
        state next = s;
        next.objs[obj].armed = true;
        return advance(next, gi, steps, out);
      }
      case op_kind::cancel: {
        auto steps = step("cancels " + quoted(o));
        if (unknown) return advance(s, gi, steps, out);
        state next = s;
        next.objs[obj].closed = true;  // cancelling again does nothing
        return advance(next, gi, steps, out);
      }
      case op_kind::make_flag: {
        state next = s;
        int made = make_object(next, object_kind::flag);
        next.objs[made].count = o.amount;
        next.objs[made].external = o.external;
        bind(next, next.gs[gi], o.slot, made);
        advance(next, gi, {}, out);
        return;
      }
      case op_kind::set_flag: {
        state next = s;
        if (!unknown && s.objs[obj].kind == object_kind::flag) next.objs[obj].count = o.amount;
        advance(next, gi, {}, out);
        return;
      }
      case op_kind::copy: {
        state next = s;
        bind(next, next.gs[gi], o.slot, object_of(g, o.other));
        advance(next, gi, {}, out);
        return;
      }
      case op_kind::escape: {
        state next = s;
        if (obj >= 0) next.objs[obj].unknown = true;
        advance(next, gi, {}, out);
        return;
      }
      case op_kind::escape_globals: {
        state next = s;
        for (object_state& x : next.objs)
          if (x.external) x.unknown = true;
        advance(next, gi, {}, out);
        return;
      }
      case op_kind::call: llvm::report_fatal_error("gocxx: an unspliced call reached the explorer");
      case op_kind::send: return send(s, gi, o, obj, -1, step("sends on " + quoted(o)), out);
      case op_kind::recv:
      case op_kind::next: {
        auto steps = step((o.kind == op_kind::next ? "takes the next value of " : "receives from ") + quoted(o));
        if (unknown) {
          bool tested = o.kind == op_kind::next || o.amount == 1;
          if (!tested) return advance(s, gi, steps, out, nullptr, true);
          advance(s, gi, steps, out, took(1), true);
          advance(s, gi, steps, out, took(0), true);
          return;
        }
        return receive(s, gi, obj, -1, steps, out);
      }
      case op_kind::close: {
        if (unknown) return advance(s, gi, step("closes " + quoted(o)), out);
        const object_state& c = s.objs[obj];
        if (c.nil)
          return panic(o.loc, finding_kind::close_nil, "close of nil channel " + quoted(o) + " panics",
                       step("closes " + quoted(o)), out);
        if (c.closed)
          return panic(o.loc, finding_kind::close_closed, "close of closed channel " + quoted(o) + " panics",
                       step("closes " + quoted(o) + " again"), out);
        state next = s;
        object_state& closed = next.objs[obj];
        closed.closed = true;
        closed.closer = static_cast<int>(gi);
        closed.close_loc = o.loc.getRawEncoding();
        closed.closed_by_receiver = !may_send_on(g, obj);
        return advance(next, gi, step("closes " + quoted(o)), out);
      }
      case op_kind::select: return select(s, gi, o, out);
      case op_kind::spawn: return spawn(s, gi, o, out);
      case op_kind::wg_add:
      case op_kind::wg_done: {
        int delta = o.kind == op_kind::wg_done ? -1 : o.amount;
        auto steps = step(o.kind == op_kind::wg_done ? "calls done() on " + quoted(o)
                                                     : "adds " + std::to_string(delta) + " to " + quoted(o));
        if (unknown) return advance(s, gi, steps, out);
        if (s.objs[obj].count + delta < 0)
          return panic(o.loc, finding_kind::wait_group_negative,
                       "the counter of wait group " + quoted(o) + " goes negative here: the program panics", steps,
                       out);
        state next = s;
        next.objs[obj].count += delta;
        return advance(next, gi, steps, out);
      }
      case op_kind::wg_wait:
        if (!unknown && s.objs[obj].count == 0) late_adds(s, gi, o, obj, out);
        if (unknown || s.objs[obj].count == 0)
          return advance(s, gi, step("waits on " + quoted(o)), out, nullptr, unknown);
        return;
      case op_kind::lock: {
        if (unknown) return advance(s, gi, step("locks " + quoted(o)), out, nullptr, true);
        if (s.objs[obj].holder >= 0 || s.objs[obj].readers) return;
        state next = s;
        object_state& m = next.objs[obj];
        m.holder = static_cast<int>(gi);
        m.lock_frame = o.frame;
        m.lock_loc = o.loc.getRawEncoding();
        return advance(next, gi, step("locks " + quoted(o)), out);
      }
      case op_kind::rlock: {
        if (unknown) return advance(s, gi, step("read-locks " + quoted(o)), out, nullptr, true);
        if (s.objs[obj].holder >= 0 || writer_waits(s, gi, obj)) return;
        if (reads_of(s.objs[obj], gi) == 0xf) return incomplete("more than 15 read locks of one rwmutex");
        state next = s;
        next.objs[obj].readers += one_read(gi);
        return advance(next, gi, step("read-locks " + quoted(o)), out);
      }
      case op_kind::unlock: {
        if (unknown) return advance(s, gi, step("unlocks " + quoted(o)), out);
        if (s.objs[obj].holder < 0)
          return panic(o.loc, finding_kind::unlock_unlocked, "unlock of unlocked mutex " + quoted(o) + " panics",
                       step("unlocks " + quoted(o)), out);
        state next = s;
        next.objs[obj].holder = -1;
        next.objs[obj].lock_frame = -1;
        next.objs[obj].lock_loc = 0;
        return advance(next, gi, step("unlocks " + quoted(o)), out);
      }
      case op_kind::runlock: {
        if (unknown) return advance(s, gi, step("read-unlocks " + quoted(o)), out);
        if (s.objs[obj].readers == 0)
          return panic(o.loc, finding_kind::unlock_unlocked,
                       "read-unlock of " + quoted(o) + ", not read-locked, panics", step("read-unlocks " + quoted(o)),
                       out);
        // Go lets any goroutine release a read lock: this one's own first.
        size_t from = gi;
        for (size_t h = 0; reads_of(s.objs[obj], from) == 0; ++h) from = h;
        state next = s;
        next.objs[obj].readers -= one_read(from);
        return advance(next, gi, step("read-unlocks " + quoted(o)), out);
      }
    }
  }

  // gi's wait on wait group obj returns now, at zero, while another
  // goroutine can still reach an add() on it: the add comes too late for
  // the wait (Go's rule: Add before the go statement). A finding at each
  // such add; the wait goes on regardless.
  void late_adds(const state& s, size_t gi, const op& o, int obj, std::vector<transition>& out) const {
    for (size_t h = 0; h < s.gs.size(); ++h) {
      if (h == gi || s.gs[h].done) continue;
      const op* add = reachable_add(s.gs[h], obj);
      if (!add) continue;
      panic(add->loc, finding_kind::wait_group_late_add,
            who(s, h) + " adds to " + quoted(*add) + " here, after " + who(s, gi) +
                " may have returned from waiting on it: call add() before go::spawn",
            step_of(s, gi, o, "waits on "), out);
    }
  }

  // An add() of a positive amount on obj that goroutine g can still reach.
  const op* reachable_add(const goroutine& g, int obj) const {
    return first_reachable(prog_.bodies[static_cast<size_t>(g.body)], g.block, g.index, [&](const op& x) {
      return x.kind == op_kind::wg_add && x.amount > 0 && object_of(g, x.slot) == obj;
    });
  }

  // wait() on cond obj, in two steps: it unlocks the mutex and queues up
  // (a ticket, as Go's notifyList takes one before unlocking, so a signal
  // after the unlock is not lost); once signalled, it locks the mutex again
  // and goes on.
  void cond_wait(const state& s, size_t gi, const op& o, int obj, std::vector<transition>& out) const {
    const goroutine& g = s.gs[gi];
    if (is_unknown(s, obj)) return advance(s, gi, step_of(s, gi, o, "waits on "), out, nullptr, true);
    const object_state& c = s.objs[static_cast<size_t>(obj)];
    const int mu = c.cond_mutex;
    if (is_unknown(s, mu)) return advance(s, gi, step_of(s, gi, o, "waits on "), out, nullptr, true);
    if (!g.in_wait) {
      if (s.objs[static_cast<size_t>(mu)].holder != static_cast<int>(gi))
        return panic(o.loc, finding_kind::unlock_unlocked,
                     "wait on " + quoted(o) + " without holding its mutex panics (unlock of unlocked mutex)",
                     step_of(s, gi, o, "waits on "), out);
      transition t;
      t.next = s;
      object_state& m = t.next.objs[static_cast<size_t>(mu)];
      m.holder = -1;
      m.lock_frame = -1;
      m.lock_loc = 0;
      t.next.objs[static_cast<size_t>(obj)].waiters.push_back(static_cast<std::uint8_t>(gi));
      t.next.gs[gi].in_wait = true;
      t.steps = step_of(s, gi, o, "waits on ");
      out.push_back(std::move(t));
      return;
    }
    const std::uint32_t bit = std::uint32_t{1} << gi;
    const object_state& m = s.objs[static_cast<size_t>(mu)];
    if (!(c.signalled & bit) || m.holder >= 0 || m.readers) return;
    state next = s;
    next.objs[static_cast<size_t>(obj)].signalled &= ~bit;
    object_state& held = next.objs[static_cast<size_t>(mu)];
    held.holder = static_cast<int>(gi);
    held.lock_frame = o.frame;
    held.lock_loc = o.loc.getRawEncoding();
    advance(next, gi, step_of(s, gi, o, "wakes up in wait() on "), out, [](goroutine& x) { x.in_wait = false; });
  }

  std::vector<path_step> step_of(const state& s, size_t gi, const op& o, const std::string& verb) const {
    return {{o.loc, who(s, gi) + " " + verb + quoted(o)}};
  }

  // A send by gi (select case sc, -1: a plain send) on obj.
  void send(const state& s, size_t gi, const op& o, int obj, int sc, std::vector<path_step> steps,
            std::vector<transition>& out) const {
    auto chosen = [sc](goroutine& g) {
      if (sc >= 0) g.last_select = sc;
    };
    if (is_unknown(s, obj)) return advance(s, gi, steps, out, chosen, true);
    if (s.objs[obj].nil) return;
    if (s.objs[obj].uncounted) return advance(s, gi, steps, out, chosen, true);
    state marked = s;  // who sent on it (the buffered-channel fix: blocked_findings.cpp)
    marked.objs[obj].senders |= std::uint32_t{1} << gi;
    const object_state& c = marked.objs[obj];
    if (c.closed) {
      std::string name = sc >= 0 ? case_name(s.gs[gi], o.cases[sc]) : quoted(o);
      clang::SourceLocation at = sc >= 0 ? o.cases[sc].loc : o.loc;
      if (c.closed_by_receiver && c.closer != static_cast<int>(gi)) {
        // The cause, reported where the fix goes: the close.
        const goroutine& closer = s.gs[static_cast<size_t>(c.closer)];
        std::string closed_name = name;
        for (const block& b : prog_.bodies[closer.body].blocks)
          for (const op& x : b.ops)
            if (x.kind == op_kind::close && x.loc.getRawEncoding() == c.close_loc) closed_name = quoted(x);
        panic(clang::SourceLocation::getFromRawEncoding(c.close_loc), finding_kind::close_by_receiver,
              who(s, static_cast<size_t>(c.closer)) + " closes " + closed_name + " but never sends on it, while " +
                  who(s, gi) + " still sends on it: the send panics (let the sender close the channel)",
              steps, out);
      }
      return panic(at, finding_kind::send_closed, "send on closed channel " + name + " panics", std::move(steps), out);
    }
    if (c.cap > 0) {
      if (c.count >= c.cap) return;
      state next = marked;
      ++next.objs[obj].count;
      return advance(next, gi, steps, out, chosen);
    }
    rendezvous(marked, gi, sc, obj, steps, out);
  }

  // A receive by gi (select case rc, -1: recv or next) from obj; the
  // rendezvous with an unbuffered sender is generated from the sender's side.
  void receive(const state& s, size_t gi, int obj, int rc, const std::vector<path_step>& steps,
               std::vector<transition>& out) const {
    if (is_unknown(s, obj)) {
      return advance(
          s, gi, steps, out,
          [rc](goroutine& g) {
            if (rc >= 0) g.last_select = rc;
          },
          true);
    }
    const object_state& c = s.objs[obj];
    if (c.nil) return;
    if (c.uncounted && !c.closed) {
      if (!held_by_another(s, gi, obj)) return;
      return advance(s, gi, steps, out, took(1, rc), true);
    }
    if (c.count > 0) {
      state next = s;
      --next.objs[obj].count;
      return advance(next, gi, steps, out, took(1, rc));
    }
    if (c.closed || context_done(s, obj)) {
      return advance(s, gi, steps, out, took(0, rc));
    }
    if (c.armed) {
      // The timer fires (a ticker ticks) and the value is taken.
      state next = s;
      next.objs[obj].armed = c.ticker;
      return advance(next, gi, steps, out, took(1, rc));
    }
  }

  // once.call(f): a done once skips f (last_ok 1); a free one is taken and
  // f runs (last_ok 0); one whose f another goroutine runs -- or this one,
  // a recursion (gocxx-leak-once-recursive) -- waits. Whether an unknown
  // once runs f is an assumption, like any wait on an unknown object.
  void enter_once(const state& s, size_t gi, const op& o, int obj, std::vector<transition>& out) const {
    const std::vector<path_step> skips{{o.loc, who(s, gi) + " finds " + quoted(o) + " done"}};
    const std::vector<path_step> runs{{o.loc, who(s, gi) + " runs the function of " + quoted(o)}};
    if (is_unknown(s, obj)) {
      advance(s, gi, skips, out, took(1), true);
      advance(s, gi, runs, out, took(0), true);
      return;
    }
    const object_state& once = s.objs[obj];
    if (once.count == 1) return advance(s, gi, skips, out, took(1));
    if (once.holder >= 0) return;
    state next = s;
    next.objs[obj].holder = static_cast<int>(gi);
    advance(next, gi, runs, out, took(0));
  }

  // t.stop(): a pending timer is stopped (stop() returns true) -- or had
  // fired just before, its value in the channel (false): when is timing.
  // One that fired or was stopped stays so (false). A ticker stops; a tick
  // may have come just before.
  void stop_timer(const state& s, size_t gi, const op& o, int obj, std::vector<transition>& out) const {
    std::vector<path_step> steps{{o.loc, who(s, gi) + " stops " + quoted(o)}};
    if (is_unknown(s, obj)) {
      advance(s, gi, steps, out, took(1));
      advance(s, gi, steps, out, took(0));
      return;
    }
    const object_state& t = s.objs[obj];
    if (!t.armed) return advance(s, gi, steps, out, took(0));
    state stopped = s;
    stopped.objs[obj].armed = false;
    advance(stopped, gi, steps, out, took(1));
    if (t.count < t.cap) {
      state fired = stopped;
      ++fired.objs[obj].count;
      advance(fired, gi, {{o.loc, who(s, gi) + " stops " + quoted(o) + " just after it fired"}}, out, took(0));
    }
  }

  void select(const state& s, size_t gi, const op& o, std::vector<transition>& out) const {
    const goroutine& g = s.gs[gi];
    size_t before = out.size();
    for (size_t c = 0; c < o.cases.size(); ++c) {
      const select_case& sc = o.cases[c];
      int obj = object_of(g, sc.slot);
      std::vector<path_step> steps{
          {sc.loc, who(s, gi) + (sc.is_send ? " sends on " : " receives from ") + case_name(g, sc) + " in a select"}};
      if (sc.is_send)
        send(s, gi, o, obj, static_cast<int>(c), steps, out);
      else
        receive(s, gi, obj, static_cast<int>(c), steps, out);
    }
    // The receiving side of a rendezvous is generated by the sender; it
    // still counts as a ready case, so default is not taken.
    bool ready = out.size() > before;
    for (size_t c = 0; c < o.cases.size() && !ready; ++c) {
      const select_case& sc = o.cases[c];
      int obj = object_of(g, sc.slot);
      if (!sc.is_send && !is_unknown(s, obj) && !s.objs[obj].nil && s.objs[obj].cap == 0 &&
          !partners(s, gi, obj, /*want_receiver=*/false).empty())
        ready = true;
    }
    if (!ready && o.has_default)
      advance(s, gi, {{o.loc, who(s, gi) + " takes the select's default"}}, out,
              [](goroutine& x) { x.last_select = -1; });
  }

  void spawn(const state& s, size_t gi, const op& o, std::vector<transition>& out) const {
    if (s.gs.size() >= limits_.max_goroutines) {
      incomplete("more than " + std::to_string(limits_.max_goroutines) + " goroutines");
      return;
    }
    state next = s;
    goroutine child;
    child.body = o.callee;
    const body& cb = prog_.bodies[o.callee];
    child.block = cb.entry;
    child.env.assign(cb.slots.size(), -1);
    child.spawned_at = o.loc;
    for (auto [to, from] : o.bindings) {
      int obj = object_of(s.gs[gi], from);
      if (obj >= 0) next.objs[obj].shared = true;
      bind(next, child, to, obj);
    }
    size_t ci = next.gs.size();
    std::vector<path_step> steps{{o.loc, who(s, gi) + " spawns goroutine " + std::to_string(ci)}};
    for (goroutine& settled : settle_within_budget(next, std::move(child))) {
      state with_child = next;
      with_child.assumed = with_child.assumed || std::exchange(settled.took_assumption, false);
      with_child.gs.push_back(std::move(settled));
      advance(with_child, gi, steps, out);
    }
  }

  // --- the search ----------------------------------------------------------------

  void expand(size_t at) {
    const state& s = nodes_[at].s;  // a deque: adding nodes does not move it
    std::vector<transition> out;
    // Partial-order reduction: a goroutine whose operation no other one can
    // see goes alone, if it can go at all.
    for (size_t gi = 0; gi < s.gs.size() && out.empty(); ++gi)
      if (!s.gs[gi].done && is_local(s, gi)) transitions(s, gi, out);
    if (out.empty())
      for (size_t gi = 0; gi < s.gs.size(); ++gi)
        if (!s.gs[gi].done) transitions(s, gi, out);
    if (out.empty()) return blocked(at);
    for (transition& t : out) {
      if (t.panic) {
        report(std::move(*t.panic), at, t.steps);
        continue;
      }
      add(std::move(t.next), static_cast<long>(at), std::move(t.steps));
    }
  }

  // Whether goroutine gi waits on an uncounted channel other than in a
  // next() loop: with the right number of values it would have moved, so the
  // state says nothing certain.
  bool waits_on_uncounted(const state& s, size_t gi) const {
    const goroutine& g = s.gs[gi];
    const op& o = current(g);
    auto uncounted = [&](int slot) {
      int obj = object_of(g, slot);
      return obj >= 0 && !s.objs[obj].unknown && s.objs[obj].uncounted;
    };
    if (o.kind == op_kind::recv) return uncounted(o.slot);
    if (o.kind == op_kind::select)
      for (const select_case& c : o.cases)
        if (!c.is_send && uncounted(c.slot)) return true;
    return false;
  }

  // No goroutine can move: every one not done blocks forever (unless one
  // waits on an uncounted channel).
  void blocked(size_t at) {
    const state& s = nodes_[at].s;
    for (size_t gi = 0; gi < s.gs.size(); ++gi)
      if (!s.gs[gi].done && waits_on_uncounted(s, gi)) return;
    for (size_t gi = 0; gi < s.gs.size(); ++gi) {
      finding f;
      if (!s.gs[gi].done && why_blocked(*this, s, gi, f)) report(std::move(f), at, {});
    }
  }

  void report(finding f, size_t at, const std::vector<path_step>& last) {
    if (nodes_[at].s.assumed) return;
    auto key = std::make_pair(static_cast<int>(f.kind), f.loc.getRawEncoding());
    if (findings_.count(key)) return;
    std::vector<std::vector<path_step>> chain;
    if (!last.empty()) chain.push_back(last);
    for (long n = static_cast<long>(at); n >= 0; n = nodes_[n].parent)
      if (!nodes_[n].steps.empty()) chain.push_back(nodes_[n].steps);
    std::vector<path_step> tail = std::move(f.path);  // what the finding adds after the path
    f.path.clear();
    for (auto it = chain.rbegin(); it != chain.rend(); ++it)
      for (const path_step& p : *it) f.path.push_back(p);
    f.path.insert(f.path.end(), tail.begin(), tail.end());
    // Spawn sites of the goroutines named, first.
    const state& s = nodes_[at].s;
    std::vector<path_step> spawns;
    for (size_t gi = 1; gi < s.gs.size(); ++gi)
      // "goroutine 1 " so that goroutine 12 is not taken for goroutine 1.
      if (f.message.find("goroutine " + std::to_string(gi) + " ") != std::string::npos)
        spawns.push_back({s.gs[gi].spawned_at, "goroutine " + std::to_string(gi) + " is spawned here"});
    constexpr size_t max_path = 24;
    if (f.path.size() > max_path) f.path.erase(f.path.begin(), f.path.end() - max_path);
    f.path.insert(f.path.begin(), spawns.begin(), spawns.end());
    findings_.emplace(key, std::move(f));
  }

  explore_limits limits_;
  enum class taint : std::uint8_t { none, sends, all };
  std::vector<std::vector<taint>> tainted_;
  std::deque<node> nodes_;
  std::unordered_map<std::string, size_t> visited_;
  std::deque<size_t> queue_;
  std::map<std::pair<int, unsigned>, finding> findings_;
  mutable explore_result result_;  // incomplete() marks it from const transitions
};

}  // namespace

explore_result explore(const program& prog, const explore_limits& limits) {
  if (!prog.usable || prog.bodies.empty()) {
    explore_result r;
    r.complete = false;
    r.why_incomplete = prog.why_not;
    return r;
  }
  return explorer(prog, limits).run();
}

}  // namespace gocxx::concurrency
