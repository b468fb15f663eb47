// A panic says where: the panicking line first (when the operation knows
// it: go::panic, channel operations), then the goroutine's stack -- the
// co_await in each coroutine frame the panic left through -- then where the
// goroutine was created, as Go's traceback does. Also the recovered
// panic_error's site() and frames().

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "stderr_matcher.hpp"

using namespace std::chrono_literals;
using gocxx_test::StderrHas;

namespace {

std::string at_line(int line) { return "panic_traceback_test\\.cpp:" + std::to_string(line) + ":"; }

constexpr int kInnerPanic = __LINE__ + 2;
go::task<int> inner(int x) {
  if (x > 0) go::panic("deep " + std::to_string(x));
  co_return x;
}
constexpr int kMiddleAwait = __LINE__ + 2;
go::task<int> middle(int x) {
  int v = co_await inner(x);
  co_return v + 1;
}
constexpr int kOuterAwait = __LINE__ + 3;
go::task<> outer(int x) {
  co_await go::yield();
  int v = co_await middle(x);
  (void)v;
}
constexpr int kSpawn = __LINE__ + 3;
void scenario_nested() {
  int rc = go::run([]() -> go::task<> {
    go::spawn(outer, 3);
    co_await go::sleep(3s);
  });
  std::_Exit(rc);
}

// The site is the close itself; the frame that called the plain function
// doing it follows.
constexpr int kClose = __LINE__ + 1;
void shut(go::chan<int> c) { c.close(); }
constexpr int kYieldBeforeShut = __LINE__ + 4;
void scenario_close_of_nil_in_helper() {
  int rc = go::run([]() -> go::task<> {
    go::chan<int> nil_ch;
    co_await go::yield();
    shut(nil_ch);
  });
  std::_Exit(rc);
}

// An operator cannot know its line: the innermost frame names the function.
struct node {
  int value = 0;
};
constexpr int kAwaitBeforeDeref = __LINE__ + 2;
go::task<int> deref(go::ptr<node> p) {
  co_await go::yield();
  co_return p->value;
}
constexpr int kAwaitDeref = __LINE__ + 3;
void scenario_nil_deref() {
  int rc = go::run([]() -> go::task<> {
    int v = co_await deref(nullptr);
    (void)v;
  });
  std::_Exit(rc);
}

constexpr int kSend = __LINE__ + 5;
void scenario_send_on_closed() {
  int rc = go::run([]() -> go::task<> {
    auto ch = go::make_chan<int>(1);
    ch.close();
    co_await ch.send(1);
  });
  std::_Exit(rc);
}

constexpr int kSelect = __LINE__ + 5;
void scenario_select_send_on_closed() {
  int rc = go::run([]() -> go::task<> {
    auto ch = go::make_chan<int>(1);
    ch.close();
    co_await go::select(go::on_send(ch, 1));
  });
  std::_Exit(rc);
}

class PanicTracebackDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(PanicTracebackDeathTest, NestedTasksListEveryFrameInnermostFirst) {
  EXPECT_EXIT(scenario_nested(), testing::ExitedWithCode(2),
              StderrHas({{"panic: deep 3\n\ngoroutine [0-9]+ \\[running\\]:\n"
                          "\tpanicked in [^\n]*inner[^\n]* at [^\n]*" +
                          at_line(kInnerPanic) +
                          "[0-9]+\n"
                          "\tawaited by [^\n]*middle[^\n]* at [^\n]*" +
                          at_line(kMiddleAwait) +
                          "[0-9]+\n"
                          "\tawaited by [^\n]*outer[^\n]* at [^\n]*" +
                          at_line(kOuterAwait) +
                          "[0-9]+\n"
                          "\tcreated by [^\n]* at [^\n]*" +
                          at_line(kSpawn)}}));
}

TEST_F(PanicTracebackDeathTest, ChannelOperationKnowsItsLine) {
  EXPECT_EXIT(scenario_close_of_nil_in_helper(), testing::ExitedWithCode(2),
              StderrHas({{"panic: close of nil channel\n\ngoroutine 1 \\[running\\]:\n"
                          "\tpanicked in [^\n]*shut[^\n]* at [^\n]*" +
                          at_line(kClose) +
                          "[0-9]+\n"
                          "\tcalled from [^\n]* after the co_await at [^\n]*" +
                          at_line(kYieldBeforeShut) +
                          "[0-9]+\n"
                          "\tcreated by go::run"}}));
  EXPECT_EXIT(scenario_send_on_closed(), testing::ExitedWithCode(2),
              StderrHas({{"panic: send on closed channel\n\ngoroutine 1 \\[running\\]:\n"
                          "\tpanicked in [^\n]* at [^\n]*" +
                          at_line(kSend) +
                          "[0-9]+\n"
                          "\tcreated by go::run"}}));
}

TEST_F(PanicTracebackDeathTest, SelectKnowsItsLine) {
  EXPECT_EXIT(scenario_select_send_on_closed(), testing::ExitedWithCode(2),
              StderrHas({{"panic: send on closed channel\n\ngoroutine 1 \\[running\\]:\n"
                          "\tpanicked in [^\n]* at [^\n]*" +
                          at_line(kSelect) +
                          "[0-9]+\n"
                          "\tcreated by go::run"}}));
}

TEST_F(PanicTracebackDeathTest, OperatorPanicNamesTheFunction) {
  EXPECT_EXIT(scenario_nil_deref(), testing::ExitedWithCode(2),
              StderrHas({{"panic: runtime error: invalid memory address or nil pointer dereference\n\n"
                          "goroutine 1 \\[running\\]:\n"
                          "\tpanicked in [^\n]*deref[^\n]* after the co_await at [^\n]*" +
                          at_line(kAwaitBeforeDeref) +
                          "[0-9]+\n"
                          "\tawaited by [^\n]* at [^\n]*" +
                          at_line(kAwaitDeref) + "[0-9]+\n"}}));
}

// A select's send on a closed channel has its site (the report would show
// the co_await's line without one, so the recovered site is what tells).
TEST(PanicTraceback, RecoveredSelectPanicHasItsSite) {
  go::run([]() -> go::task<> {
    auto ch = go::make_chan<int>(1);
    ch.close();
    constexpr unsigned line = __LINE__ + 2;
    try {
      co_await go::select(go::on_send(ch, 1));
      ADD_FAILURE() << "no panic";
    } catch (go::panic_error& e) {
      EXPECT_NE(e.site(), nullptr);
      if (e.site()) EXPECT_EQ(e.site()->line(), line);
    }
  });
}

// Recovered: the panic_error carries the same information.
TEST(PanicTraceback, RecoveredPanicHasSiteAndFrames) {
  go::run([]() -> go::task<> {
    try {
      co_await outer(5);
      ADD_FAILURE() << "no panic";
    } catch (go::panic_error& e) {
      EXPECT_EQ(e.message(), "deep 5");
      EXPECT_NE(e.site(), nullptr);
      if (e.site()) EXPECT_EQ(e.site()->line(), static_cast<unsigned>(kInnerPanic));
      EXPECT_EQ(e.frames().size(), 3u);  // inner (never awaited), middle, outer
      if (e.frames().size() == 3) {
        EXPECT_EQ(e.frames()[0].line(), 0u);
        EXPECT_EQ(e.frames()[1].line(), static_cast<unsigned>(kMiddleAwait));
        EXPECT_EQ(e.frames()[2].line(), static_cast<unsigned>(kOuterAwait));
      }
    }
  });
}

}  // namespace
