// Time: go::sleep, go::after, go::timer and go::ticker (Go's time package),
// all on the scheduler's per-P timer heaps. go::duration and what Go does
// with durations (printing, parsing, rounding) are in gocxx/duration.hpp.
#pragma once
#include <chrono>
#include <coroutine>
#include <source_location>

#include "gocxx/chan.hpp"
#include "gocxx/detail/timer.hpp"
#include "gocxx/duration.hpp"

namespace go {

using time_point = std::chrono::steady_clock::time_point;

namespace detail {

std::int64_t when_after(duration d) noexcept;

class sleep_awaiter {
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

// time.Timer: fires once, d from now, unless stopped.
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

}  // namespace go
