// Time: go::sleep, go::after, go::tick, go::timer, go::ticker and
// go::after_func (Go's time package), all on the scheduler's per-P timer
// heaps. go::duration and what Go does with durations (printing, parsing,
// rounding) are in gocxx/duration.hpp.
#pragma once
#include <chrono>
#include <concepts>
#include <coroutine>
#include <memory>
#include <source_location>
#include <type_traits>
#include <utility>

#include "gocxx/chan.hpp"
#include "gocxx/detail/timer.hpp"
#include "gocxx/duration.hpp"
#include "gocxx/spawn.hpp"
#include "gocxx/task.hpp"

namespace go {

using time_point = std::chrono::steady_clock::time_point;

namespace detail {

std::int64_t when_after(duration d) noexcept;

class [[nodiscard]] sleep_awaiter {
 public:
  sleep_awaiter(duration d, const std::source_location& where) : d_(d), where_(where) {}
  sleep_awaiter(const sleep_awaiter&) = delete;
  ~sleep_awaiter() { del_timer(&node_); }
  bool await_ready() const noexcept { return d_.count() <= 0; }
  void await_suspend(std::coroutine_handle<> h) noexcept;
  void await_resume() const noexcept {}

 private:
  struct node : timer_node {
    g* gp = nullptr;
  };
  duration d_;
  std::source_location where_;
  node node_;
};

// A timer whose expiry sends the time on a one-slot channel (Go's Timer.C).
shared_timer* make_channel_timer(const chan<time_point>& c);

}  // namespace detail

// time.Sleep(d)
template <class Rep, class Period>
detail::sleep_awaiter sleep(std::chrono::duration<Rep, Period> d,
                            std::source_location where = std::source_location::current()) {
  return detail::sleep_awaiter(std::chrono::duration_cast<duration>(d), where);
}

// time.After(d): one value, d from now.
recv_chan<time_point> after(duration d);

// time.Tick(d): a value every d, forever (dropped when the reader lags, as a
// ticker's). Nothing can stop it: its timer and channel live until go::run
// returns, as they did in Go before 1.23 (Go now collects an unreferenced
// one). d <= 0 gives a nil channel, as in Go: receiving from it blocks forever.
recv_chan<time_point> tick(duration d);

// time.Timer: fires once, d from now, unless stopped. Destroying the handle
// stops it (the channel it would send on is gone with the handle).
class timer {
 public:
  explicit timer(duration d);
  timer(const timer&) = delete;
  timer& operator=(const timer&) = delete;
  ~timer();
  recv_chan<time_point> c() const { return c_; }
  // True if the call stopped the timer, false if it had fired or been stopped.
  bool stop() noexcept;
  // Rearms the timer; true if it was still pending.
  bool reset(duration d) noexcept;

 private:
  chan<time_point> c_;
  detail::shared_timer* t_;
};

// time.Ticker: a value every period (dropped when the reader lags), until stopped.
class ticker {
 public:
  explicit ticker(duration period);
  ticker(const ticker&) = delete;
  ticker& operator=(const ticker&) = delete;
  // A ticker that is never stopped keeps ticking for as long as the program
  // runs, as in Go; destroying the handle stops it.
  ~ticker();
  recv_chan<time_point> c() const { return c_; }
  void stop() noexcept;
  void reset(duration period) noexcept;

 private:
  chan<time_point> c_;
  detail::shared_timer* t_;
  duration period_;
};

class func_timer;
namespace detail {
template <class F>
func_timer after_func_at(duration d, F&& fn, const std::source_location& where);
}  // namespace detail

// The handle go::after_func returns: Go's *Timer from time.AfterFunc, which
// has no channel. A copyable reference to the timer; a default-constructed
// (or moved-from) handle is nil, and stop() or reset() on it panics, as
// calling them on a nil *Timer does.
//
// Unlike go::timer, destroying the last handle does not stop the timer: fn
// still runs when it fires, as an AfterFunc timer nobody refers to does in
// Go. The runtime keeps fn alive until its goroutine has finished, or until
// the timer is stopped and no handle remains.
class func_timer {
 public:
  func_timer() noexcept = default;
  func_timer(const func_timer& o) noexcept;
  func_timer(func_timer&& o) noexcept : t_(std::exchange(o.t_, nullptr)) {}
  func_timer& operator=(func_timer o) noexcept {
    std::swap(t_, o.t_);
    return *this;
  }
  ~func_timer();

  // Timer.Stop: true if the call kept fn from starting; false if the timer
  // had fired (fn's goroutine has been started, or is about to be) or been
  // stopped. Stop does not wait for fn.
  bool stop();
  // Timer.Reset: fn runs again d from now (d <= 0: at once); true if the
  // timer had been active, false if it had fired or been stopped.
  bool reset(duration d);

  explicit operator bool() const noexcept { return t_ != nullptr; }

 private:
  explicit func_timer(detail::shared_timer* t) noexcept : t_(t) {}
  detail::shared_timer* t_ = nullptr;

  template <class F>
  friend func_timer detail::after_func_at(duration d, F&& fn, const std::source_location& where);
};

namespace detail {

// What after_func accepts: fn() returns void or go::task<>.
template <class F>
concept after_func_callable =
    std::invocable<std::decay_t<F>&> && (std::is_void_v<std::invoke_result_t<std::decay_t<F>&>> ||
                                         std::is_same_v<std::invoke_result_t<std::decay_t<F>&>, task<>>);

template <class F>
func_timer after_func_at(duration d, F&& fn, const std::source_location& where) {
  using Fn = std::decay_t<F>;
  // One fn for every firing (a reset after it fired runs it again), shared
  // with each goroutine that runs it: a lambda's coroutine refers to the
  // lambda's captures through the object, so that object must outlive the
  // task, whatever becomes of the timer meanwhile.
  auto shared_fn = std::make_shared<Fn>(std::forward<F>(fn));
  auto* t = detail::shared_timer::make([shared_fn = std::move(shared_fn), where] {
    // Runs on a worker holding a P, like any timer callback: go::spawn may be
    // called there. It reports the goroutine as created at after_func.
    // spawn takes fn's void or task<> as it is.
    go::spawn(detail::spawn_callable<>([f = shared_fn] { return (*f)(); }, where));
  });
  t->reset(detail::when_after(d), 0);
  return func_timer(t);  // the creator's reference passes to the handle
}

}  // namespace detail

// time.AfterFunc(d, fn): d from now (d <= 0: at once), runs fn() in a
// goroutine of its own, started as go::spawn starts one (so not at all once
// go::run is returning). fn may be a plain callable or return go::task<>; it
// is copied (decayed) before after_func returns.
template <class F>
  requires detail::after_func_callable<F>
func_timer after_func(duration d, F&& fn, std::source_location where = std::source_location::current()) {
  return detail::after_func_at(d, std::forward<F>(fn), where);
}

}  // namespace go
