// Fatal errors (runtime/src/throw.hpp, Go's throw): the form of the report
// and exit status 2.
//
// Every scenario runs in a child process (threadsafe death tests re-execute
// the test binary) and ends with std::_Exit: a scenario that wrongly
// survives exits 0 without at-exit handlers (LeakSanitizer).

#include "../../runtime/src/throw.hpp"

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "stderr_matcher.hpp"

using gocxx_test::StderrHas;

namespace {

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

void scenario_throw_off_goroutines() {
  go::detail::throw_fatal("test: %s %d", "code", 42);
  std::_Exit(0);
}

// What the program wrote to stdout comes first: stdout's buffer is written
// to stderr's pipe (fd 1 is made a copy of fd 2 after the printf).
void scenario_stdout_is_flushed_first() {
  static char buf[256];
  std::setvbuf(stdout, buf, _IOFBF, sizeof buf);
  std::printf("printed before the throw\n");
  dup2(2, 1);
  go::detail::throw_fatal("after printing");
  std::_Exit(0);
}

void scenario_throw_on_a_goroutine() {
  int rc = go::run(
      []() -> go::task<> {
        auto done = go::make_chan<int>();
        go::spawn(
            [](go::chan<int> d) -> go::task<> {
              co_await go::yield();
              go::detail::throw_fatal("thrown on goroutine %d", 2);
              co_await d.send(1);
            },
            done);
        co_await done.recv();
      },
      go::config{.maxprocs = 2});
  std::_Exit(rc);
}

void scenario_long_message_is_cut() {
  const std::string huge(5000, 'x');
  go::detail::throw_fatal("%s", huge.c_str());
  std::_Exit(0);
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

class ThrowDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(ThrowDeathTest, OffGoroutinesPrintsTheMessageAloneAndExits2) {
  EXPECT_EXIT(scenario_throw_off_goroutines(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)fatal error: test: code 42\n", 1}, {"goroutine", 0}}));
}

TEST_F(ThrowDeathTest, StdoutIsFlushedBeforeTheReport) {
  EXPECT_EXIT(scenario_stdout_is_flushed_first(), testing::ExitedWithCode(2),
              StderrHas({{"printed before the throw\nfatal error: after printing\n"}}));
}

TEST_F(ThrowDeathTest, OnAGoroutinePrintsThatGoroutine) {
  // fatal error: <message>, a blank line, then the goroutine's block as the
  // panic report prints it.
  EXPECT_EXIT(scenario_throw_on_a_goroutine(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)fatal error: thrown on goroutine 2\n\n"
                          "goroutine ([2-9]|[1-9][0-9]+) \\[running\\]:\n"
                          "\tcreated by [^\n]* at [^\n]*throw_test\\.cpp:[0-9]+:[0-9]+\n"},
                         {"goroutine [0-9]+ \\[", 1}}));
}

TEST_F(ThrowDeathTest, ALongMessageIsCutAndStillEndsTheLine) {
  EXPECT_EXIT(scenario_long_message_is_cut(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)fatal error: x{500,1100}\n", 1}, {"x{1100}", 0}}));
}

}  // namespace
