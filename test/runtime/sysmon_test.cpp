// Goroutines that never suspend: sysmon lends a P when one runs for 10 ms
// without a scheduling point while others wait, so a busy-wait on a flag
// another goroutine sets completes at GOMAXPROCS=1 (Go >= 1.14 preempts it).

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "stderr_matcher.hpp"

using namespace std::chrono_literals;
using gocxx_test::StderrHas;

namespace {

// Spins without a co_await until flag is set, for at most `limit`.
bool spin_until(const std::atomic<bool>& flag, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!flag.load(std::memory_order_acquire)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
  }
  return true;
}

TEST(Sysmon, BusyWaitOnAFlagSetByAQueuedGoroutineCompletesOnOneP) {
  std::atomic<bool> flag{false};
  bool done = false;
  go::run(
      [&]() -> go::task<> {
        go::spawn([&] { flag.store(true, std::memory_order_release); });  // queued on the only P
        done = spin_until(flag, 5s);
        co_return;
      },
      go::config{.maxprocs = 1});
  EXPECT_TRUE(done) << "the spawned goroutine never ran while main spun";
}

TEST(Sysmon, BusyWaitOnAFlagSetAfterASleepCompletesOnOneP) {
  std::atomic<bool> flag{false};
  bool done = false;
  go::run(
      [&]() -> go::task<> {
        go::spawn(
            [](std::atomic<bool>* f) -> go::task<> {
              co_await go::sleep(5ms);  // a timer on the busy P's heap
              f->store(true, std::memory_order_release);
            },
            &flag);
        co_await go::yield();  // the setter starts and parks on its timer
        done = spin_until(flag, 5s);
      },
      go::config{.maxprocs = 1});
  EXPECT_TRUE(done) << "the sleeping goroutine's timer never fired while main spun";
}

// A chain: each goroutine busy-waits for the one spawned before it. It needs
// a thread per waiter: at GOMAXPROCS=2 there are two spares to lend.
TEST(Sysmon, ChainOfBusyWaiters) {
  constexpr int kDepth = 3;
  std::atomic<int> finished{0};
  go::run(
      [&]() -> go::task<> {
        std::atomic<bool> flags[kDepth + 1] = {};
        go::wait_group wg;
        wg.add(kDepth);
        for (int k = 0; k < kDepth; ++k) {
          go::spawn([&flags, &finished, &wg, k] {
            const int i = kDepth - 1 - k;
            spin_until(flags[i + 1], 10s);
            flags[i].store(true, std::memory_order_release);
            ++finished;
            wg.done();
          });
        }
        flags[kDepth].store(true);
        EXPECT_TRUE(spin_until(flags[0], 10s));
        co_await wg.wait();
      },
      go::config{.maxprocs = 2});
  EXPECT_EQ(finished.load(), kDepth);
}

// Busy goroutines on every P, and work keeps arriving: it still runs.
TEST(Sysmon, WorkRunsWhileEveryPIsBusy) {
  std::atomic<bool> stop{false};
  std::atomic<int> ran{0};
  go::run(
      [&]() -> go::task<> {
        for (int i = 0; i < 2; ++i) go::spawn([&] { spin_until(stop, 10s); });
        co_await go::sleep(20ms);  // both Ps are now held by spinners
        go::wait_group wg;
        wg.add(10);
        for (int i = 0; i < 10; ++i)
          go::spawn([&] {
            ++ran;
            wg.done();
          });
        co_await wg.wait();
        stop.store(true);
      },
      go::config{.maxprocs = 2});
  EXPECT_EQ(ran.load(), 10);
}

// Lending is bounded: at most 2 x GOMAXPROCS goroutines run at once, however
// many compute without a scheduling point.
TEST(Sysmon, AtMostTwiceMaxprocsRunAtOnce) {
  std::atomic<int> running{0}, peak{0};
  go::run(
      [&]() -> go::task<> {
        go::wait_group wg;
        wg.add(4);
        for (int i = 0; i < 4; ++i)
          go::spawn([&running, &peak, &wg] {
            const int now = running.fetch_add(1) + 1;
            for (int p = peak.load(); now > p && !peak.compare_exchange_weak(p, now);) {
            }
            const auto until = std::chrono::steady_clock::now() + 60ms;
            while (std::chrono::steady_clock::now() < until) {
            }
            running.fetch_sub(1);
            wg.done();
          });
        co_await wg.wait();
      },
      go::config{.maxprocs = 1});
  EXPECT_GE(peak.load(), 1);
  EXPECT_LE(peak.load(), 2);
}

// A goroutine whose thread the OS does not run (here: it sleeps in the
// kernel without a co_await) uses no CPU: it is not a long runner, and no P
// is lent meanwhile.
TEST(Sysmon, ACallThatSleepsIsNotALongRunner) {
  std::atomic<bool> ran{false};
  bool ran_during_sleep = true;
  go::run(
      [&]() -> go::task<> {
        go::wait_group wg;
        wg.add(1);
        go::spawn([&ran, &wg] {
          ran.store(true);
          wg.done();
        });
        std::this_thread::sleep_for(100ms);
        ran_during_sleep = ran.load();
        co_await wg.wait();
      },
      go::config{.maxprocs = 1});
  EXPECT_FALSE(ran_during_sleep) << "a P was lent for a goroutine that was only asleep";
  EXPECT_TRUE(ran.load());
}

// Every real P idle while a lent one runs a goroutine is no deadlock.
TEST(Sysmon, ALentPRunningIsNoDeadlock) {
  std::atomic<bool> started{false};
  go::run(
      [&]() -> go::task<> {
        auto done = go::make_chan<go::unit>();
        go::spawn([&started, done] {
          started.store(true);
          const auto until = std::chrono::steady_clock::now() + 50ms;
          while (std::chrono::steady_clock::now() < until) {
          }
          done.close();
        });
        EXPECT_TRUE(spin_until(started, 5s));  // the spawned one runs on a lent P
        co_await done.recv();                  // the only real P goes idle
      },
      go::config{.maxprocs = 1});
}

void scenario_report_long_runner() {
  setenv("GOCXXDEBUG", "longrunning=1", 1);
  std::atomic<bool> flag{false};
  int rc = go::run(
      [&]() -> go::task<> {
        go::spawn([&] { flag.store(true); });
        spin_until(flag, 5s);
        co_return;
      },
      go::config{.maxprocs = 1});
  std::_Exit(rc);
}

TEST(SysmonDeathTest, LongRunnerIsReportedOnRequest) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(scenario_report_long_runner(), testing::ExitedWithCode(0),
              StderrHas({{"gocxx: goroutine 1 has run for 10ms without a scheduling point\n"
                          "\tcreated by go::run at [^\n]*sysmon_test\\.cpp:[0-9]+"}}));
}

}  // namespace
