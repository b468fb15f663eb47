// go::errgroup: golang.org/x/sync/errgroup's Group -- goroutines working on
// subtasks of one task, waited for together, the first error kept.
//
//   go::errgroup g;                              // or: auto [g, ctx] = go::errgroup::with_context(parent);
//   g.set_limit(4);                              // optional: at most 4 at a time
//   co_await g.go(fetch, url);                   // Go: g.Go(func() error { return fetch(url) })
//   if (go::error err = co_await g.wait()) ...   // Go: if err := g.Wait(); err != nil
//
// An errgroup is a copyable handle (Go code passes a *Group around); its
// copies share one state, which the group's goroutines hold too. So the
// handle may live on the waiting goroutine's frame and die right after
// wait() returns: the goroutines touch only the shared state, and each one
// destroys its callable and arguments before it counts as done, so once
// wait() returns none of their code runs any more.
//
// go(fn, args...) starts fn(args...), which returns go::task<go::error>,
// copying the arguments at the call as go::spawn does. Without a limit it
// starts the goroutine at once; with one (set_limit) it first waits for a
// free slot, as Go's Go blocks. Waiting is a co_await in gocxx, so go()
// is always awaited: `co_await g.go(...)` (it completes without suspending
// when no limit is set or a slot is free). try_go never waits.
//
// The state keeps: wg, counting the goroutines started and not done; err,
// the first non-nil error (set once, under mu); cancel, with_context's
// cancel function; limit, the slots of the current limit (nullptr: none).
// A goroutine returns the slot of the limit it started under, so a limit
// changed while no goroutine holds a slot never strands anyone.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <source_location>
#include <tuple>
#include <type_traits>
#include <utility>

#include "gocxx/context.hpp"
#include "gocxx/detail/sema.hpp"
#include "gocxx/detail/spinlock.hpp"
#include "gocxx/error.hpp"
#include "gocxx/spawn.hpp"
#include "gocxx/task.hpp"
#include "gocxx/wait_group.hpp"

namespace go {

struct errgroup_with_context;

namespace detail {

// The slots of one limit (Go's sem channel): `active` counts the slots held.
struct group_limit {
  explicit group_limit(int n) noexcept { slots.release_many(static_cast<std::uint32_t>(n)); }
  sema slots;
  std::atomic<int> active{0};
};

struct group_state {
  wait_group wg;
  cancel_func cancel;                  // set before the group is handed out, read-only after
  std::shared_ptr<group_limit> limit;  // set_limit; like Go, not to race with go()
  spinlock mu;                         // guards err
  error err;

  // Records err if it is the first error, and cancels the context.
  void fail(const error& e);
  // A member goroutine is done: frees its slot, then counts down.
  void finish(const error& e, group_limit* lim);
};

// A member goroutine's callable with its arguments, in one box that the
// goroutine destroys before it counts as done.
template <class Fn, class... Args>
struct group_call {
  Fn fn;
  std::tuple<Args...> args;
  task<error> run() { return std::apply(fn, std::move(args)); }
};

// The outermost frame of a member goroutine.
template <class Call>
task<> group_member(std::shared_ptr<group_state> st, std::shared_ptr<group_limit> lim, std::unique_ptr<Call> call) {
  error err = co_await call->run();
  call.reset();
  st->finish(err, lim.get());  // may wake wait(); st keeps the state alive
}

// errgroup::go's first parameter, as spawn_callable is spawn's: Args are
// deduced from the arguments, the callable converts implicitly, and the
// converting constructor's defaulted std::source_location records the call
// site, which reports show as the goroutine's spawn site. It keeps the
// callable in a box on the C++ heap (handles among the captures register as
// roots) until launch moves it into the goroutine.
template <class... Args>
class group_fn {
 public:
  template <class F>
    requires std::is_same_v<std::invoke_result_t<std::decay_t<F>&, Args&&...>, task<error>>
  group_fn(F&& fn, std::source_location site = std::source_location::current())  // NOLINT: implicit
      : site_(site) {
    using Fn = std::decay_t<F>;
    fn_ = new Fn(std::forward<F>(fn));
    destroy_ = [](void* p) { delete static_cast<Fn*>(p); };
    make_ = [](void* p, std::shared_ptr<group_state> st, std::shared_ptr<group_limit> lim, Args&&... args) {
      using Call = group_call<Fn, Args...>;
      std::unique_ptr<Fn> f(static_cast<Fn*>(p));
      auto call = std::make_unique<Call>(Call{std::move(*f), std::tuple<Args...>(std::move(args)...)});
      f.reset();
      return group_member<Call>(std::move(st), std::move(lim), std::move(call)).release();
    };
  }
  group_fn(group_fn&& o) noexcept
      : fn_(std::exchange(o.fn_, nullptr)), destroy_(o.destroy_), make_(o.make_), site_(o.site_) {}
  group_fn(const group_fn&) = delete;
  group_fn& operator=(const group_fn&) = delete;
  ~group_fn() {
    if (fn_) destroy_(fn_);
  }

  const std::source_location& site() const noexcept { return site_; }

  // Starts the goroutine (once), holding a slot of lim if there is one:
  // makes its frame, then counts it in (before it can run, so that it
  // cannot count out first), then queues it. If the frame cannot be made,
  // nothing is counted and the slot is given back.
  void launch(std::shared_ptr<group_state> st, std::shared_ptr<group_limit> lim, Args&&... args) {
    group_state* s = st.get();
    group_limit* l = lim.get();
    std::coroutine_handle<task_promise<void>> h;
    try {
      h = make_(std::exchange(fn_, nullptr), std::move(st), std::move(lim), std::move(args)...);
    } catch (...) {
      if (l) l->slots.release();
      throw;
    }
    if (l) l->active.fetch_add(1, std::memory_order_relaxed);
    s->wg.add(1);
    start_goroutine(h, &h.promise().goroutine, site_);
  }

 private:
  void* fn_;
  void (*destroy_)(void*);
  // Makes the goroutine's frame, which then owns the callable.
  std::coroutine_handle<task_promise<void>> (*make_)(void*, std::shared_ptr<group_state>, std::shared_ptr<group_limit>,
                                                     Args&&...);
  std::source_location site_;
};

}  // namespace detail

class errgroup {
 public:
  // Go's zero Group: no limit, no context.
  errgroup() : st_(std::make_shared<detail::group_state>()) {}
  // Copies share the group (copy, never move: a handle is never empty).
  errgroup(const errgroup&) = default;
  errgroup& operator=(const errgroup&) = default;

  // errgroup.WithContext: a new group and a context derived from parent,
  // cancelled when a goroutine first returns an error or when wait returns.
  static errgroup_with_context with_context(const context& parent);

  // Group.Go: runs fn(args...) in a new goroutine once a slot is free. The
  // arguments are copied at the call; fn must return go::task<go::error>.
  template <class... Args>
  [[nodiscard]] task<> go(detail::group_fn<std::type_identity_t<Args>...> fn, Args... args) {
    return go_after_slot<Args...>(st_, std::move(fn), std::move(args)...);
  }

  // Group.TryGo: starts fn(args...) only if a slot is free now; false (and
  // nothing started) otherwise.
  template <class... Args>
  bool try_go(detail::group_fn<std::type_identity_t<Args>...> fn, Args... args) {
    std::shared_ptr<detail::group_limit> lim = st_->limit;
    if (lim && !lim->slots.try_acquire()) return false;
    fn.launch(st_, std::move(lim), std::move(args)...);
    return true;
  }

  // Group.SetLimit: at most n goroutines at a time; a negative n means no
  // limit. Changing the limit while goroutines started under the current
  // one are still running panics, as in Go. Not to be called concurrently
  // with go or try_go (Go's rule too).
  void set_limit(int n);

  // Group.Wait: waits for every goroutine started so far, then cancels the
  // context (with_context) and returns the first non-nil error.
  [[nodiscard]] task<error> wait(std::source_location where = std::source_location::current()) const {
    return wait_all(st_, where);
  }

 private:
  template <class... Args>
  static task<> go_after_slot(std::shared_ptr<detail::group_state> st, detail::group_fn<Args...> fn, Args... args) {
    std::shared_ptr<detail::group_limit> lim = st->limit;
    if (lim) co_await lim->slots.acquire(false, detail::wait_reason::semacquire, fn.site());
    fn.launch(std::move(st), std::move(lim), std::move(args)...);
  }
  static task<error> wait_all(std::shared_ptr<detail::group_state> st, std::source_location where);

  std::shared_ptr<detail::group_state> st_;
};

// What errgroup::with_context returns: auto [g, ctx] = ...
struct errgroup_with_context {
  errgroup group;
  context ctx;
};

}  // namespace go
