// Tests for go::context (Go's context package): background, with_cancel,
// with_timeout / with_deadline, with_value, and the canceled /
// deadline_exceeded errors.

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <any>
#include <atomic>
#include <chrono>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using clk = std::chrono::steady_clock;

namespace {

// True when a receive from c can proceed now (a value or closed); never blocks.
go::task<bool> ready(go::recv_chan<go::unit> c) {
  go::unit u{};
  bool ok = false;
  int i = co_await go::select(go::on_recv(c, &u, &ok), go::on_default());
  co_return i == 0;
}

// True when c is closed (receive ready with ok == false); never blocks.
go::task<bool> closed(go::recv_chan<go::unit> c) {
  go::unit u{};
  bool ok = true;
  int i = co_await go::select(go::on_recv(c, &u, &ok), go::on_default());
  co_return i == 0 && !ok;
}

// Waits for c to become ready, at most `limit`; true if it did.
go::task<bool> ready_within(go::recv_chan<go::unit> c, std::chrono::milliseconds limit) {
  int i = co_await go::select(go::on_recv(c), go::on_recv(go::after(limit)));
  co_return i == 0;
}

double ms_since(clk::time_point t) {
  return std::chrono::duration<double, std::milli>(clk::now() - t).count();
}

TEST(Context, ErrorMessages) {
  EXPECT_EQ(go::canceled.message(), "context canceled");
  EXPECT_EQ(go::deadline_exceeded.message(), "context deadline exceeded");
  EXPECT_TRUE(static_cast<bool>(go::canceled));
  EXPECT_TRUE(static_cast<bool>(go::deadline_exceeded));
  EXPECT_FALSE(go::canceled == go::deadline_exceeded);
  EXPECT_TRUE(go::canceled == go::canceled);
  // Errors compare by identity, like Go's errors.New values.
  EXPECT_FALSE(go::errorf("context canceled") == go::canceled);
  EXPECT_FALSE(static_cast<bool>(go::error{}));
}

TEST(Context, BackgroundIsNeverDone) {
  bool err_nil = false, done_nil = false, was_ready = true, fired_first = false;
  bool value_empty = false;
  go::run([&]() -> go::task<> {
    go::context bg = go::background();
    err_nil = !bg.err();
    done_nil = bg.done() == nullptr;
    was_ready = co_await ready(bg.done());
    // Blocking on the nil channel loses against a timer.
    fired_first = !co_await ready_within(bg.done(), 20ms);
    value_empty = !bg.value("anything").has_value();
    go::context copy = bg;  // a copyable handle
    EXPECT_FALSE(copy.err());
    EXPECT_FALSE(bg.deadline().has_value());
    go::context todo = go::todo();
    EXPECT_FALSE(todo.err());
    EXPECT_TRUE(todo.done() == nullptr);
    // A value context under background cannot be cancelled either.
    EXPECT_TRUE(go::with_value(bg, "k", 1).done() == nullptr);
  });
  EXPECT_TRUE(err_nil);
  EXPECT_TRUE(done_nil);
  EXPECT_FALSE(was_ready);
  EXPECT_TRUE(fired_first);
  EXPECT_TRUE(value_empty);
}

TEST(Context, WithCancel) {
  bool err_before = true, ready_before = true, closed_after = false, closed_again = false;
  go::error err_after, err_again;
  go::run([&]() -> go::task<> {
    auto [ctx, cancel] = go::with_cancel(go::background());
    err_before = static_cast<bool>(ctx.err());
    ready_before = co_await ready(ctx.done());
    cancel();
    closed_after = co_await closed(ctx.done());
    err_after = ctx.err();
    cancel();  // idempotent
    cancel();
    closed_again = co_await closed(ctx.done());
    err_again = ctx.err();
  });
  EXPECT_FALSE(err_before);
  EXPECT_FALSE(ready_before);
  EXPECT_TRUE(closed_after);
  EXPECT_TRUE(err_after == go::canceled);
  EXPECT_EQ(err_after.message(), "context canceled");
  EXPECT_TRUE(closed_again);
  EXPECT_TRUE(err_again == go::canceled);
}

TEST(Context, CancelWakesBlockedGoroutines) {
  constexpr int kWaiters = 10;
  std::atomic<int> woken{0};
  std::atomic<int> early{0};
  go::run(
      [&]() -> go::task<> {
        auto [ctx, cancel] = go::with_cancel(go::background());
        std::atomic<bool> cancelled{false};
        go::wait_group wg;
        wg.add(kWaiters);
        auto other = go::make_chan<int>();  // never ready
        for (int i = 0; i < kWaiters; ++i) {
          go::spawn([&, ctx, other](int k) -> go::task<> {
            if (k % 2 == 0) {
              // (bounded, so that a missed cancellation fails this test
              // instead of deadlocking the whole binary)
              EXPECT_TRUE(co_await ready_within(ctx.done(), 3000ms));
            } else {
              int v = 0;
              int which = co_await go::select(go::on_recv(other, &v), go::on_recv(ctx.done()),
                                              go::on_recv(go::after(3000ms)));
              EXPECT_EQ(which, 1);
            }
            if (!cancelled.load()) early.fetch_add(1);
            woken.fetch_add(1);
            wg.done();
          }, i);
        }
        co_await go::sleep(10ms);
        cancelled = true;
        cancel();
        co_await wg.wait();
      },
      go::config{.maxprocs = 2});
  EXPECT_EQ(woken.load(), kWaiters);
  EXPECT_EQ(early.load(), 0);
}

TEST(Context, ParentCancelsChildrenButNotTheOtherWay) {
  bool child_closed = false, grandchild_closed = false, parent_ready_after_child = true;
  bool sibling_ready_after_child = true, parent_closed = false;
  go::error child_err, grandchild_err, parent_err_after_child;
  go::run([&]() -> go::task<> {
    auto [parent, cancel_parent] = go::with_cancel(go::background());
    auto [child, cancel_child] = go::with_cancel(parent);
    auto [sibling, cancel_sibling] = go::with_cancel(parent);
    auto [grandchild, cancel_grandchild] = go::with_cancel(sibling);

    cancel_child();  // does not reach the parent or the sibling
    parent_ready_after_child = co_await ready(parent.done());
    sibling_ready_after_child = co_await ready(sibling.done());
    parent_err_after_child = parent.err();
    child_err = child.err();

    cancel_parent();  // reaches every descendant
    parent_closed = co_await closed(parent.done());
    child_closed = co_await closed(child.done());
    grandchild_closed = co_await closed(grandchild.done());
    grandchild_err = grandchild.err();
    EXPECT_TRUE(sibling.err() == go::canceled);
    (void)cancel_sibling;
    (void)cancel_grandchild;
  });
  EXPECT_FALSE(parent_ready_after_child);
  EXPECT_FALSE(sibling_ready_after_child);
  EXPECT_FALSE(parent_err_after_child);
  EXPECT_TRUE(child_err == go::canceled);
  EXPECT_TRUE(parent_closed);
  EXPECT_TRUE(child_closed);
  EXPECT_TRUE(grandchild_closed);
  EXPECT_TRUE(grandchild_err == go::canceled);
}

TEST(Context, ChildOfCancelledParentIsCancelledAtOnce) {
  bool closed_now = false;
  go::error err;
  go::run([&]() -> go::task<> {
    auto [parent, cancel] = go::with_cancel(go::background());
    cancel();
    auto [child, cancel_child] = go::with_cancel(parent);
    closed_now = co_await closed(child.done());
    err = child.err();
    cancel_child();
  });
  EXPECT_TRUE(closed_now);
  EXPECT_TRUE(err == go::canceled);
}

// A chain of 100 contexts from a root, with fan-out (cancel, value and
// timeout children, and grandchildren) every 10 levels, and goroutines
// blocked on some leaves. Cancelling the root closes every done() and sets
// every err() to canceled.
TEST(Context, CancelPropagatesThroughDeepTree) {
  constexpr int kDepth = 100;
  int nodes_total = 0, nodes_closed = 0, nodes_canceled = 0, nodes_ready_before = 0;
  std::atomic<int> leaf_waiters_woken{0};
  go::run(
      [&]() -> go::task<> {
        std::vector<go::context> nodes;
        std::vector<go::cancel_func> cancels;
        auto [root, cancel_root] = go::with_cancel(go::background());
        nodes.push_back(root);
        go::context cur = root;
        for (int d = 0; d < kDepth; ++d) {
          auto [c, cf] = go::with_cancel(cur);
          nodes.push_back(c);
          cancels.push_back(cf);
          if (d % 10 == 0) {
            auto [fc, fcf] = go::with_cancel(c);
            nodes.push_back(fc);
            cancels.push_back(fcf);
            auto vc = go::with_value(c, "depth", d);
            nodes.push_back(vc);
            auto [gc, gcf] = go::with_cancel(vc);  // grandchild under a value node
            nodes.push_back(gc);
            cancels.push_back(gcf);
            auto [tc, tcf] = go::with_timeout(c, 10s);  // its timer must not hold us up
            nodes.push_back(tc);
            cancels.push_back(tcf);
          }
          cur = c;
        }
        for (auto& n : nodes)
          if (co_await ready(n.done())) ++nodes_ready_before;

        go::wait_group wg;
        constexpr int kLeafWaiters = 10;
        wg.add(kLeafWaiters);
        for (int i = 0; i < kLeafWaiters; ++i) {
          go::context leaf = nodes[nodes.size() - 1 - i];
          go::spawn([&wg, &leaf_waiters_woken](go::context c) -> go::task<> {
            if (co_await ready_within(c.done(), 3000ms)) leaf_waiters_woken.fetch_add(1);
            wg.done();
          }, leaf);
        }
        co_await go::sleep(5ms);
        cancel_root();
        co_await wg.wait();

        nodes_total = static_cast<int>(nodes.size());
        for (auto& n : nodes) {
          if (co_await closed(n.done())) ++nodes_closed;
          if (n.err() == go::canceled) ++nodes_canceled;
        }
      },
      go::config{.maxprocs = 2});
  EXPECT_EQ(nodes_total, 1 + kDepth + 4 * (kDepth / 10));
  EXPECT_EQ(nodes_ready_before, 0);
  EXPECT_EQ(nodes_closed, nodes_total);
  EXPECT_EQ(nodes_canceled, nodes_total);
  EXPECT_EQ(leaf_waiters_woken.load(), 10);
}

// Children created while another goroutine cancels the parent: every one of
// them ends up cancelled (either by propagation or at creation).
TEST(Context, CancelRacingWithChildCreation) {
  constexpr int kCreators = 4, kPerCreator = 200;
  std::atomic<int> not_cancelled{0};
  go::run(
      [&]() -> go::task<> {
        auto [parent, cancel] = go::with_cancel(go::background());
        go::wait_group wg;
        wg.add(kCreators + 2);
        std::vector<std::vector<go::context>> made(kCreators);
        for (int k = 0; k < kCreators; ++k) {
          go::spawn([&, parent](int id) -> go::task<> {
            for (int i = 0; i < kPerCreator; ++i) {
              // Cancelled through parent, the point of the test: gocxx:ignore[gocxx-leak-lost-cancel]
              auto [c, cf] = go::with_cancel(parent);
              made[id].push_back(c);
              if (i % 16 == 0) co_await go::yield();
            }
            wg.done();
          }, k);
        }
        for (int k = 0; k < 2; ++k) {
          go::spawn([&]() -> go::task<> {
            co_await go::yield();
            cancel();  // two goroutines cancel concurrently: idempotent
            wg.done();
          });
        }
        co_await wg.wait();
        for (auto& v : made)
          for (auto& c : v)
            if (!(c.err() == go::canceled) || !co_await closed(c.done())) not_cancelled.fetch_add(1);
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(not_cancelled.load(), 0);
}

// In Go a parent keeps its cancellable children (and a deadline's timer keeps
// its context) alive: a done() channel still closes when every handle to the
// context itself, and its cancel function, have been dropped.
TEST(Context, DoneClosesAfterHandlesAreDropped) {
  bool child_closed = false, timeout_closed = false, grandchild_closed = false;
  go::run([&]() -> go::task<> {
    auto [parent, cancel] = go::with_cancel(go::background());
    go::recv_chan<go::unit> child_done, grandchild_done, timeout_done;
    // The cancel functions are dropped on purpose (what the test is about):
    {
      auto [c, cf] = go::with_cancel(parent);  // gocxx:ignore[gocxx-leak-lost-cancel]
      child_done = c.done();
      auto [g, gf] = go::with_cancel(go::with_value(c, "k", 1));  // gocxx:ignore[gocxx-leak-lost-cancel]
      grandchild_done = g.done();
    }
    {
      auto [t, tf] = go::with_timeout(go::background(), 10ms);  // gocxx:ignore[gocxx-leak-lost-cancel]
      timeout_done = t.done();
    }
    cancel();
    child_closed = co_await ready_within(child_done, 1000ms);
    grandchild_closed = co_await ready_within(grandchild_done, 1000ms);
    timeout_closed = co_await ready_within(timeout_done, 1000ms);
  });
  EXPECT_TRUE(child_closed) << "cancelling the parent did not close a dropped child's done()";
  EXPECT_TRUE(grandchild_closed) << "cancelling the parent did not close a dropped grandchild's done()";
  EXPECT_TRUE(timeout_closed) << "a dropped with_timeout context never closed its done()";
}

// err() and done() read from several goroutines while another cancels.
TEST(Context, ConcurrentReadersDuringCancel) {
  std::atomic<int> saw_canceled{0}, saw_other{0};
  go::run(
      [&]() -> go::task<> {
        auto [ctx, cancel] = go::with_cancel(go::background());
        go::wait_group wg;
        wg.add(4);
        for (int i = 0; i < 4; ++i) {
          go::spawn([&, ctx]() -> go::task<> {
            for (;;) {
              go::error e = ctx.err();
              bool is_ready = co_await ready(ctx.done());
              if (e) {
                if (e == go::canceled && is_ready) saw_canceled.fetch_add(1);
                else saw_other.fetch_add(1);  // err set but done not closed, or wrong error
                break;
              }
              co_await go::yield();
            }
            wg.done();
          });
        }
        co_await go::sleep(2ms);
        cancel();
        co_await wg.wait();
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(saw_canceled.load(), 4);
  EXPECT_EQ(saw_other.load(), 0);
}

TEST(Context, WithTimeoutExpires) {
  double elapsed = 0;
  bool err_nil_early = false, ready_early = true, closed_after = false;
  go::error err, err_after_cancel;
  go::run([&]() -> go::task<> {
    auto start = clk::now();
    auto [ctx, cancel] = go::with_timeout(go::background(), 120ms);
    co_await go::sleep(20ms);
    err_nil_early = !ctx.err();
    ready_early = co_await ready(ctx.done());
    co_await ctx.done().recv();
    elapsed = ms_since(start);
    err = ctx.err();
    closed_after = co_await closed(ctx.done());
    cancel();  // after expiry: keeps deadline_exceeded
    err_after_cancel = ctx.err();
  });
  EXPECT_TRUE(err_nil_early);
  EXPECT_FALSE(ready_early);
  EXPECT_GE(elapsed, 120.0);
  EXPECT_LT(elapsed, 2000.0);
  EXPECT_TRUE(err == go::deadline_exceeded) << err.message();
  EXPECT_EQ(err.message(), "context deadline exceeded");
  EXPECT_TRUE(closed_after);
  EXPECT_TRUE(err_after_cancel == go::deadline_exceeded);
}

TEST(Context, WithDeadline) {
  double elapsed = 0;
  go::error err;
  go::run([&]() -> go::task<> {
    auto start = clk::now();
    auto [ctx, cancel] = go::with_deadline(go::background(), start + 40ms);
    co_await ctx.done().recv();
    elapsed = ms_since(start);
    err = ctx.err();
    cancel();
  });
  EXPECT_GE(elapsed, 40.0);
  EXPECT_LT(elapsed, 2000.0);
  EXPECT_TRUE(err == go::deadline_exceeded);
}

TEST(Context, DeadlineInThePastIsDoneAtOnce) {
  bool closed_now = false;
  go::error err;
  go::run([&]() -> go::task<> {
    auto [ctx, cancel] = go::with_deadline(go::background(), clk::now() - 1s);
    // Go cancels such a context inside WithDeadline; allow a scheduling hop.
    closed_now = co_await ready_within(ctx.done(), 1000ms) && co_await closed(ctx.done());
    err = ctx.err();
    cancel();
  });
  EXPECT_TRUE(closed_now);
  EXPECT_TRUE(err == go::deadline_exceeded);
}

TEST(Context, CancelBeforeTimeout) {
  go::error err_at_cancel, err_after_deadline;
  go::run([&]() -> go::task<> {
    auto [ctx, cancel] = go::with_timeout(go::background(), 100ms);
    cancel();
    err_at_cancel = ctx.err();
    co_await go::sleep(130ms);
    err_after_deadline = ctx.err();
  });
  EXPECT_TRUE(err_at_cancel == go::canceled);
  EXPECT_TRUE(err_after_deadline == go::canceled);
}

TEST(Context, ChildDeadlineCannotExtendParent) {
  double elapsed = 0;
  bool child_done = false;
  go::error child_err, parent_err;
  go::run([&]() -> go::task<> {
    auto start = clk::now();
    auto [parent, cancel_parent] = go::with_timeout(go::background(), 30ms);
    auto [child, cancel_child] = go::with_timeout(parent, 10s);
    auto [dchild, cancel_dchild] = go::with_deadline(parent, clk::now() + 10s);
    child_done = co_await ready_within(child.done(), 2000ms);
    elapsed = ms_since(start);
    child_err = child.err();
    parent_err = parent.err();
    // Go: the child's Deadline() is the parent's, the earlier one.
    EXPECT_TRUE(child.deadline().has_value() && parent.deadline().has_value() &&
                *child.deadline() == *parent.deadline());
    EXPECT_TRUE(dchild.deadline().has_value() && parent.deadline().has_value() &&
                *dchild.deadline() == *parent.deadline());
    EXPECT_TRUE(co_await ready_within(dchild.done(), 1000ms));
    EXPECT_TRUE(dchild.err() == go::deadline_exceeded);
    cancel_child();
    cancel_dchild();
    cancel_parent();
  });
  EXPECT_TRUE(child_done);
  EXPECT_GE(elapsed, 30.0);
  EXPECT_LT(elapsed, 1500.0);
  EXPECT_TRUE(child_err == go::deadline_exceeded) << child_err.message();
  EXPECT_TRUE(parent_err == go::deadline_exceeded);
}

TEST(Context, ShorterChildDeadlineFiresFirst) {
  go::error child_err, parent_err;
  double elapsed = 0;
  go::run([&]() -> go::task<> {
    auto start = clk::now();
    auto [parent, cancel_parent] = go::with_timeout(go::background(), 10s);
    auto [child, cancel_child] = go::with_timeout(parent, 20ms);
    co_await child.done().recv();
    elapsed = ms_since(start);
    child_err = child.err();
    parent_err = parent.err();
    cancel_child();
    cancel_parent();
  });
  EXPECT_GE(elapsed, 20.0);
  EXPECT_TRUE(child_err == go::deadline_exceeded);
  EXPECT_FALSE(parent_err);
}

TEST(Context, DeadlineOfWithTimeout) {
  bool has = false;
  double ms_ahead = 0;
  go::run([&]() -> go::task<> {
    auto before = clk::now();
    auto [ctx, cancel] = go::with_timeout(go::background(), 500ms);
    auto after = clk::now();
    auto dl = ctx.deadline();
    has = dl.has_value();
    if (has) {
      EXPECT_GE(*dl, before + 500ms);
      EXPECT_LE(*dl, after + 500ms);
    }
    ms_ahead = has ? std::chrono::duration<double, std::milli>(*dl - before).count() : 0;
    cancel();
    co_return;
  });
  EXPECT_TRUE(has);
  EXPECT_GE(ms_ahead, 500.0);
}

// Keys of other types compare with ==, and keys of different types never
// match (Go compares interface values: type and value).
TEST(Context, WithValueNonStringKeys) {
  std::any by_int, by_long, by_struct, by_other_struct;
  struct key_t {
    int id;
    bool operator==(const key_t&) const = default;
  };
  go::run([&]() -> go::task<> {
    auto c = go::with_value(go::background(), 7, std::string("seven"));
    c = go::with_value(c, key_t{1}, 1.5);
    by_int = c.value(7);
    by_long = c.value(7L);
    by_struct = c.value(key_t{1});
    by_other_struct = c.value(key_t{2});
    co_return;
  });
  ASSERT_TRUE(by_int.has_value());
  EXPECT_EQ(std::any_cast<std::string>(by_int), "seven");
  EXPECT_FALSE(by_long.has_value());
  ASSERT_TRUE(by_struct.has_value());
  EXPECT_EQ(std::any_cast<double>(by_struct), 1.5);
  EXPECT_FALSE(by_other_struct.has_value());
}

TEST(Context, WithValueLooksUpTheChain) {
  std::any a1, a2, a3, missing, shadowed, outer_unshadowed, by_other_pointer, from_bg;
  go::error err_through_value;
  bool value_ctx_closed = false;
  go::run([&]() -> go::task<> {
    auto v1 = go::with_value(go::background(), "k1", 1);
    auto [c, cancel] = go::with_cancel(v1);
    auto v2 = go::with_value(c, "k2", std::string("two"));
    auto v3 = go::with_value(v2, "k1", 111);  // shadows k1 for v3's subtree only
    a1 = v2.value("k1");
    a2 = v2.value("k2");
    a3 = v1.value("k2");  // a parent does not see its children's values
    missing = v2.value("nope");
    shadowed = v3.value("k1");
    outer_unshadowed = v2.value("k1");
    char buf[] = "k2";  // a different pointer with the same text
    by_other_pointer = v3.value(static_cast<const char*>(buf));
    from_bg = go::background().value("k1");
    cancel();
    err_through_value = v3.err();
    value_ctx_closed = co_await closed(v3.done());
  });
  ASSERT_TRUE(a1.has_value());
  EXPECT_EQ(std::any_cast<int>(a1), 1);
  ASSERT_TRUE(a2.has_value());
  EXPECT_EQ(std::any_cast<std::string>(a2), "two");
  EXPECT_FALSE(a3.has_value());
  EXPECT_FALSE(missing.has_value());
  ASSERT_TRUE(shadowed.has_value());
  EXPECT_EQ(std::any_cast<int>(shadowed), 111);
  ASSERT_TRUE(outer_unshadowed.has_value());
  EXPECT_EQ(std::any_cast<int>(outer_unshadowed), 1);
  ASSERT_TRUE(by_other_pointer.has_value());
  EXPECT_EQ(std::any_cast<std::string>(by_other_pointer), "two");
  EXPECT_FALSE(from_bg.has_value());
  EXPECT_TRUE(err_through_value == go::canceled);
  EXPECT_TRUE(value_ctx_closed);
}

}  // namespace
