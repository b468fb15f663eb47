// Helpers shared by scheduler_test.cpp, chan_test.cpp, select_test.cpp and
// stress_test.cpp. They are built from channels and timers only, so that a
// failure in these suites points at the scheduler or at channels rather than
// at go::wait_group.
#pragma once

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>

namespace gotest {

using namespace std::chrono_literals;
using clk = std::chrono::steady_clock;

// GOCXX_TEST_SCALE (a positive number, default 1) multiplies the iteration
// counts of the long tests; sanitizer runs set it below 1.
inline double scale() {
  static const double s = [] {
    const char* e = std::getenv("GOCXX_TEST_SCALE");
    double v = e ? std::strtod(e, nullptr) : 1.0;
    return v > 0 ? v : 1.0;
  }();
  return s;
}

inline long scaled(long n, long min = 1) {
  return std::max(min, static_cast<long>(static_cast<double>(n) * scale()));
}

// Parameter names for tests instantiated over maxprocs: P1, P2, P4.
inline std::string procs_name(const ::testing::TestParamInfo<int>& info) {
  return "P" + std::to_string(info.param);
}

// A count-down latch on a channel: done() is closed by the n-th count_down().
// Construct it inside go::run (it makes a channel).
class latch {
 public:
  explicit latch(long n) : left_(n), done_(go::make_chan<go::unit>()) {
    if (n <= 0) done_.close();
  }
  void count_down() {
    if (left_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      go::chan<go::unit> d = done_;  // the waiter may destroy *this once d is closed
      d.close();
    }
  }
  go::recv_chan<go::unit> done() const { return done_; }
  // Waits until the count reaches zero, and never returns before: the
  // goroutines it joins may still use the caller's frame (this is the join
  // gocxx-escape-dangling proves). A latch still held after `report_after`
  // is a test failure, reported while the wait goes on.
  go::task<> wait(std::chrono::milliseconds report_after = std::chrono::seconds(30),
                  const char* what = "the goroutines did not all count down") const {
    go::recv_chan<go::unit> d = done_;
    if (co_await go::select(go::on_recv(d), go::on_recv(go::after(report_after))) != 0) {
      ADD_FAILURE() << what << " within " << report_after.count() << " ms; still waiting";
      co_await d.recv();
    }
  }
  // false when `limit` passes first.
  go::task<bool> wait_for(std::chrono::milliseconds limit) const {
    go::recv_chan<go::unit> d = done_;
    co_return co_await go::select(go::on_recv(d), go::on_recv(go::after(limit))) == 0;
  }

 private:
  std::atomic<long> left_;
  go::chan<go::unit> done_;
};

// Polls pred() every millisecond until it holds (true) or `limit` passes (false).
template <class P>
go::task<bool> eventually(P pred, std::chrono::milliseconds limit = 3000ms) {
  auto end = clk::now() + limit;
  while (!pred()) {
    if (clk::now() > end) co_return false;
    co_await go::sleep(1ms);
  }
  co_return true;
}

// CPU time consumed by the whole process, in seconds.
inline double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Burns CPU (no suspension point) for about d.
inline void spin_for(std::chrono::microseconds d) {
  auto end = clk::now() + d;
  while (clk::now() < end) {
  }
}

}  // namespace gotest
