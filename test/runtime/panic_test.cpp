// Tests for go::defer, go::panic and recover (catch (go::panic_error&)), the
// runtime's own panics, and the crash report of an unrecovered panic.

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "stderr_matcher.hpp"

using namespace std::chrono_literals;
using gocxx_test::StderrHas;

namespace {

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, needle, haystack)

// ---------------------------------------------------------------------------
// defer
// ---------------------------------------------------------------------------

TEST(Defer, RunsInReverseOrderAtScopeExit) {
  std::vector<int> order;
  {
    go::defer a([&] { order.push_back(1); });
    go::defer b([&] { order.push_back(2); });
    go::defer c([&] { order.push_back(3); });
    order.push_back(0);
  }
  order.push_back(4);
  EXPECT_EQ(order, (std::vector<int>{0, 3, 2, 1, 4}));
}

TEST(Defer, RunsInReverseOrderInsideAGoroutine) {
  std::vector<std::string> log;
  go::run([&]() -> go::task<> {
    {
      go::defer a([&] { log.push_back("a"); });
      co_await go::sleep(1ms);  // the goroutine may resume on another thread
      go::defer b([&] { log.push_back("b"); });
      co_await go::yield();
      log.push_back("body");
    }
    log.push_back("after");
  });
  EXPECT_EQ(log, (std::vector<std::string>{"body", "b", "a", "after"}));
}

TEST(Defer, RunsWhenAPanicPropagates) {
  std::vector<std::string> log;
  try {
    go::defer a([&] { log.push_back("a"); });
    go::defer b([&] { log.push_back("b"); });
    go::panic("boom");
    log.push_back("unreachable");
  } catch (go::panic_error& e) {
    log.push_back(std::string("recovered: ") + e.what());
  }
  EXPECT_EQ(log, (std::vector<std::string>{"b", "a", "recovered: boom"}));
}

// Go: a deferred call that panics starts a panic at the end of the function.
TEST(Defer, PanicInADeferredCall) {
  std::string what;
  std::vector<int> order;
  try {
    go::defer a([&] { order.push_back(1); });
    go::defer b([&] { go::panic("from defer"); });
    order.push_back(0);
  } catch (go::panic_error& e) {
    what = e.what();
  }
  EXPECT_EQ(what, "from defer");
  EXPECT_EQ(order, (std::vector<int>{0, 1}));
}

// ---------------------------------------------------------------------------
// panic / recover
// ---------------------------------------------------------------------------

TEST(Panic, RecoverGivesTheMessage) {
  std::string what, message;
  try {
    go::panic("boom");
  } catch (go::panic_error& e) {
    what = e.what();
    message = e.message();
  }
  EXPECT_EQ(what, "boom");
  EXPECT_EQ(message, "boom");
}

TEST(Panic, ErrorValueGivesItsMessage) {
  std::string what;
  try {
    go::panic(go::errorf("bad thing %d", 7));
  } catch (go::panic_error& e) {
    what = e.what();
  }
  EXPECT_EQ(what, "bad thing 7");
}

TEST(Panic, RecoverInsideAGoroutine) {
  std::string what;
  bool continued = false;
  go::run([&]() -> go::task<> {
    try {
      co_await go::yield();
      go::panic("inside");
    } catch (go::panic_error& e) {
      what = e.what();
    }
    co_await go::sleep(1ms);  // the goroutine goes on normally
    continued = true;
  });
  EXPECT_EQ(what, "inside");
  EXPECT_TRUE(continued);
}

go::task<int> level3(std::vector<std::string>& log) {
  go::defer d([&] { log.push_back("defer 3"); });
  co_await go::yield();
  go::panic("deep");
  co_return 3;
}

go::task<int> level2(std::vector<std::string>& log) {
  go::defer d([&] { log.push_back("defer 2"); });
  int v = co_await level3(log);
  log.push_back("unreachable 2");
  co_return v;
}

go::task<> level1(std::vector<std::string>& log) {
  go::defer d([&] { log.push_back("defer 1"); });
  co_await go::sleep(1ms);
  int v = co_await level2(log);
  log.push_back("unreachable 1 " + std::to_string(v));
}

TEST(Panic, PropagatesThroughCoAwaitToTheCaller) {
  std::vector<std::string> log;
  go::run([&]() -> go::task<> {
    try {
      co_await level1(log);
    } catch (go::panic_error& e) {
      log.push_back(std::string("recovered: ") + e.what());
    }
    // A sub-task that does not panic still works after a recovered panic.
    auto ok = [](int x) -> go::task<int> {
      co_await go::yield();
      co_return x * 2;
    };
    int v = co_await ok(21);
    log.push_back("value " + std::to_string(v));
  });
  EXPECT_EQ(log, (std::vector<std::string>{"defer 3", "defer 2", "defer 1", "recovered: deep",
                                           "value 42"}));
}

TEST(Panic, RecoveredInSpawnedGoroutineDoesNotCrash) {
  std::string what;
  go::run(
      [&]() -> go::task<> {
        auto out = go::make_chan<std::string>();
        go::spawn([](go::chan<std::string> c) -> go::task<> {
          std::string msg;
          try {
            co_await go::sleep(1ms);
            go::panic("in goroutine");
          } catch (go::panic_error& e) {
            msg = e.what();
          }
          co_await c.send(msg);
        }, out);
        what = co_await out.recv();
      },
      go::config{.maxprocs = 2});
  EXPECT_EQ(what, "in goroutine");
}

// ---------------------------------------------------------------------------
// Runtime panics, recovered
// ---------------------------------------------------------------------------

TEST(RuntimePanic, SendOnClosedChannel) {
  std::string buffered, unbuffered;
  go::run([&]() -> go::task<> {
    auto b = go::make_chan<int>(4);
    b.close();
    try {
      co_await b.send(1);
    } catch (go::panic_error& e) {
      buffered = e.what();
    }
    auto u = go::make_chan<int>();
    u.close();
    try {
      co_await u.send(1);
    } catch (go::panic_error& e) {
      unbuffered = e.what();
    }
  });
  EXPECT_CONTAINS(buffered, "send on closed channel");
  EXPECT_CONTAINS(unbuffered, "send on closed channel");
}

TEST(RuntimePanic, BlockedSenderPanicsWhenChannelIsClosed) {
  std::string what;
  go::run(
      [&]() -> go::task<> {
        auto ch = go::make_chan<int>();
        auto done = go::make_chan<std::string>(1);
        go::spawn([](go::chan<int> c, go::chan<std::string> d) -> go::task<> {
          std::string msg = "<no panic>";
          try {
            co_await c.send(1);  // blocks: nobody receives
          } catch (go::panic_error& e) {
            msg = e.what();
          }
          co_await d.send(msg);
        }, ch, done);
        co_await go::sleep(10ms);
        ch.close();
        what = co_await done.recv();
      },
      go::config{.maxprocs = 2});
  EXPECT_CONTAINS(what, "send on closed channel");
}

TEST(RuntimePanic, CloseOfClosedAndNilChannel) {
  std::string closed_twice, nil_close;
  go::run([&]() -> go::task<> {
    auto ch = go::make_chan<int>();
    ch.close();
    try {
      ch.close();
    } catch (go::panic_error& e) {
      closed_twice = e.what();
    }
    go::chan<int> nil_ch;
    try {
      nil_ch.close();
    } catch (go::panic_error& e) {
      nil_close = e.what();
    }
    co_return;
  });
  EXPECT_CONTAINS(closed_twice, "close of closed channel");
  EXPECT_CONTAINS(nil_close, "close of nil channel");
}

TEST(RuntimePanic, NegativeWaitGroupCounter) {
  std::string what;
  go::run([&]() -> go::task<> {
    go::wait_group wg;
    try {
      wg.done();
    } catch (go::panic_error& e) {
      what = e.what();
    }
    co_return;
  });
  EXPECT_CONTAINS(what, "sync: negative WaitGroup counter");
}

// ---------------------------------------------------------------------------
// Unrecovered panics: the process dies like a Go program (exit status 2).
// Each scenario runs in a child process (threadsafe death tests re-execute
// the test binary). std::_Exit: a scenario that wrongly survives exits with
// go::run's result and without at-exit handlers (LeakSanitizer).
// ---------------------------------------------------------------------------

go::task<> boom_goroutine() {
  co_await go::yield();
  go::panic("boom");
}

void scenario_panic_in_spawned_goroutine() {
  int rc = go::run(
      []() -> go::task<> {
        go::spawn([] { return boom_goroutine(); });
        co_await go::sleep(3s);
      },
      go::config{.maxprocs = 2});
  std::_Exit(rc);
}

void scenario_panic_in_main_goroutine() {
  int rc = go::run([]() -> go::task<> {
    co_await go::yield();
    go::panic("boom in main");
  });
  std::_Exit(rc);
}

void scenario_panic_with_error_value() {
  int rc = go::run([]() -> go::task<> {
    go::spawn([]() -> go::task<> {
      co_await go::yield();
      go::panic(go::errorf("bad thing %d", 7));
    });
    co_await go::sleep(3s);
  });
  std::_Exit(rc);
}

void scenario_panic_runs_defers_first() {
  int rc = go::run([]() -> go::task<> {
    go::spawn([]() -> go::task<> {
      go::defer d([] { std::fputs("deferred ran\n", stderr); });
      co_await go::yield();
      go::panic("boom");
    });
    co_await go::sleep(3s);
  });
  std::_Exit(rc);
}

void scenario_panic_while_others_run() {
  int rc = go::run(
      []() -> go::task<> {
        for (int i = 0; i < 4; ++i) {
          go::spawn([]() -> go::task<> {
            for (;;) co_await go::yield();  // busy goroutines on every P
          });
        }
        go::spawn([]() -> go::task<> {
          co_await go::sleep(5ms);
          go::panic("boom");
        });
        co_await go::sleep(3s);
      },
      go::config{.maxprocs = 4});
  std::_Exit(rc);
}

void scenario_panic_in_nested_task() {
  int rc = go::run([]() -> go::task<> {
    go::spawn([]() -> go::task<> {
      std::vector<std::string> log;
      co_await level1(log);
    });
    co_await go::sleep(3s);
  });
  std::_Exit(rc);
}

void scenario_send_on_closed() {
  int rc = go::run([]() -> go::task<> {
    auto ch = go::make_chan<int>(1);
    ch.close();
    co_await ch.send(1);
  });
  std::_Exit(rc);
}

void scenario_close_of_closed() {
  int rc = go::run([]() -> go::task<> {
    auto ch = go::make_chan<int>();
    ch.close();
    co_await go::yield();
    ch.close();
  });
  std::_Exit(rc);
}

void scenario_close_of_nil() {
  int rc = go::run([]() -> go::task<> {
    go::spawn([]() -> go::task<> {
      go::chan<int> nil_ch;
      co_await go::yield();
      nil_ch.close();
    });
    co_await go::sleep(3s);
  });
  std::_Exit(rc);
}

void scenario_negative_wait_group() {
  int rc = go::run([]() -> go::task<> {
    go::wait_group wg;
    wg.add(1);
    wg.done();
    co_await go::yield();
    wg.done();
  });
  std::_Exit(rc);
}

class PanicDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(PanicDeathTest, UnrecoveredPanicInSpawnedGoroutineKillsTheProcess) {
  EXPECT_EXIT(scenario_panic_in_spawned_goroutine(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)panic: boom\n"},
                         {"goroutine [0-9]+ \\[running\\]:"},
                         {"goroutine ([2-9]|[1-9][0-9]+) \\[running\\]:"},  // not main's id 1
                         {"created by [^\n]* at [^\n]*panic_test\\.cpp:[0-9]+"}}));
}

TEST_F(PanicDeathTest, UnrecoveredPanicInMainGoroutine) {
  EXPECT_EXIT(scenario_panic_in_main_goroutine(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)panic: boom in main\n"},
                         {"goroutine 1 \\[running\\]:"},
                         {"created by "}}));
}

TEST_F(PanicDeathTest, ReportHasGoLayout) {
  // panic: <message>, a blank line, then "goroutine <id> [running]:" and a
  // tab-indented "created by" line.
  EXPECT_EXIT(scenario_panic_in_spawned_goroutine(), testing::ExitedWithCode(2),
              StderrHas({{"panic: boom\n\ngoroutine [0-9]+ \\[running\\]:\n(\t[^\n]*\n)*\tcreated by "}}));
}

TEST_F(PanicDeathTest, PanicWithErrorValuePrintsItsMessage) {
  EXPECT_EXIT(scenario_panic_with_error_value(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)panic: bad thing 7\n"}, {"goroutine [0-9]+ \\[running\\]:"}}));
}

TEST_F(PanicDeathTest, DefersRunBeforeTheCrash) {
  EXPECT_EXIT(scenario_panic_runs_defers_first(), testing::ExitedWithCode(2),
              StderrHas({{"deferred ran\n[\\s\\S]*panic: boom"}}));
}

TEST_F(PanicDeathTest, PanicWhileOtherGoroutinesRun) {
  EXPECT_EXIT(scenario_panic_while_others_run(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)panic: boom\n"}, {"\\[running\\]:"}}));
}

TEST_F(PanicDeathTest, PanicThroughNestedTasksInGoroutine) {
  EXPECT_EXIT(scenario_panic_in_nested_task(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)panic: deep\n"}, {"goroutine [0-9]+ \\[running\\]:"}}));
}

TEST_F(PanicDeathTest, SendOnClosedChannel) {
  EXPECT_EXIT(scenario_send_on_closed(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)panic: send on closed channel\n"}, {"goroutine 1 \\[running\\]:"}}));
}

TEST_F(PanicDeathTest, CloseOfClosedChannel) {
  EXPECT_EXIT(scenario_close_of_closed(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)panic: close of closed channel\n"}}));
}

TEST_F(PanicDeathTest, CloseOfNilChannel) {
  EXPECT_EXIT(scenario_close_of_nil(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)panic: close of nil channel\n"},
                         {"goroutine ([2-9]|[1-9][0-9]+) \\[running\\]:"}}));
}

TEST_F(PanicDeathTest, NegativeWaitGroupCounter) {
  EXPECT_EXIT(scenario_negative_wait_group(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)panic: sync: negative WaitGroup counter\n"}}));
}

}  // namespace
