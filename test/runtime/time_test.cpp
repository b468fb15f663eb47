// Tests for go::sleep, go::after, go::timer and go::ticker (Go's time package).

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <vector>

using namespace std::chrono_literals;
using clk = std::chrono::steady_clock;

namespace {

double ms_since(clk::time_point t) {
  return std::chrono::duration<double, std::milli>(clk::now() - t).count();
}

int count_threads() {
  int n = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

// Index of the first ready case among "c has a value" (0) and "`limit` passed" (1).
template <class T>
go::task<int> recv_or_timeout(go::recv_chan<T> c, std::chrono::milliseconds limit) {
  T v{};
  co_return co_await go::select(go::on_recv(c, &v), go::on_recv(go::after(limit)));
}

TEST(Time, SleepSleepsAtLeastD) {
  const std::vector<std::chrono::milliseconds> ds = {1ms, 5ms, 20ms, 50ms};
  std::vector<double> got;
  go::run([&]() -> go::task<> {
    for (auto d : ds) {
      auto t0 = clk::now();
      co_await go::sleep(d);
      got.push_back(ms_since(t0));
    }
  });
  ASSERT_EQ(got.size(), ds.size());
  for (size_t i = 0; i < ds.size(); ++i) {
    EXPECT_GE(got[i], double(ds[i].count())) << "sleep(" << ds[i].count() << "ms)";
    EXPECT_LT(got[i], double(ds[i].count()) + 1000.0) << "sleep(" << ds[i].count() << "ms)";
  }
}

TEST(Time, SleepAcceptsOtherDurations) {
  double us = 0, s = 0;
  go::run([&]() -> go::task<> {
    auto t0 = clk::now();
    co_await go::sleep(1500us);
    us = ms_since(t0);
    t0 = clk::now();
    co_await go::sleep(std::chrono::seconds(0));
    co_await go::sleep(std::chrono::nanoseconds(10'000'000));
    s = ms_since(t0);
  });
  EXPECT_GE(us, 1.5);
  EXPECT_GE(s, 10.0);
}

TEST(Time, ZeroAndNegativeSleepReturnPromptly) {
  double elapsed = 1e9;
  go::run([&]() -> go::task<> {
    auto t0 = clk::now();
    co_await go::sleep(0ms);
    co_await go::sleep(-5ms);
    co_await go::after(0ms).recv();
    co_await go::after(-1ms).recv();
    elapsed = ms_since(t0);
  });
  EXPECT_LT(elapsed, 500.0);
}

TEST(Time, SleepingGoroutineDoesNotHoldItsP) {
  // With one P, a goroutine in sleep() must let others run meanwhile.
  std::atomic<int> progress{0};
  int progress_during_sleep = 0;
  go::run(
      [&]() -> go::task<> {
        go::spawn([&]() -> go::task<> {
          for (int i = 0; i < 5; ++i) {
            progress.fetch_add(1);
            co_await go::yield();
          }
        });
        co_await go::sleep(50ms);
        progress_during_sleep = progress.load();
      },
      go::config{.maxprocs = 1});
  EXPECT_EQ(progress_during_sleep, 5);
}

TEST(Time, AfterDeliversOneValueAfterD) {
  double elapsed = 0;
  go::time_point start, value;
  int second = -1;
  go::run([&]() -> go::task<> {
    start = clk::now();
    auto c = go::after(20ms);
    value = co_await c.recv();
    elapsed = ms_since(start);
    // One value, then nothing.
    second = co_await recv_or_timeout(c, 30ms);
  });
  EXPECT_GE(elapsed, 20.0);
  EXPECT_LT(elapsed, 1000.0);
  EXPECT_GE(value, start + 20ms);  // the value is the time it fired
  EXPECT_LE(value, clk::now());
  EXPECT_EQ(second, 1);
}

TEST(Time, AfterInSelectAsTimeout) {
  int which = -1;
  double elapsed = 0;
  go::run([&]() -> go::task<> {
    auto never = go::make_chan<int>();
    auto t0 = clk::now();
    int v = 0;
    which = co_await go::select(go::on_recv(never, &v), go::on_recv(go::after(15ms)));
    elapsed = ms_since(t0);
  });
  EXPECT_EQ(which, 1);
  EXPECT_GE(elapsed, 15.0);
}

TEST(Time, TimerFires) {
  double elapsed = 0;
  go::run([&]() -> go::task<> {
    auto t0 = clk::now();
    go::timer t(15ms);
    co_await t.c().recv();
    elapsed = ms_since(t0);
  });
  EXPECT_GE(elapsed, 15.0);
  EXPECT_LT(elapsed, 1000.0);
}

TEST(Time, TimerStopBeforeFiring) {
  bool first_stop = false, second_stop = true;
  int which = -1;
  go::run([&]() -> go::task<> {
    go::timer t(100ms);
    first_stop = t.stop();
    which = co_await recv_or_timeout(t.c(), 150ms);  // nothing is delivered
    second_stop = t.stop();                         // already stopped
  });
  EXPECT_TRUE(first_stop);
  EXPECT_EQ(which, 1);
  EXPECT_FALSE(second_stop);
}

TEST(Time, TimerStopAfterFiring) {
  bool stopped = true;
  go::run([&]() -> go::task<> {
    go::timer t(5ms);
    co_await t.c().recv();
    stopped = t.stop();
  });
  EXPECT_FALSE(stopped);
}

TEST(Time, TimerResetAfterFiringRearms) {
  bool reset_ret = true;
  double elapsed = 0;
  int extra = -1;
  go::run([&]() -> go::task<> {
    go::timer t(5ms);
    co_await t.c().recv();
    auto t0 = clk::now();
    reset_ret = t.reset(20ms);  // the timer had expired
    co_await t.c().recv();
    elapsed = ms_since(t0);
    extra = co_await recv_or_timeout(t.c(), 30ms);  // and fires only once
  });
  EXPECT_FALSE(reset_ret);
  EXPECT_GE(elapsed, 20.0);
  EXPECT_LT(elapsed, 1000.0);
  EXPECT_EQ(extra, 1);
}

TEST(Time, TimerResetActiveTimerPostponesIt) {
  bool reset_ret = false;
  double elapsed = 0;
  go::run([&]() -> go::task<> {
    go::timer t(100ms);
    auto t0 = clk::now();
    reset_ret = t.reset(150ms);  // was active
    co_await t.c().recv();
    elapsed = ms_since(t0);
  });
  EXPECT_TRUE(reset_ret);
  EXPECT_GE(elapsed, 150.0);  // not at the original 100 ms
}

TEST(Time, TimerResetAfterStop) {
  bool reset_ret = true;
  double elapsed = 0;
  go::run([&]() -> go::task<> {
    go::timer t(50ms);
    t.stop();
    auto t0 = clk::now();
    reset_ret = t.reset(10ms);
    co_await t.c().recv();
    elapsed = ms_since(t0);
  });
  EXPECT_FALSE(reset_ret);
  EXPECT_GE(elapsed, 10.0);
  EXPECT_LT(elapsed, 1000.0);
}

TEST(Time, TickerTicksRepeatedlyAndStops) {
  constexpr int kTicks = 5;
  std::vector<double> stamps;
  int after_stop = -1;
  go::run([&]() -> go::task<> {
    auto t0 = clk::now();
    go::ticker tk(10ms);
    for (int i = 0; i < kTicks; ++i) {
      co_await tk.c().recv();
      stamps.push_back(ms_since(t0));
    }
    tk.stop();
    // A tick sent just before stop() may still sit in the channel: drain it.
    go::time_point tp;
    co_await go::select(go::on_recv(tk.c(), &tp), go::on_default());
    after_stop = co_await recv_or_timeout(tk.c(), 50ms);
  });
  ASSERT_EQ(stamps.size(), size_t(kTicks));
  for (int i = 0; i < kTicks; ++i) EXPECT_GE(stamps[i], 10.0 * (i + 1)) << "tick " << i;
  for (int i = 1; i < kTicks; ++i) EXPECT_GT(stamps[i], stamps[i - 1]);
  EXPECT_LT(stamps.back(), 10.0 * kTicks + 500.0) << "ticks much slower than the period";
  EXPECT_EQ(after_stop, 1) << "the ticker still ticked after stop()";
}

TEST(Time, TickerReset) {
  double first = 0;
  go::run([&]() -> go::task<> {
    go::ticker tk(10s);
    auto t0 = clk::now();
    tk.reset(10ms);
    co_await tk.c().recv();
    co_await tk.c().recv();
    first = ms_since(t0);
    tk.stop();
  });
  EXPECT_GE(first, 20.0);
  EXPECT_LT(first, 2000.0);
}

TEST(Time, ManyConcurrentSleepsFinishWithoutExtraThreads) {
  constexpr int kSleepers = 10000;
  constexpr int kProcs = 2;
  const int base = count_threads();
  int max_threads = 0;
  std::atomic<int> finished{0};
  std::atomic<int> too_early{0};
  double elapsed = 0;
  go::run(
      [&]() -> go::task<> {
        auto t0 = clk::now();
        go::wait_group wg;
        wg.add(kSleepers);
        for (int i = 0; i < kSleepers; ++i) {
          go::spawn(
              [&](int ms) -> go::task<> {
                auto s = clk::now();
                co_await go::sleep(std::chrono::milliseconds(ms));
                if (clk::now() - s < std::chrono::milliseconds(ms)) too_early.fetch_add(1);
                finished.fetch_add(1);
                wg.done();
              },
              5 + i % 50);
        }
        for (int k = 0; k < 10; ++k) {
          max_threads = std::max(max_threads, count_threads());
          co_await go::sleep(3ms);
        }
        co_await wg.wait();
        max_threads = std::max(max_threads, count_threads());
        elapsed = ms_since(t0);
      },
      go::config{.maxprocs = kProcs});
  EXPECT_EQ(finished.load(), kSleepers);
  EXPECT_EQ(too_early.load(), 0);
  EXPECT_LT(elapsed, 4000.0);
  // Threads of the process before go::run, plus one per P, plus a few
  // (a timer/sysmon thread, a spare M): never one per timer.
  EXPECT_LE(max_threads, base + kProcs + 4) << "threads before go::run: " << base;
}

TEST(Time, ManyTimersStoppedAndTickersDoNotLeakThreads) {
  const int base = count_threads();
  int max_threads = 0;
  int stopped = 0;
  go::run(
      [&]() -> go::task<> {
        std::vector<std::unique_ptr<go::timer>> timers;
        for (int i = 0; i < 2000; ++i) timers.push_back(std::make_unique<go::timer>(10s));
        max_threads = count_threads();
        for (auto& t : timers) stopped += t->stop();
        go::ticker tk(1ms);
        for (int i = 0; i < 3; ++i) co_await tk.c().recv();
        tk.stop();
        max_threads = std::max(max_threads, count_threads());
      },
      go::config{.maxprocs = 2});
  EXPECT_EQ(stopped, 2000);
  EXPECT_LE(max_threads, base + 2 + 4);
}

}  // namespace
