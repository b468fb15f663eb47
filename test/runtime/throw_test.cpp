// Fatal errors (runtime/src/throw.hpp, Go's throw): the form of the report,
// exit status 2, and the scheduler's consistency checks of goroutine status
// (casgstatus), triggered on purpose.
//
// Every scenario runs in a child process (threadsafe death tests re-execute
// the test binary) and ends with std::_Exit: a scenario that wrongly
// survives exits 0 without at-exit handlers (LeakSanitizer).

#include "../../runtime/src/throw.hpp"

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>
#include <unistd.h>

#include <coroutine>
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

// A goroutine readied while it runs: a second waker, or a waker for a
// goroutine that never parked.
void scenario_ready_of_a_running_goroutine() {
  int rc = go::run([]() -> go::task<> {
    go::detail::ready(go::detail::current_g());
    co_return;
  });
  std::_Exit(rc);
}

// An awaiter that parks its goroutine twice in one suspension.
struct park_twice {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const noexcept {
    const auto here = std::source_location::current();
    go::detail::park_current(h, go::detail::wait_reason::sleep, here, go::detail::wait_target{});
    go::detail::park_current(h, go::detail::wait_reason::sleep, here, go::detail::wait_target{});
  }
  void await_resume() const noexcept {}
};

void scenario_park_of_a_parked_goroutine() {
  int rc = go::run([]() -> go::task<> { co_await park_twice{}; });
  std::_Exit(rc);
}

// A frame slot freed twice would be on a free list twice and become two
// frames in one place: the allocator stops at the second free.
void scenario_frame_freed_twice() {
  void* p = go::detail::frame_alloc(64);
  go::detail::frame_free(p, 64);
  go::detail::frame_free(p, 64);
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

TEST_F(ThrowDeathTest, ReadyOfARunningGoroutineIsFatal) {
  EXPECT_EXIT(scenario_ready_of_a_running_goroutine(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)fatal error: bad g->status in ready\n"
                          "runtime: goroutine 1 is running, want waiting\n\n"
                          "goroutine 1 \\[running\\]:\n"}}));
}

TEST_F(ThrowDeathTest, ParkOfAParkedGoroutineIsFatal) {
  EXPECT_EXIT(scenario_park_of_a_parked_goroutine(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)fatal error: gopark: bad g status\n"
                          "runtime: goroutine 1 is waiting, want running\n"}}));
}

TEST_F(ThrowDeathTest, AFrameSlotFreedTwiceIsFatal) {
  EXPECT_EXIT(scenario_frame_freed_twice(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)fatal error: frame slot 0x[0-9a-f]+ freed twice\n", 1}}));
}

TEST_F(ThrowDeathTest, ParkOffGoroutinesIsFatal) {
  auto park_here = [] {
    go::detail::park_current(std::noop_coroutine(), go::detail::wait_reason::sleep, std::source_location::current(),
                             go::detail::wait_target{});
    std::_Exit(0);
  };
  EXPECT_EXIT(park_here(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)fatal error: gopark: not on a goroutine\n", 1}}));
}

}  // namespace
