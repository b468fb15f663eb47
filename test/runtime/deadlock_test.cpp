// Tests for the deadlock detector ("fatal error: all goroutines are asleep -
// deadlock!") and the leak check (GOCXX_LEAKCHECK=1).
//
// Every scenario runs in a child process (threadsafe death tests re-execute
// the test binary) and ends with std::_Exit(go::run's result): a scenario
// that must finish normally exits 0 that way, without at-exit handlers
// (LeakSanitizer would otherwise report the goroutines that Go semantics
// abandon).

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>

#include "stderr_matcher.hpp"

using namespace std::chrono_literals;
using gocxx_test::StderrHas;

namespace {

constexpr const char* kDeadlock = "fatal error: all goroutines are asleep - deadlock!";

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

void scenario_main_recv_alone() {
  int rc = go::run([]() -> go::task<> {
    auto ch = go::make_chan<int>();
    co_await ch.recv();
  });
  std::_Exit(rc);
}

// Main and nine goroutines, each blocked in a different way.
void scenario_many_blocked() {
  int rc = go::run(
      []() -> go::task<> {
        auto unbuf = go::make_chan<int>();
        auto a = go::make_chan<int>();
        auto b = go::make_chan<int>();
        go::chan<int> nil_ch;
        // The goroutines that block on these own them with main (as in
        // scenario_leak_three) rather than point into main's frame: nothing
        // joins them, the deadlock ends the process.
        auto mu = std::make_shared<go::mutex>();
        auto cmu = std::make_shared<go::mutex>();
        auto cv = std::make_shared<go::cond>(cmu.get());  // the goroutine keeps cmu too
        auto rw_w = std::make_shared<go::rwmutex>();
        auto rw_r = std::make_shared<go::rwmutex>();
        go::wait_group wg;
        co_await mu->lock();
        co_await rw_w->lock();   // held for writing: readers block
        co_await rw_r->rlock();  // held for reading: writers block
        wg.add(1);
        go::spawn([unbuf]() -> go::task<> { co_await unbuf.send(1); });
        go::spawn([a, b]() -> go::task<> {
          int x = 0;
          co_await go::select(go::on_recv(a, &x), go::on_recv(b, &x));
        });
        go::spawn([mu]() -> go::task<> { co_await mu->lock(); });
        go::spawn([cmu, cv]() -> go::task<> {
          co_await cmu->lock();
          co_await cv->wait();
        });
        go::spawn([rw_w]() -> go::task<> { co_await rw_w->rlock(); });
        go::spawn([rw_r]() -> go::task<> { co_await rw_r->lock(); });
        go::spawn([nil_ch]() -> go::task<> { co_await nil_ch.recv(); });
        go::spawn([nil_ch]() -> go::task<> { co_await nil_ch.send(1); });
        go::spawn([]() -> go::task<> { co_await go::select(); });
        co_await wg.wait();
      },
      go::config{.maxprocs = 2});
  std::_Exit(rc);
}

// Main sleeps (a timer is pending) while another goroutine waits on a
// receive: not a deadlock. After the sleep, main sends; everybody finishes.
void scenario_timer_pending() {
  int rc = go::run(
      []() -> go::task<> {
        auto ch = go::make_chan<int>();
        auto done = go::make_chan<int>();
        go::spawn([ch, done]() -> go::task<> {
          int v = co_await ch.recv();
          co_await done.send(v + 1);
        });
        co_await go::sleep(100ms);
        co_await ch.send(41);
        if (co_await done.recv() != 42) std::_Exit(3);
      },
      go::config{.maxprocs = 2});
  std::_Exit(rc);
}

// Main blocked on a channel that a timer will feed, and in a select with a
// timer case: not a deadlock.
void scenario_blocked_on_timer_channels() {
  int rc = go::run([]() -> go::task<> {
    co_await go::after(50ms).recv();
    auto never = go::make_chan<int>();
    int v = 0;
    int which = co_await go::select(go::on_recv(never, &v), go::on_recv(go::after(50ms)));
    if (which != 1) std::_Exit(3);
    go::timer t(30ms);
    co_await t.c().recv();
  });
  std::_Exit(rc);
}

// Main waits for a goroutine that is in a blocking system call: not a deadlock.
void scenario_blocking_call_pending() {
  int rc = go::run(
      []() -> go::task<> {
        auto ch = go::make_chan<int>();
        go::spawn([ch]() -> go::task<> {
          int r = co_await go::blocking([] {
            std::this_thread::sleep_for(100ms);
            return 7;
          });
          co_await ch.send(r);
        });
        if (co_await ch.recv() != 7) std::_Exit(3);
      },
      go::config{.maxprocs = 1});
  std::_Exit(rc);
}

// Main blocked while another goroutine keeps running (yielding): not a deadlock.
void scenario_runnable_goroutine() {
  int rc = go::run(
      []() -> go::task<> {
        auto ch = go::make_chan<int>();
        go::spawn([ch]() -> go::task<> {
          for (int i = 0; i < 20000; ++i) co_await go::yield();
          co_await ch.send(1);
        });
        co_await ch.recv();
      },
      go::config{.maxprocs = 1});
  std::_Exit(rc);
}

// The pending timer fires, then main blocks for good: now it is a deadlock.
void scenario_deadlock_after_timer() {
  int rc = go::run([]() -> go::task<> {
    co_await go::sleep(20ms);
    auto ch = go::make_chan<int>();
    co_await ch.recv();
  });
  std::_Exit(rc);
}

// A blocking call returns, then main blocks for good: a deadlock.
void scenario_deadlock_after_blocking_call() {
  int rc = go::run([]() -> go::task<> {
    co_await go::blocking([] {
      std::this_thread::sleep_for(20ms);
      return 0;
    });
    auto ch = go::make_chan<int>();
    co_await ch.send(1);
  });
  std::_Exit(rc);
}

void scenario_leak_one() {
  setenv("GOCXX_LEAKCHECK", "1", 1);
  int rc = go::run([]() -> go::task<> {
    auto ch = go::make_chan<int>();
    go::spawn([ch]() -> go::task<> { co_await ch.recv(); });
    co_await go::yield();
  });
  std::_Exit(rc);
}

void scenario_leak_three() {
  setenv("GOCXX_LEAKCHECK", "1", 1);
  int rc = go::run(
      []() -> go::task<> {
        auto ch = go::make_chan<int>();
        auto mu = std::make_shared<go::mutex>();  // outlives main's frame
        co_await mu->lock();
        go::spawn([ch]() -> go::task<> { co_await ch.recv(); });
        go::spawn([ch]() -> go::task<> { co_await ch.send(1); });
        // ch has a sender and a receiver now; use another channel for these
        auto lone = go::make_chan<int>();
        go::spawn([lone]() -> go::task<> { co_await lone.send(1); });
        go::spawn([mu]() -> go::task<> { co_await mu->lock(); });
        go::spawn([]() -> go::task<> { co_await go::select(); });
        co_await go::sleep(10ms);
      },
      go::config{.maxprocs = 2});
  std::_Exit(rc);
}

// With the leak check on, goroutines that end (some only shortly after main
// returns) are no leak.
void scenario_no_leak() {
  setenv("GOCXX_LEAKCHECK", "1", 1);
  int rc = go::run(
      []() -> go::task<> {
        auto ch = go::make_chan<int>(1);
        go::spawn([ch]() -> go::task<> { co_await ch.send(1); });
        co_await ch.recv();
        go::spawn([]() -> go::task<> { co_await go::sleep(50ms); });  // still sleeping at the end
        co_await go::yield();
      },
      go::config{.maxprocs = 2});
  std::_Exit(rc);
}

// Without GOCXX_LEAKCHECK a blocked goroutine is simply abandoned, as in Go.
void scenario_leak_unchecked() {
  unsetenv("GOCXX_LEAKCHECK");
  int rc = go::run([]() -> go::task<> {
    auto ch = go::make_chan<int>();
    go::spawn([ch]() -> go::task<> { co_await ch.recv(); });
    co_await go::yield();
  });
  std::_Exit(rc);
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

class DeadlockTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(DeadlockTest, MainBlockedOnReceiveAlone) {
  EXPECT_EXIT(scenario_main_recv_alone(), testing::ExitedWithCode(2),
              StderrHas({{kDeadlock},
                         {"goroutine 1 \\[chan receive\\]:"},
                         {"goroutine [0-9]+ \\[", 1},  // only main is listed
                         {"\tblocked at [^\n]* at [^\n]*deadlock_test\\.cpp:[0-9]+:[0-9]+"},
                         {"\tcreated by "}}));
}

TEST_F(DeadlockTest, ReportHasGoLayout) {
  EXPECT_EXIT(scenario_main_recv_alone(), testing::ExitedWithCode(2),
              StderrHas({{"fatal error: all goroutines are asleep - deadlock!\n\n"
                          "goroutine 1 \\[chan receive\\]:\n"
                          "\tblocked at [^\n]*\n"
                          "\tcreated by [^\n]*\n"}}));
}

TEST_F(DeadlockTest, EveryBlockedGoroutineIsListedWithItsReason) {
  EXPECT_EXIT(scenario_many_blocked(), testing::ExitedWithCode(2),
              StderrHas({{kDeadlock},
                         {"goroutine 1 \\[sync\\.WaitGroup\\.Wait\\]:"},
                         {"goroutine [0-9]+ \\[chan send\\]:", 1},
                         {"goroutine [0-9]+ \\[select\\]:", 1},
                         {"goroutine [0-9]+ \\[sync\\.Mutex\\.Lock\\]:", 1},
                         {"goroutine [0-9]+ \\[sync\\.Cond\\.Wait\\]:", 1},
                         {"goroutine [0-9]+ \\[sync\\.RWMutex\\.RLock\\]:", 1},
                         {"goroutine [0-9]+ \\[sync\\.RWMutex\\.Lock\\]:", 1},
                         {"goroutine [0-9]+ \\[chan receive \\(nil chan\\)\\]:", 1},
                         {"goroutine [0-9]+ \\[chan send \\(nil chan\\)\\]:", 1},
                         {"goroutine [0-9]+ \\[select \\(no cases\\)\\]:", 1},
                         {"goroutine [0-9]+ \\[", 10},
                         {"\tcreated by ", 10}}));
}

TEST_F(DeadlockTest, NotADeadlockWhileATimerIsPending) {
  EXPECT_EXIT(scenario_timer_pending(), testing::ExitedWithCode(0),
              StderrHas({{"fatal error", 0}}));
}

TEST_F(DeadlockTest, NotADeadlockWhenBlockedOnTimerChannels) {
  EXPECT_EXIT(scenario_blocked_on_timer_channels(), testing::ExitedWithCode(0),
              StderrHas({{"fatal error", 0}}));
}

TEST_F(DeadlockTest, NotADeadlockWhileABlockingCallRuns) {
  EXPECT_EXIT(scenario_blocking_call_pending(), testing::ExitedWithCode(0),
              StderrHas({{"fatal error", 0}}));
}

TEST_F(DeadlockTest, NotADeadlockWhileAGoroutineRuns) {
  EXPECT_EXIT(scenario_runnable_goroutine(), testing::ExitedWithCode(0),
              StderrHas({{"fatal error", 0}}));
}

TEST_F(DeadlockTest, DeadlockOnceTheTimerHasFired) {
  EXPECT_EXIT(scenario_deadlock_after_timer(), testing::ExitedWithCode(2),
              StderrHas({{kDeadlock}, {"goroutine 1 \\[chan receive\\]:"}}));
}

TEST_F(DeadlockTest, DeadlockOnceTheBlockingCallHasReturned) {
  EXPECT_EXIT(scenario_deadlock_after_blocking_call(), testing::ExitedWithCode(2),
              StderrHas({{kDeadlock}, {"goroutine 1 \\[chan send\\]:"}}));
}

TEST_F(DeadlockTest, LeakCheckReportsABlockedGoroutine) {
  EXPECT_EXIT(scenario_leak_one(), testing::ExitedWithCode(1),
              StderrHas({{"gocxx: leak check: 1 goroutine\\(s\\) still blocked"},
                         {"goroutine ([2-9]|[1-9][0-9]+) \\[chan receive\\]:"},
                         {"\tcreated by [^\n]* at [^\n]*deadlock_test\\.cpp:[0-9]+"},
                         {"goroutine [0-9]+ \\[", 1},
                         {"fatal error", 0}}));
}

TEST_F(DeadlockTest, LeakCheckCountsEveryBlockedGoroutine) {
  // The receiver and the sender on ch meet each other; three stay blocked.
  EXPECT_EXIT(scenario_leak_three(), testing::ExitedWithCode(1),
              StderrHas({{"gocxx: leak check: 3 goroutine\\(s\\) still blocked"},
                         {"goroutine [0-9]+ \\[chan send\\]:", 1},
                         {"goroutine [0-9]+ \\[sync\\.Mutex\\.Lock\\]:", 1},
                         {"goroutine [0-9]+ \\[select \\(no cases\\)\\]:", 1},
                         {"goroutine [0-9]+ \\[", 3}}));
}

TEST_F(DeadlockTest, LeakCheckWithoutLeaksExitsNormally) {
  EXPECT_EXIT(scenario_no_leak(), testing::ExitedWithCode(0),
              StderrHas({{"leak check", 0}, {"fatal error", 0}}));
}

TEST_F(DeadlockTest, WithoutLeakCheckAbandonedGoroutinesAreFine) {
  EXPECT_EXIT(scenario_leak_unchecked(), testing::ExitedWithCode(0),
              StderrHas({{"leak check", 0}, {"fatal error", 0}}));
}

}  // namespace
