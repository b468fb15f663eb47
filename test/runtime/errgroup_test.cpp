// Tests for go::errgroup (golang.org/x/sync/errgroup's Group).
//
// Inside a goroutine only EXPECT_* is used (ASSERT_* returns, which a
// coroutine may not do); most results are collected and checked after
// go::run returns.

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "panic_message.hpp"
#include "sched_test_support.hpp"
#include "stderr_matcher.hpp"

using namespace std::chrono_literals;
using gocxx_test::StderrHas;
using gotest::scaled;

namespace {

go::task<go::error> ok_task() { co_return go::error{}; }

// Blocks until `release` is closed; counts itself in `running` meanwhile and
// keeps the highest count in `peak`.
go::task<go::error> hold(go::recv_chan<go::unit> release, std::atomic<int>* running, std::atomic<int>* peak) {
  const int now = running->fetch_add(1) + 1;
  for (int p = peak->load(); now > p && !peak->compare_exchange_weak(p, now);) {
  }
  co_await release.recv();
  running->fetch_sub(1);
  co_return go::error{};
}

TEST(Errgroup, ZeroGroupWaitsForEveryGoroutine) {
  constexpr int kN = 50;
  std::atomic<int> finished{0};
  go::error result = go::errorf("not set");
  int rc = go::run(
      [&]() -> go::task<> {
        go::errgroup g;
        for (int i = 0; i < kN; ++i) {
          co_await g.go(
              [&finished](int n) -> go::task<go::error> {
                if (n % 3 == 0) co_await go::yield();
                finished.fetch_add(1);
                co_return go::error{};
              },
              i);
        }
        result = co_await g.wait();
        EXPECT_EQ(finished.load(), kN) << "wait returned before every goroutine was done";
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(rc, 0);
  EXPECT_FALSE(result) << result.message();
  EXPECT_EQ(finished.load(), kN);
}

TEST(Errgroup, WaitOnAnEmptyGroupReturnsAtOnce) {
  go::error result = go::errorf("not set");
  go::run([&]() -> go::task<> {
    go::errgroup g;
    result = co_await g.wait();
  });
  EXPECT_FALSE(result);
}

TEST(Errgroup, WaitReturnsTheFirstErrorAndCancelsTheContext) {
  const go::error first = go::errorf("first");
  const go::error second = go::errorf("second");
  go::error result;
  go::error ctx_err_in_second;
  go::error ctx_err_before;
  go::error ctx_err_after;
  go::run(
      [&]() -> go::task<> {
        auto [g, ctx] = go::errgroup::with_context(go::background());
        ctx_err_before = ctx.err();
        // The second goroutine fails only once the first error has cancelled
        // the context, so which error is first is certain.
        co_await g.go(
            [&ctx_err_in_second, &second](go::context c) -> go::task<go::error> {
              co_await c.done().recv();
              ctx_err_in_second = c.err();
              co_return second;
            },
            ctx);
        co_await g.go([&first]() -> go::task<go::error> {
          co_await go::sleep(1ms);
          co_return first;
        });
        co_await g.go(ok_task);
        result = co_await g.wait();
        ctx_err_after = ctx.err();
      },
      go::config{.maxprocs = 4});
  EXPECT_FALSE(ctx_err_before);
  EXPECT_TRUE(result == first) << result.message();
  EXPECT_TRUE(ctx_err_in_second == go::canceled) << ctx_err_in_second.message();
  EXPECT_TRUE(ctx_err_after == go::canceled) << ctx_err_after.message();
}

TEST(Errgroup, WaitCancelsTheContextEvenWithoutErrors) {
  go::error during, after, result = go::errorf("not set");
  go::run([&]() -> go::task<> {
    auto [g, ctx] = go::errgroup::with_context(go::background());
    co_await g.go(
        [&during](go::context c) -> go::task<go::error> {
          during = c.err();
          co_return go::error{};
        },
        ctx);
    result = co_await g.wait();
    after = ctx.err();
  });
  EXPECT_FALSE(result);
  EXPECT_FALSE(during) << "cancelled before wait";
  EXPECT_TRUE(after == go::canceled) << after.message();
}

TEST(Errgroup, ContextIsCancelledWithItsParent) {
  go::error seen;
  go::run([&]() -> go::task<> {
    auto [parent, cancel] = go::with_cancel(go::background());
    auto [g, ctx] = go::errgroup::with_context(parent);
    co_await g.go(
        [&seen](go::context c) -> go::task<go::error> {
          co_await c.done().recv();
          seen = c.err();
          co_return c.err();
        },
        ctx);
    cancel();
    go::error err = co_await g.wait();
    EXPECT_TRUE(err == go::canceled) << err.message();
  });
  EXPECT_TRUE(seen == go::canceled);
}

TEST(Errgroup, ArgumentsAreCopiedAtTheCall) {
  std::string seen_arg, seen_capture;
  go::run([&]() -> go::task<> {
    go::errgroup g;
    std::string arg = "at the call";
    std::string captured = "captured";
    g.set_limit(1);
    co_await g.go(
        [](std::string s, std::string* out) -> go::task<go::error> {
          co_await go::sleep(2ms);
          *out = s;
          co_return go::error{};
        },
        arg, &seen_arg);
    arg = "changed";
    // The limit makes this call wait for the first goroutine; its
    // arguments and captures were copied before it waited.
    auto call = g.go([captured, &seen_capture]() -> go::task<go::error> {
      seen_capture = captured;
      co_return go::error{};
    });
    captured = "changed too";
    co_await std::move(call);
    go::error err = co_await g.wait();
    EXPECT_FALSE(err);
  });
  EXPECT_EQ(seen_arg, "at the call");
  EXPECT_EQ(seen_capture, "captured");
}

TEST(Errgroup, PlainFunctionsAndReferenceParameters) {
  std::atomic<int> sum{0};
  go::run([&]() -> go::task<> {
    go::errgroup g;
    auto add = [](std::atomic<int>* s, const int& v) -> go::task<go::error> {
      s->fetch_add(v);
      co_return go::error{};
    };
    for (int i = 1; i <= 10; ++i) co_await g.go(add, &sum, i);
    co_await g.go(ok_task);
    EXPECT_FALSE(co_await g.wait());
  });
  EXPECT_EQ(sum.load(), 55);
}

TEST(Errgroup, SetLimitBoundsConcurrency) {
  constexpr int kLimit = 3;
  const int kTasks = static_cast<int>(scaled(60, 10));
  std::atomic<int> running{0}, peak{0}, finished{0};
  go::run(
      [&]() -> go::task<> {
        go::errgroup g;
        g.set_limit(kLimit);
        for (int i = 0; i < kTasks; ++i) {
          co_await g.go(
              [&running, &peak, &finished](int n) -> go::task<go::error> {
                const int now = running.fetch_add(1) + 1;
                for (int p = peak.load(); now > p && !peak.compare_exchange_weak(p, now);) {
                }
                if (n % 2 == 0)
                  co_await go::sleep(1ms);
                else
                  co_await go::yield();
                running.fetch_sub(1);
                finished.fetch_add(1);
                co_return go::error{};
              },
              i);
        }
        EXPECT_FALSE(co_await g.wait());
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(finished.load(), kTasks);
  EXPECT_LE(peak.load(), kLimit);
  EXPECT_GE(peak.load(), 1);
}

TEST(Errgroup, GoWaitsForAFreeSlot) {
  std::atomic<int> running{0}, peak{0};
  std::atomic<bool> third_started{false};
  bool third_returned_early = true;
  go::run(
      [&]() -> go::task<> {
        go::errgroup g;
        g.set_limit(2);
        auto release = go::make_chan<go::unit>();
        co_await g.go(hold, go::recv_chan<go::unit>(release), &running, &peak);
        co_await g.go(hold, go::recv_chan<go::unit>(release), &running, &peak);
        auto third_call = go::make_chan<go::unit>();
        go::spawn(
            [&third_started, third_call](go::errgroup grp) -> go::task<> {
              co_await grp.go([&third_started]() -> go::task<go::error> {
                third_started = true;
                co_return go::error{};
              });
              third_call.close();
            },
            g);
        EXPECT_TRUE(co_await gotest::eventually([&] { return running.load() == 2; }));
        // Both slots are held: the third go() must still be waiting.
        int r = co_await go::select(go::on_recv(third_call), go::on_recv(go::after(30ms)));
        third_returned_early = r == 0;
        EXPECT_FALSE(third_started.load());
        release.close();
        co_await third_call.recv();
        EXPECT_FALSE(co_await g.wait());
      },
      go::config{.maxprocs = 4});
  EXPECT_FALSE(third_returned_early) << "go() did not wait although the limit was reached";
  EXPECT_TRUE(third_started.load());
  EXPECT_EQ(peak.load(), 2);
}

TEST(Errgroup, TryGoIsFalseAtTheLimit) {
  bool at_limit = true, after_release = false, unlimited = false;
  int ran = 0;
  go::run([&]() -> go::task<> {
    go::errgroup g;
    std::atomic<int> running{0}, peak{0};
    auto release = go::make_chan<go::unit>();
    g.set_limit(1);
    EXPECT_TRUE(g.try_go(hold, go::recv_chan<go::unit>(release), &running, &peak));
    at_limit = g.try_go([&ran]() -> go::task<go::error> {
      ++ran;  // must never run
      co_return go::error{};
    });
    release.close();
    EXPECT_FALSE(co_await g.wait());
    after_release = g.try_go([&ran]() -> go::task<go::error> {
      ++ran;
      co_return go::error{};
    });
    EXPECT_FALSE(co_await g.wait());
    g.set_limit(-1);
    unlimited = g.try_go(ok_task) && g.try_go(ok_task);
    EXPECT_FALSE(co_await g.wait());
  });
  EXPECT_FALSE(at_limit);
  EXPECT_TRUE(after_release);
  EXPECT_TRUE(unlimited);
  EXPECT_EQ(ran, 1);
}

TEST(Errgroup, LimitZeroStartsNothing) {
  bool started = true;
  go::run([&]() -> go::task<> {
    go::errgroup g;
    g.set_limit(0);
    started = g.try_go(ok_task);
    EXPECT_FALSE(co_await g.wait());
  });
  EXPECT_FALSE(started);
}

TEST(Errgroup, SetLimitWhileGoroutinesAreActivePanics) {
  std::string msg;
  go::run([&]() -> go::task<> {
    go::errgroup g;
    std::atomic<int> running{0}, peak{0};
    auto release = go::make_chan<go::unit>();
    g.set_limit(2);
    co_await g.go(hold, go::recv_chan<go::unit>(release), &running, &peak);
    try {
      g.set_limit(3);
    } catch (const go::panic_error& e) {
      msg = e.message();
    }
    release.close();
    EXPECT_FALSE(co_await g.wait());
    g.set_limit(3);  // nobody is active any more
    EXPECT_TRUE(g.try_go(ok_task));
    EXPECT_FALSE(co_await g.wait());
  });
  EXPECT_EQ(msg, "errgroup: modify limit while 1 goroutines in the group are still active");
}

// A member started without a limit holds no slot of a limit set later, and
// gives none back when it ends: the slot the later member holds stays held.
TEST(Errgroup, AMemberGivesBackOnlyTheSlotItTook) {
  bool second_fits = true, after_first_ends = true;
  go::run([&]() -> go::task<> {
    go::errgroup g;
    std::atomic<int> running{0}, peak{0};
    auto first = go::make_chan<go::unit>();
    auto second = go::make_chan<go::unit>();
    co_await g.go(hold, go::recv_chan<go::unit>(first), &running, &peak);  // no limit yet
    g.set_limit(1);
    co_await g.go(hold, go::recv_chan<go::unit>(second), &running, &peak);  // takes the one slot
    second_fits = g.try_go(ok_task);
    first.close();
    // The first member ends; it held no slot, so the limit is still full.
    while (running.load() != 1) co_await go::yield();
    for (int i = 0; i < 100; ++i) co_await go::yield();  // and let it finish
    after_first_ends = g.try_go(ok_task);
    second.close();
    EXPECT_FALSE(co_await g.wait());
  });
  EXPECT_FALSE(second_fits);
  EXPECT_FALSE(after_first_ends) << "the member started without a limit freed a slot of the new one";
}

TEST(Errgroup, SetLimitWithoutAPreviousLimitDoesNotPanic) {
  // As in Go: only goroutines holding slots of a limit count.
  bool ok = false;
  go::run([&]() -> go::task<> {
    go::errgroup g;
    std::atomic<int> running{0}, peak{0};
    auto release = go::make_chan<go::unit>();
    co_await g.go(hold, go::recv_chan<go::unit>(release), &running, &peak);
    g.set_limit(1);
    // The first goroutine holds no slot of the new limit.
    ok = g.try_go(ok_task);
    release.close();
    EXPECT_FALSE(co_await g.wait());
  });
  EXPECT_TRUE(ok);
}

TEST(Errgroup, ManyGoroutinesCallGoAndWaitConcurrently) {
  const int kSpawners = 8;
  const int kEach = static_cast<int>(scaled(200, 20));
  std::atomic<int> ran{0};
  std::atomic<int> waits_ok{0};
  const go::error boom = go::errorf("boom");
  go::error result;
  go::run(
      [&]() -> go::task<> {
        go::errgroup g;
        g.set_limit(5);
        // Members start further members: the group is used from many
        // goroutines at once, through copies of the handle.
        for (int s = 0; s < kSpawners; ++s) {
          co_await g.go(
              [&ran, &waits_ok, &boom, kEach](go::errgroup grp, int id) -> go::task<go::error> {
                go::errgroup inner;  // a second group, waited for here
                for (int i = 0; i < kEach; ++i) {
                  co_await inner.go(
                      [&ran, &boom](int n) -> go::task<go::error> {
                        ran.fetch_add(1);
                        co_return n == 7 ? boom : go::error{};
                      },
                      id* kEach + i);
                }
                go::error e = co_await inner.wait();
                if (!e || e == boom) waits_ok.fetch_add(1);
                (void)grp.try_go(ok_task);
                co_return e;
              },
              g, s);
        }
        result = co_await g.wait();
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(ran.load(), kSpawners * kEach);
  EXPECT_EQ(waits_ok.load(), kSpawners);
  EXPECT_TRUE(result == boom) << result.message();
}

TEST(Errgroup, TwoWaitersBothSeeTheError) {
  const go::error bad = go::errorf("bad");
  go::error a, b;
  go::run(
      [&]() -> go::task<> {
        go::errgroup g;
        auto release = go::make_chan<go::unit>();
        co_await g.go(
            [&bad](go::recv_chan<go::unit> r) -> go::task<go::error> {
              co_await r.recv();
              co_return bad;
            },
            go::recv_chan<go::unit>(release));
        auto done = go::make_chan<go::unit>();
        go::spawn(
            [&b, done](go::errgroup grp) -> go::task<> {
              b = co_await grp.wait();
              done.close();
            },
            g);
        co_await go::sleep(1ms);
        release.close();
        a = co_await g.wait();
        co_await done.recv();
      },
      go::config{.maxprocs = 2});
  EXPECT_TRUE(a == bad);
  EXPECT_TRUE(b == bad);
}

TEST(Errgroup, HandleMayDieRightAfterWait) {
  // The group lives in a sub-task's frame that ends as soon as wait returns;
  // the goroutines' last steps touch only the shared state (ASan checks).
  std::atomic<int> done{0};
  go::run(
      [&]() -> go::task<> {
        for (int round = 0; round < scaled(200, 20); ++round) {
          co_await [](std::atomic<int>* d) -> go::task<> {
            go::errgroup g;
            for (int i = 0; i < 4; ++i) {
              co_await g.go(
                  [d](std::string payload) -> go::task<go::error> {
                    d->fetch_add(static_cast<int>(payload.size() > 0));
                    co_return go::error{};
                  },
                  std::string(64, 'x'));
            }
            (void)co_await g.wait();
          }(&done);
        }
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(done.load(), 4 * static_cast<int>(scaled(200, 20)));
}

// ---------------------------------------------------------------------------
// A panic in a member goroutine ends the process, with the g.go call site
// as the goroutine's spawn site.
// ---------------------------------------------------------------------------

void scenario_member_panics() {
  int rc = go::run([]() -> go::task<> {
    go::errgroup g;
    co_await g.go([]() -> go::task<go::error> {
      co_await go::yield();
      go::panic("boom in member");
    });
    (void)co_await g.wait();
  });
  std::_Exit(rc);
}

void scenario_set_limit_while_active() {
  int rc = go::run([]() -> go::task<> {
    go::errgroup g;
    g.set_limit(1);
    co_await g.go([]() -> go::task<go::error> {
      co_await go::sleep(1s);
      co_return go::error{};
    });
    g.set_limit(2);
  });
  std::_Exit(rc);
}

class ErrgroupDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(ErrgroupDeathTest, PanicInAMemberEndsTheProcess) {
  EXPECT_EXIT(scenario_member_panics(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)panic: boom in member\n"},
                         {"goroutine ([2-9]|[1-9][0-9]+) \\[running\\]:"},
                         {"created by [^\n]* at [^\n]*errgroup_test\\.cpp:[0-9]+"}}));
}

TEST_F(ErrgroupDeathTest, UnrecoveredSetLimitPanic) {
  EXPECT_EXIT(scenario_set_limit_while_active(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)panic: errgroup: modify limit while 1 goroutines in the group are still active\n"}}));
}

}  // namespace
