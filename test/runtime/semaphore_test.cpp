// Tests for go::semaphore::weighted (golang.org/x/sync/semaphore's Weighted).
//
// Inside a goroutine only EXPECT_* is used (ASSERT_* returns, which a
// coroutine may not do).

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "panic_message.hpp"
#include "sched_test_support.hpp"
#include "stderr_matcher.hpp"

using namespace std::chrono_literals;
using gocxx_test::StderrHas;
using gotest::eventually;
using gotest::scaled;

namespace {

using weighted = go::semaphore::weighted;

// Whether exactly `free` units are free (and nobody waits): takes them
// all, checks that no more can be had, and gives them back.
bool free_units(weighted& s, std::int64_t free) {
  if (!s.try_acquire(free)) return false;
  const bool more = s.try_acquire(1);
  if (more) s.release(1);
  if (free > 0) s.release(free);
  return !more;
}

// A goroutine that acquires n units and then closes `got`.
go::task<> acquirer(weighted* s, std::int64_t n, go::chan<go::unit> got) {
  co_await s->acquire(n);
  got.close();
}

// The same, joined by wg before the test's semaphore goes out of scope (the
// timed checks on `got` are not joins: gocxx-escape-dangling proves wg).
go::task<> joined_acquirer(weighted* s, std::int64_t n, go::chan<go::unit> got, go::wait_group* wg) {
  co_await s->acquire(n);
  got.close();
  wg->done();
}

// Whether ch is closed within `limit`.
go::task<bool> closed_within(go::chan<go::unit> ch, std::chrono::milliseconds limit) {
  co_return co_await go::select(go::on_recv(ch), go::on_recv(go::after(limit))) == 0;
}

TEST(Semaphore, AcquireAndRelease) {
  go::run([]() -> go::task<> {
    weighted s(10);
    co_await s.acquire(3);
    co_await s.acquire(7);
    EXPECT_FALSE(s.try_acquire(1));
    s.release(3);
    EXPECT_TRUE(free_units(s, 3));
    EXPECT_TRUE(s.try_acquire(3));
    EXPECT_FALSE(s.try_acquire(1));
    s.release(10);
    EXPECT_TRUE(free_units(s, 10));
    go::error err = co_await s.acquire(go::background(), 10);
    EXPECT_FALSE(err);
    s.release(10);
  });
}

TEST(Semaphore, TryAcquireWorksOutsideGoroutines) {
  weighted s(2);
  EXPECT_TRUE(s.try_acquire(2));
  EXPECT_FALSE(s.try_acquire(1));
  s.release(1);
  EXPECT_TRUE(s.try_acquire(1));
  EXPECT_FALSE(s.try_acquire(3));  // more than the size
  s.release(2);
}

TEST(Semaphore, ReleaseWakesAWaiter) {
  bool woke = false, early = true;
  go::run(
      [&]() -> go::task<> {
        weighted s(1);
        co_await s.acquire(1);
        auto got = go::make_chan<go::unit>();
        go::wait_group wg;
        wg.add(1);
        go::spawn(joined_acquirer, &s, std::int64_t{1}, got, &wg);
        early = co_await closed_within(got, 20ms);
        s.release(1);
        woke = co_await closed_within(got, 10s);
        co_await wg.wait();  // joins the acquirer before s goes
        s.release(1);
      },
      go::config{.maxprocs = 2});
  EXPECT_FALSE(early) << "acquire succeeded while the unit was held";
  EXPECT_TRUE(woke);
}

TEST(Semaphore, LargeWaiterAtTheHeadBlocksSmallerOnes) {
  // Go's FIFO rule: a waiter that does not fit holds back everyone behind
  // it, even those that would fit.
  bool small_early = true, big_early = true, big_got = false, small_after_big = true, small_got = false;
  go::run(
      [&]() -> go::task<> {
        weighted s(10);
        co_await s.acquire(10);
        auto big = go::make_chan<go::unit>();
        go::wait_group wg;
        wg.add(1);
        go::spawn(joined_acquirer, &s, std::int64_t{10}, big, &wg);
        // The big waiter is queued once try_acquire fails with a unit free.
        s.release(1);
        EXPECT_TRUE(co_await eventually([&] {
          if (!s.try_acquire(1)) return true;
          s.release(1);
          return false;
        }));
        auto small = go::make_chan<go::unit>();
        wg.add(1);
        go::spawn(joined_acquirer, &s, std::int64_t{1}, small, &wg);
        // One unit is free, but the big waiter is first in line.
        small_early = co_await closed_within(small, 30ms);
        s.release(4);  // 5 free: still not enough for the head
        small_early = small_early || co_await closed_within(small, 20ms);
        big_early = co_await closed_within(big, 1ms);
        s.release(5);  // all 10 free: the head takes them, the small one waits on
        big_got = co_await closed_within(big, 10s);
        small_after_big = co_await closed_within(small, 20ms);
        s.release(10);
        small_got = co_await closed_within(small, 10s);
        co_await wg.wait();  // joins both acquirers before s goes
        s.release(1);
        EXPECT_TRUE(free_units(s, 10));
      },
      go::config{.maxprocs = 4});
  EXPECT_FALSE(small_early) << "a small request went ahead of the large one at the head";
  EXPECT_FALSE(big_early);
  EXPECT_TRUE(big_got);
  EXPECT_FALSE(small_after_big);
  EXPECT_TRUE(small_got);
}

TEST(Semaphore, OneReleaseServesEveryWaiterThatFitsInOrder) {
  // One P: a goroutine spawned before main sleeps runs up to its park
  // before main runs again, so the waiters queue in the order spawned.
  std::vector<int> order;
  bool first_three_only = false;
  go::run(
      [&]() -> go::task<> {
        weighted s(6);
        co_await s.acquire(6);
        go::wait_group wg;
        auto finish = go::make_chan<go::unit>();
        const std::int64_t sizes[] = {3, 2, 1, 4};
        for (int i = 0; i < 4; ++i) {
          wg.add(1);
          go::spawn(
              [&](int id, std::int64_t n) -> go::task<> {
                co_await s.acquire(n);
                order.push_back(id);  // one P: no data race
                co_await finish.recv();
                s.release(n);
                wg.done();
              },
              i, sizes[i]);
          co_await go::sleep(1ms);
          EXPECT_FALSE(s.try_acquire(0));  // a zero request fails only behind a queue
        }
        s.release(6);  // 3, 2 and 1 fit (6 units); 4 does not and stays queued
        co_await go::sleep(5ms);
        first_three_only = order.size() == 3;
        finish.close();
        co_await wg.wait();
        EXPECT_TRUE(free_units(s, 6));
      },
      go::config{.maxprocs = 1});
  EXPECT_TRUE(first_three_only);
  ASSERT_EQ(order.size(), 4u);
  EXPECT_EQ(order[3], 3) << "the request of 4 was not served last";
}

TEST(Semaphore, CancelledContextFailsAndLeavesTheCountUnchanged) {
  go::error err;
  bool unchanged = false;
  go::run([&]() -> go::task<> {
    weighted s(5);
    auto [ctx, cancel] = go::with_cancel(go::background());
    cancel();
    // Done before the call: fails even though the units are free.
    err = co_await s.acquire(ctx, 1);
    unchanged = free_units(s, 5);
  });
  EXPECT_TRUE(err == go::canceled) << err.message();
  EXPECT_TRUE(unchanged);
}

TEST(Semaphore, CancelWhileWaitingLeavesTheCountUnchanged) {
  go::error err;
  bool unchanged = false;
  go::run(
      [&]() -> go::task<> {
        weighted s(2);
        co_await s.acquire(2);
        auto [ctx, cancel] = go::with_cancel(go::background());
        auto done = go::make_chan<go::unit>();
        go::spawn(
            [&err, &s, done](go::context c) -> go::task<> {
              err = co_await s.acquire(c, 1);
              done.close();
            },
            ctx);
        EXPECT_TRUE(co_await eventually([&] { return !s.try_acquire(0); }));  // queued
        cancel();
        co_await done.recv();
        s.release(2);
        unchanged = free_units(s, 2);
      },
      go::config{.maxprocs = 2});
  EXPECT_TRUE(err == go::canceled) << err.message();
  EXPECT_TRUE(unchanged);
}

TEST(Semaphore, CancelledHeadLetsTheWaitersBehindItThrough) {
  bool small_got = false;
  go::error big_err;
  go::run(
      [&]() -> go::task<> {
        weighted s(10);
        co_await s.acquire(5);
        auto [ctx, cancel] = go::with_cancel(go::background());
        auto big_done = go::make_chan<go::unit>();
        go::spawn(
            [&big_err, &s, big_done](go::context c) -> go::task<> {
              big_err = co_await s.acquire(c, 10);
              big_done.close();
            },
            ctx);
        EXPECT_TRUE(co_await eventually([&] { return !s.try_acquire(0); }));
        auto small = go::make_chan<go::unit>();
        go::wait_group wg;
        wg.add(1);
        go::spawn(joined_acquirer, &s, std::int64_t{1}, small, &wg);
        EXPECT_FALSE(co_await closed_within(small, 20ms));
        cancel();
        co_await big_done.recv();
        small_got = co_await closed_within(small, 10s);
        co_await wg.wait();  // joins the acquirer before s goes
        s.release(6);
        EXPECT_TRUE(free_units(s, 10));
      },
      go::config{.maxprocs = 4});
  EXPECT_TRUE(big_err == go::canceled);
  EXPECT_TRUE(small_got) << "the waiter behind a cancelled head was not served";
}

TEST(Semaphore, MoreThanTheSizeWaitsForTheContextWithoutBlockingOthers) {
  go::error err;
  bool others_ok = false;
  go::run(
      [&]() -> go::task<> {
        weighted s(3);
        auto [ctx, cancel] = go::with_timeout(go::background(), 30ms);
        auto done = go::make_chan<go::unit>();
        go::spawn(
            [&err, &s, done](go::context c) -> go::task<> {
              err = co_await s.acquire(c, 4);
              done.close();
            },
            ctx);
        co_await go::sleep(1ms);
        // Not queued: others still get units.
        others_ok = s.try_acquire(3);
        co_await done.recv();
        s.release(3);
        cancel();
      },
      go::config{.maxprocs = 2});
  EXPECT_TRUE(err == go::deadline_exceeded) << err.message();
  EXPECT_TRUE(others_ok);
}

TEST(Semaphore, HoldersNeverExceedTheSize) {
  constexpr std::int64_t kSize = 7;
  const int kGoroutines = 12;
  const long kIters = scaled(300, 30);
  std::atomic<std::int64_t> held{0}, peak{0}, violations{0};
  bool unchanged = false;
  go::run(
      [&]() -> go::task<> {
        weighted s(kSize);
        go::wait_group wg;
        wg.add(kGoroutines);
        for (int gi = 0; gi < kGoroutines; ++gi) {
          go::spawn(
              [&](int id) -> go::task<> {
                for (long i = 0; i < kIters; ++i) {
                  const std::int64_t n = 1 + (id + i) % 4;
                  co_await s.acquire(n);
                  const std::int64_t now = held.fetch_add(n) + n;
                  if (now > kSize) violations.fetch_add(1);
                  for (std::int64_t p = peak.load(); now > p && !peak.compare_exchange_weak(p, now);) {
                  }
                  if (i % 8 == 0) co_await go::yield();
                  held.fetch_sub(n);
                  s.release(n);
                }
                wg.done();
              },
              gi);
        }
        co_await wg.wait();
        unchanged = free_units(s, kSize);
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(violations.load(), 0);
  EXPECT_LE(peak.load(), kSize);
  EXPECT_TRUE(unchanged);
}

TEST(Semaphore, TimeoutsRacingReleasesLeaveTheCountConsistent) {
  // Waiters whose contexts end while units are being handed to them: either
  // they get the units (nil) or they fail and hold nothing.
  constexpr std::int64_t kSize = 3;
  const int kGoroutines = 10;
  const long kIters = scaled(150, 20);
  std::atomic<long> acquired{0}, failed{0};
  std::atomic<std::int64_t> held{0}, violations{0};
  bool unchanged = false;
  go::run(
      [&]() -> go::task<> {
        weighted s(kSize);
        go::wait_group wg;
        wg.add(kGoroutines);
        for (int gi = 0; gi < kGoroutines; ++gi) {
          go::spawn(
              [&](int id) -> go::task<> {
                for (long i = 0; i < kIters; ++i) {
                  const std::int64_t n = 1 + (id + i) % kSize;
                  auto [ctx, cancel] =
                      go::with_timeout(go::background(), std::chrono::microseconds(50 + (i % 5) * 100));
                  go::error err = co_await s.acquire(ctx, n);
                  cancel();
                  if (err) {
                    EXPECT_TRUE(err == go::deadline_exceeded) << err.message();
                    failed.fetch_add(1);
                    continue;
                  }
                  acquired.fetch_add(1);
                  if (held.fetch_add(n) + n > kSize) violations.fetch_add(1);
                  co_await go::sleep(std::chrono::microseconds(100));
                  held.fetch_sub(n);
                  s.release(n);
                }
                wg.done();
              },
              gi);
        }
        co_await wg.wait();
        unchanged = free_units(s, kSize);
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(violations.load(), 0);
  EXPECT_EQ(acquired.load() + failed.load(), kGoroutines * kIters);
  EXPECT_GT(acquired.load(), 0);
  EXPECT_TRUE(unchanged) << "units leaked or were returned twice";
}

TEST(Semaphore, AWaiterIsNotReportedAsLeaked) {
  // The waiter's select waits on its own ready channel, which only the
  // semaphore's queue leads to (through raw pointers): the leak profile
  // must still count it as reachable while the semaphore can release it.
  // (A stale copy of the channel's address on some thread's stack can hide
  // a regression from this test: the collector scans stacks conservatively.)
  std::vector<go::leaked_goroutine> leaks;
  bool got = false;
  go::run(
      [&]() -> go::task<> {
        auto s = std::make_unique<weighted>(1);
        co_await s->acquire(1);
        auto done = go::make_chan<go::unit>();
        go::spawn(acquirer, s.get(), std::int64_t{1}, done);
        EXPECT_TRUE(co_await eventually([&] { return !s->try_acquire(0); }));
        leaks = go::leak_profile();
        s->release(1);
        got = co_await closed_within(done, 10s);
      },
      go::config{.maxprocs = 2});
  EXPECT_TRUE(leaks.empty()) << leaks.size() << " reported, the first waiting in " << leaks[0].wait_reason;
  EXPECT_TRUE(got);
}

TEST(Semaphore, ReleasingMoreThanHeldPanicsAndChangesNothing) {
  weighted s(4);
  EXPECT_TRUE(s.try_acquire(2));
  EXPECT_EQ(gotest::panic_message([&] { s.release(3); }), "semaphore: released more than held");
  EXPECT_TRUE(free_units(s, 2));
  s.release(2);
  EXPECT_EQ(gotest::panic_message([&] { s.release(1); }), "semaphore: released more than held");
  EXPECT_TRUE(free_units(s, 4));
}

void scenario_release_too_much() {
  int rc = go::run([]() -> go::task<> {
    weighted s(2);
    co_await s.acquire(1);
    s.release(2);
  });
  std::_Exit(rc);
}

void scenario_acquire_more_than_size_forever() {
  int rc = go::run([]() -> go::task<> {
    weighted s(1);
    co_await s.acquire(2);  // Go: blocks until the (background) context is done: forever
  });
  std::_Exit(rc);
}

class SemaphoreDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(SemaphoreDeathTest, ReleasingMoreThanHeldEndsTheProcess) {
  EXPECT_EXIT(scenario_release_too_much(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)panic: semaphore: released more than held\n"}, {"goroutine 1 \\[running\\]:"}}));
}

TEST_F(SemaphoreDeathTest, AcquiringMoreThanTheSizeWithoutAContextDeadlocks) {
  EXPECT_EXIT(scenario_acquire_more_than_size_forever(), testing::ExitedWithCode(2),
              StderrHas({{"all goroutines are asleep - deadlock!"}}));
}

}  // namespace
