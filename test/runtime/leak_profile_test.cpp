// Tests for the goroutine leak profile (go::leak_profile, gocxx/leak_profile.hpp),
// GOCXXDEBUG=goroutineleak=1, and the goleak-style check of gocxx/testing.hpp
// (go::testing::scope, go::testing::verify_none).
//
// The collector scans frames, stacks and registers conservatively, so a
// stale copy of a pointer can keep a channel reached for a while: the
// profile is sound, not complete. Tests that expect a leak therefore profile
// again, a few times, after running some goroutines on every P (which
// overwrites the workers' stacks and registers); tests that expect none
// profile several times and require that it never appears. Leaked
// structures are built by goroutines of their own that end at once, so that
// no frame of the test keeps a copy of a handle it means to drop.
//
// Inside a goroutine only EXPECT_* is used (ASSERT_* returns, which a
// coroutine may not do); most results are checked after go::run returns.

#include <gocxx/gocxx.hpp>
#include <gocxx/testing.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gc_test_support.hpp"
#include "sched_test_support.hpp"
#include "stderr_matcher.hpp"

using namespace std::chrono_literals;
using gocxx_test::StderrHas;
using gotest::latch;

namespace {

class LeakProfile : public ::testing::TestWithParam<int> {
 protected:
  go::config cfg() const { return go::config{.maxprocs = GetParam()}; }
};
INSTANTIATE_TEST_SUITE_P(Maxprocs, LeakProfile, ::testing::Values(1, 2, 4), gotest::procs_name);

class VerifyNone : public ::testing::TestWithParam<int> {
 protected:
  go::config cfg() const { return go::config{.maxprocs = GetParam()}; }
};
INSTANTIATE_TEST_SUITE_P(Maxprocs, VerifyNone, ::testing::Values(1, 2, 4), gotest::procs_name);

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

std::uint64_t self_id() { return go::detail::current_g()->id.load(); }

const go::leaked_goroutine* find(const std::vector<go::leaked_goroutine>& leaks, std::uint64_t id) {
  auto it = std::find_if(leaks.begin(), leaks.end(), [&](const go::leaked_goroutine& l) { return l.id == id; });
  return it == leaks.end() ? nullptr : &*it;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Runs a few short goroutines on every P and waits for them, so that the
// workers' stacks and registers hold their values rather than stale copies
// of pointers a test dropped.
go::task<> churn() {
  const int n = 2 * go::maxprocs();
  latch done(n);
  for (int i = 0; i < n; ++i) {
    go::spawn(
        [](latch* d) -> go::task<> {
          volatile char scratch[4096];
          for (std::size_t k = 0; k < sizeof scratch; ++k) scratch[k] = 0;
          co_await go::yield();
          d->count_down();
        },
        &done);
  }
  co_await done.wait();
  co_await go::sleep(1ms);
}

// Profiles until every id in `want` is reported, at most `attempts` times;
// returns the last profile.
// Up to 60 profiles: a stale copy of a pointer in a dead stack slot or a
// register spill (conservatively scanned) can keep a primitive reachable for
// a while; under load (2 cores, other suites running) 12 attempts once
// missed a wait group that had become unreachable.
go::task<std::vector<go::leaked_goroutine>> profile_until_found(std::vector<std::uint64_t> want, int attempts = 60) {
  std::vector<go::leaked_goroutine> leaks;
  for (int i = 0; i < attempts; ++i) {
    leaks = go::leak_profile();
    if (std::all_of(want.begin(), want.end(), [&](std::uint64_t id) { return find(leaks, id) != nullptr; })) break;
    co_await churn();
  }
  co_return leaks;
}

// Profiles `cycles` times; returns the ids of `ids` that any profile reported.
go::task<std::vector<std::uint64_t>> reported_any(std::vector<std::uint64_t> ids, int cycles = 5) {
  std::vector<std::uint64_t> seen;
  for (int i = 0; i < cycles; ++i) {
    const std::vector<go::leaked_goroutine> leaks = go::leak_profile();
    for (std::uint64_t id : ids)
      if (find(leaks, id) && std::find(seen.begin(), seen.end(), id) == seen.end()) seen.push_back(id);
    co_await churn();
  }
  co_return seen;
}

// Where a goroutine of these tests parked: its id, the line of the
// co_await it parked in, and (some of them) the line that spawned it.
//
// A test keeps its parked_at in the test's body, which outlives the
// goroutines: go::run destroys those it abandons before it returns. The
// latches (and stop flags) are made in main's frame, which ends first, so
// the goroutines that keep one share it (std::shared_ptr) rather than
// point into that frame. That changes no profile: a latch's channel,
// reached before from main's frame (a root while main runs), is now a
// registered root (a handle in malloc'd memory) for as long as a goroutine
// keeps the latch; it holds no pointers, and no goroutine a test expects
// to leak waits on a latch.
struct parked_at {
  std::atomic<std::uint64_t> id{0};
  std::atomic<int> line{0};
  std::atomic<int> spawn_line{0};
};

// Sends on a channel only it ever holds: leaked from the start.
go::task<> send_on_own_channel(parked_at* me, std::shared_ptr<latch> parked) {
  auto ch = go::make_chan<int>();
  me->id = self_id();
  me->line = __LINE__ + 2;
  parked->count_down();
  co_await ch.send(1);
}

// Spawns send_on_own_channel from a goroutine of its own that ends at once,
// so that no frame of the test keeps a pointer into the sender's frame: a
// goroutine that spawns may keep one in a temporary of its frame, which
// the collector scans conservatively.
go::task<> spawn_leaked_sender(parked_at* me, std::shared_ptr<latch> parked) {
  me->spawn_line = __LINE__ + 1;
  go::spawn(send_on_own_channel, me, parked);
  co_return;
}

go::task<> recv_on(go::chan<int> ch, parked_at* me, std::shared_ptr<latch> parked) {
  me->id = self_id();
  me->line = __LINE__ + 2;
  parked->count_down();
  co_await ch.recv();
}

go::task<> send_on(go::chan<int> ch, parked_at* me, std::shared_ptr<latch> parked) {
  me->id = self_id();
  me->line = __LINE__ + 2;
  parked->count_down();
  co_await ch.send(7);
}

// A handle the test can drop without a copy left in its own frame.
struct chan_box {
  go::chan<int> ch;
};

// Makes a channel, spawns a receiver on it, and hands the only other
// handle back in a box.
go::task<> boxed_receiver(go::chan<go::ptr<chan_box>> out, parked_at* me, std::shared_ptr<latch> parked) {
  auto box = go::new_<chan_box>();
  box->ch = go::make_chan<int>();
  go::spawn(recv_on, box->ch, me, parked);
  co_await out.send(box);
}

go::chan<int> global_ch;  // a global handle: a registered root

// ---------------------------------------------------------------------------
// Channels
// ---------------------------------------------------------------------------

TEST_P(LeakProfile, SenderOnAnUnreachableChannelIsFoundWhileTheProgramRuns) {
  parked_at leaker;
  std::vector<go::leaked_goroutine> leaks;
  long received = 0;
  int rc = go::run(
      [&]() -> go::task<> {
        auto parked = std::make_shared<latch>(1);
        go::spawn(spawn_leaked_sender, &leaker, parked);
        co_await parked->wait();
        // The program goes on: a producer feeds main while main profiles.
        auto work = go::make_chan<int>(8);
        auto stop = std::make_shared<std::atomic<bool>>(false);
        auto producer_done = std::make_shared<latch>(1);
        go::spawn([work, stop, producer_done]() -> go::task<> {
          for (int i = 0; !stop->load(); ++i) co_await work.send(i);
          producer_done->count_down();
        });
        for (int i = 0; i < 12; ++i) {
          for (int k = 0; k < 50; ++k) received += co_await work.recv() >= 0;
          leaks = go::leak_profile();
          if (find(leaks, leaker.id)) break;
          co_await churn();
        }
        *stop = true;
        while (co_await go::select(go::on_recv(work), go::on_recv(producer_done->done())) == 0) {
        }
      },
      cfg());
  EXPECT_EQ(rc, 0);
  const go::leaked_goroutine* l = find(leaks, leaker.id);
  ASSERT_NE(l, nullptr) << "the leaked sender was not reported";
  EXPECT_EQ(l->wait_reason, "chan send");
  EXPECT_EQ(static_cast<int>(l->wait_site.line()), leaker.line.load());
  EXPECT_TRUE(ends_with(l->wait_site.file_name(), "leak_profile_test.cpp")) << l->wait_site.file_name();
  EXPECT_EQ(static_cast<int>(l->spawn_site.line()), leaker.spawn_line.load());
  EXPECT_EQ(leaks.size(), 1u) << "only the sender is leaked: the producer and main run";
  EXPECT_GT(received, 0);
}

TEST_P(LeakProfile, ReceiverIsReportedOnceMainDropsItsChannel) {
  parked_at receiver;
  std::vector<std::uint64_t> while_held;
  std::vector<go::leaked_goroutine> after_drop;
  go::run(
      [&]() -> go::task<> {
        auto parked = std::make_shared<latch>(1);
        auto boxes = go::make_chan<go::ptr<chan_box>>();
        go::spawn(boxed_receiver, boxes, &receiver, parked);
        go::ptr<chan_box> box = co_await boxes.recv();
        co_await parked->wait();
        while_held = co_await reported_any({receiver.id});
        box->ch = nullptr;  // main held the only other handle
        after_drop = co_await profile_until_found({receiver.id});
      },
      cfg());
  EXPECT_TRUE(while_held.empty()) << "reported while main held its channel";
  const go::leaked_goroutine* l = find(after_drop, receiver.id);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->wait_reason, "chan receive");
  EXPECT_EQ(static_cast<int>(l->wait_site.line()), receiver.line.load());
}

TEST_P(LeakProfile, AGlobalHandleKeepsTheReceiverUntilItIsCleared) {
  parked_at receiver;
  std::vector<std::uint64_t> while_held;
  std::vector<go::leaked_goroutine> after_drop;
  go::run(
      [&]() -> go::task<> {
        auto parked = std::make_shared<latch>(1);
        auto made = std::make_shared<latch>(1);
        go::spawn(
            [](parked_at* me, std::shared_ptr<latch> parked, std::shared_ptr<latch> made) -> go::task<> {
              auto ch = go::make_chan<int>();
              global_ch = ch;
              go::spawn(recv_on, ch, me, parked);
              made->count_down();
              co_return;
            },
            &receiver, parked, made);
        co_await made->wait();
        co_await parked->wait();
        while_held = co_await reported_any({receiver.id});
        global_ch = nullptr;
        after_drop = co_await profile_until_found({receiver.id});
      },
      cfg());
  EXPECT_TRUE(while_held.empty()) << "reported while a global held its channel";
  EXPECT_NE(find(after_drop, receiver.id), nullptr);
}

TEST_P(LeakProfile, ASleepingGoroutineThatHoldsTheChannelKeepsTheSender) {
  parked_at sender;
  std::atomic<bool> keep{true};
  std::vector<std::uint64_t> while_held;
  std::vector<go::leaked_goroutine> after_drop;
  go::run(
      [&]() -> go::task<> {
        auto parked = std::make_shared<latch>(1);
        go::spawn(
            [](parked_at* me, std::shared_ptr<latch> parked, std::atomic<bool>* keep) -> go::task<> {
              auto ch = go::make_chan<int>();
              go::spawn(send_on, ch, me, parked);
              // The holder: it sleeps (a timer wakes it), so it is a root.
              go::spawn(
                  [](go::chan<int> held, std::atomic<bool>* keep) -> go::task<> {
                    while (keep->load()) co_await go::sleep(1ms);
                    gctest::keep(held);
                  },
                  ch, keep);
              co_return;
            },
            &sender, parked, &keep);
        co_await parked->wait();
        while_held = co_await reported_any({sender.id});
        keep = false;  // the holder ends, and its frame with it
        after_drop = co_await profile_until_found({sender.id});
      },
      cfg());
  EXPECT_TRUE(while_held.empty()) << "reported while a sleeping goroutine held its channel";
  EXPECT_NE(find(after_drop, sender.id), nullptr);
}

// A holder parked on a channel main can reach is a root once that channel
// is marked (the fixpoint); when main drops it, holder and sender leak
// together: the sender's channel is reachable only from the leaked holder.
TEST_P(LeakProfile, ALeakChainIsReportedWhole) {
  parked_at sender, holder;
  std::vector<std::uint64_t> while_held;
  std::vector<go::leaked_goroutine> after_drop;
  go::run(
      [&]() -> go::task<> {
        auto parked = std::make_shared<latch>(2);
        auto boxes = go::make_chan<go::ptr<chan_box>>();
        go::spawn(
            [](go::chan<go::ptr<chan_box>> out, parked_at* s, parked_at* h,
               std::shared_ptr<latch> parked) -> go::task<> {
              auto ch = go::make_chan<int>();
              auto box = go::new_<chan_box>();
              box->ch = go::make_chan<int>();
              go::spawn(send_on, ch, s, parked);
              go::spawn(
                  [](go::chan<int> go_on, go::chan<int> held, parked_at* me,
                     std::shared_ptr<latch> parked) -> go::task<> {
                    me->id = self_id();
                    parked->count_down();
                    co_await go_on.recv();
                    gctest::keep(held);
                  },
                  box->ch, ch, h, parked);
              co_await out.send(box);
            },
            boxes, &sender, &holder, parked);
        go::ptr<chan_box> box = co_await boxes.recv();
        co_await parked->wait();
        while_held = co_await reported_any({sender.id, holder.id});
        box->ch = nullptr;
        after_drop = co_await profile_until_found({sender.id, holder.id});
      },
      cfg());
  EXPECT_TRUE(while_held.empty()) << "reported while the holder could still be woken";
  const go::leaked_goroutine* s = find(after_drop, sender.id);
  const go::leaked_goroutine* h = find(after_drop, holder.id);
  ASSERT_NE(s, nullptr);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(s->wait_reason, "chan send");
  EXPECT_EQ(h->wait_reason, "chan receive");
}

// ---------------------------------------------------------------------------
// select, nil channels, select {}
// ---------------------------------------------------------------------------

TEST_P(LeakProfile, SelectOnUnreachableChannelsIsFound) {
  parked_at selector;
  std::vector<go::leaked_goroutine> leaks;
  go::run(
      [&]() -> go::task<> {
        latch parked(1);
        go::spawn(
            [](parked_at* me, latch* parked) -> go::task<> {
              auto a = go::make_chan<int>();
              auto b = go::make_chan<std::string>();
              int v = 0;
              me->id = self_id();
              me->line = __LINE__ + 2;
              parked->count_down();
              co_await go::select(go::on_recv(a, &v), go::on_send(b, std::string("x")));
            },
            &selector, &parked);
        co_await parked.wait();
        leaks = co_await profile_until_found({selector.id});
      },
      cfg());
  const go::leaked_goroutine* l = find(leaks, selector.id);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->wait_reason, "select");
  EXPECT_EQ(static_cast<int>(l->wait_site.line()), selector.line.load());
}

TEST_P(LeakProfile, SelectWithOneReachableCaseIsReportedOnlyOnceItIsDropped) {
  parked_at selector;
  std::vector<std::uint64_t> while_held;
  std::vector<go::leaked_goroutine> after_drop;
  go::run(
      [&]() -> go::task<> {
        auto parked = std::make_shared<latch>(1);
        auto boxes = go::make_chan<go::ptr<chan_box>>();
        go::spawn(
            [](go::chan<go::ptr<chan_box>> out, parked_at* me, std::shared_ptr<latch> parked) -> go::task<> {
              auto box = go::new_<chan_box>();
              box->ch = go::make_chan<int>();
              go::spawn(
                  [](go::chan<int> reachable, parked_at* me, std::shared_ptr<latch> parked) -> go::task<> {
                    auto own = go::make_chan<int>();
                    go::chan<int> nil;
                    me->id = self_id();
                    parked->count_down();
                    co_await go::select(go::on_recv(own), go::on_recv(nil), go::on_recv(reachable));
                  },
                  box->ch, me, parked);
              co_await out.send(box);
            },
            boxes, &selector, parked);
        go::ptr<chan_box> box = co_await boxes.recv();
        co_await parked->wait();
        while_held = co_await reported_any({selector.id});
        box->ch = nullptr;
        after_drop = co_await profile_until_found({selector.id});
      },
      cfg());
  EXPECT_TRUE(while_held.empty()) << "reported while one of its cases was reachable";
  EXPECT_NE(find(after_drop, selector.id), nullptr);
}

// Goroutines that nothing can ever wake are leaked by definition.
TEST_P(LeakProfile, NilChannelsAndEmptySelectAreAlwaysLeaked) {
  parked_at empty_select, nil_recv, nil_send, nil_select;
  std::vector<go::leaked_goroutine> leaks;
  go::run(
      [&]() -> go::task<> {
        latch parked(4);
        go::spawn(
            [](parked_at* me, latch* parked) -> go::task<> {
              me->id = self_id();
              parked->count_down();
              co_await go::select();
            },
            &empty_select, &parked);
        go::spawn(
            [](parked_at* me, latch* parked) -> go::task<> {
              go::chan<int> nil;
              me->id = self_id();
              parked->count_down();
              co_await nil.recv();
            },
            &nil_recv, &parked);
        go::spawn(
            [](parked_at* me, latch* parked) -> go::task<> {
              go::chan<int> nil;
              me->id = self_id();
              parked->count_down();
              co_await nil.send(1);
            },
            &nil_send, &parked);
        go::spawn(
            [](parked_at* me, latch* parked) -> go::task<> {
              go::chan<int> a, b;
              me->id = self_id();
              parked->count_down();
              co_await go::select(go::on_recv(a), go::on_send(b, 1));
            },
            &nil_select, &parked);
        co_await parked.wait();
        leaks = co_await profile_until_found({empty_select.id, nil_recv.id, nil_send.id, nil_select.id});
      },
      cfg());
  auto reason = [&](const parked_at& p) {
    const go::leaked_goroutine* l = find(leaks, p.id);
    return l ? l->wait_reason : std::string("<not reported>");
  };
  EXPECT_EQ(reason(empty_select), "select (no cases)");
  EXPECT_EQ(reason(nil_recv), "chan receive (nil chan)");
  EXPECT_EQ(reason(nil_send), "chan send (nil chan)");
  EXPECT_EQ(reason(nil_select), "select");
}

// ---------------------------------------------------------------------------
// sync primitives
// ---------------------------------------------------------------------------

struct locked {
  go::mutex mu;
};

// The mutex's holder leaks (it waits on a channel of its own), so the
// goroutine that waits for the mutex, which only they share, leaks too.
TEST_P(LeakProfile, MutexWaiterLeaksWithTheHolder) {
  parked_at holder, waiter;
  std::vector<go::leaked_goroutine> leaks;
  go::run(
      [&]() -> go::task<> {
        auto parked = std::make_shared<latch>(2);
        go::spawn(
            [](parked_at* h, parked_at* w, std::shared_ptr<latch> parked) -> go::task<> {
              auto m = go::new_<locked>();
              co_await m->mu.lock();
              go::spawn(
                  [](go::ptr<locked> m, parked_at* me, std::shared_ptr<latch> parked) -> go::task<> {
                    me->id = self_id();
                    me->line = __LINE__ + 2;
                    parked->count_down();
                    co_await m->mu.lock();
                  },
                  m, w, parked);
              auto never = go::make_chan<int>();
              h->id = self_id();
              parked->count_down();
              co_await never.recv();
              m->mu.unlock();
            },
            &holder, &waiter, parked);
        co_await parked->wait();
        leaks = co_await profile_until_found({holder.id, waiter.id});
      },
      cfg());
  const go::leaked_goroutine* w = find(leaks, waiter.id);
  const go::leaked_goroutine* h = find(leaks, holder.id);
  ASSERT_NE(w, nullptr);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(w->wait_reason, "sync.Mutex.Lock");
  EXPECT_EQ(static_cast<int>(w->wait_site.line()), waiter.line.load());
  EXPECT_EQ(h->wait_reason, "chan receive");
}

// A holder that still runs (it sleeps) may unlock: its waiter is no leak.
TEST_P(LeakProfile, MutexWaiterIsNotReportedWhileTheHolderRuns) {
  parked_at waiter;
  std::atomic<bool> keep{true};
  std::vector<std::uint64_t> seen;
  go::run(
      [&]() -> go::task<> {
        auto parked = std::make_shared<latch>(1);
        auto unlocked = std::make_shared<latch>(1);
        go::spawn(
            [](parked_at* w, std::shared_ptr<latch> parked, std::shared_ptr<latch> unlocked,
               std::atomic<bool>* keep) -> go::task<> {
              auto m = go::new_<locked>();
              co_await m->mu.lock();
              go::spawn(
                  [](go::ptr<locked> m, parked_at* me, std::shared_ptr<latch> parked,
                     std::shared_ptr<latch> unlocked) -> go::task<> {
                    me->id = self_id();
                    parked->count_down();
                    co_await m->mu.lock();
                    m->mu.unlock();
                    unlocked->count_down();
                  },
                  m, w, parked, unlocked);
              while (keep->load()) co_await go::sleep(1ms);
              m->mu.unlock();
            },
            &waiter, parked, unlocked, &keep);
        co_await parked->wait();
        seen = co_await reported_any({waiter.id});
        keep = false;
        co_await unlocked->wait();
      },
      cfg());
  EXPECT_TRUE(seen.empty());
}

TEST_P(LeakProfile, WaitGroupWaiterIsReportedOnceNobodyCanCallDone) {
  parked_at waiter;
  std::vector<std::uint64_t> while_held;
  std::vector<go::leaked_goroutine> after_drop;
  struct wg_box {
    go::ptr<go::wait_group> wg;
  };
  go::run(
      [&]() -> go::task<> {
        auto parked = std::make_shared<latch>(1);
        auto boxes = go::make_chan<go::ptr<wg_box>>();
        go::spawn(
            [](go::chan<go::ptr<wg_box>> out, parked_at* me, std::shared_ptr<latch> parked) -> go::task<> {
              auto box = go::new_<wg_box>();
              box->wg = go::new_<go::wait_group>();
              box->wg->add(1);
              go::spawn(
                  [](go::ptr<go::wait_group> wg, parked_at* me, std::shared_ptr<latch> parked) -> go::task<> {
                    me->id = self_id();
                    me->line = __LINE__ + 2;
                    parked->count_down();
                    co_await wg->wait();
                  },
                  box->wg, me, parked);
              co_await out.send(box);
            },
            boxes, &waiter, parked);
        go::ptr<wg_box> box = co_await boxes.recv();
        co_await parked->wait();
        while_held = co_await reported_any({waiter.id});
        box->wg = nullptr;  // nobody can call done() now
        after_drop = co_await profile_until_found({waiter.id});
      },
      cfg());
  EXPECT_TRUE(while_held.empty()) << "reported while main could call done()";
  const go::leaked_goroutine* l = find(after_drop, waiter.id);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->wait_reason, "sync.WaitGroup.Wait");
  EXPECT_EQ(static_cast<int>(l->wait_site.line()), waiter.line.load());
}

struct cond_box {
  go::mutex mu;
  go::cond cv{&mu};
};

TEST_P(LeakProfile, CondWaiterOnAnUnreachableCondIsFound) {
  parked_at waiter;
  std::vector<go::leaked_goroutine> leaks;
  go::run(
      [&]() -> go::task<> {
        latch parked(1);
        go::spawn(
            [](parked_at* me, latch* parked) -> go::task<> {
              auto c = go::new_<cond_box>();
              co_await c->mu.lock();
              me->id = self_id();
              parked->count_down();
              co_await c->cv.wait();
              c->mu.unlock();
            },
            &waiter, &parked);
        co_await parked.wait();
        leaks = co_await profile_until_found({waiter.id});
      },
      cfg());
  const go::leaked_goroutine* l = find(leaks, waiter.id);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->wait_reason, "sync.Cond.Wait");
}

// A primitive in a goroutine frame (or on a thread stack, or in malloc'd
// memory) counts as reachable: a raw pointer to it may sit where the
// collector does not look. So these goroutines, although stuck for good,
// are never reported.
TEST_P(LeakProfile, PrimitivesOutsideTheGcHeapCountAsReachable) {
  parked_at own_wg, own_mutex, shared_mutex;
  std::vector<std::uint64_t> seen;
  go::run(
      [&]() -> go::task<> {
        latch parked(3);
        go::spawn(
            [](parked_at* me, latch* parked) -> go::task<> {
              go::wait_group wg;
              wg.add(1);
              me->id = self_id();
              parked->count_down();
              co_await wg.wait();
            },
            &own_wg, &parked);
        go::spawn(
            [](parked_at* me, latch* parked) -> go::task<> {
              go::mutex mu;
              co_await mu.lock();
              me->id = self_id();
              parked->count_down();
              co_await mu.lock();  // its own mutex, again
            },
            &own_mutex, &parked);
        go::spawn(
            [](parked_at* me, latch* parked) -> go::task<> {
              auto mu = std::make_shared<go::mutex>();  // malloc'd
              co_await mu->lock();
              me->id = self_id();
              parked->count_down();
              co_await mu->lock();
            },
            &shared_mutex, &parked);
        co_await parked.wait();
        seen = co_await reported_any({own_wg.id, own_mutex.id, shared_mutex.id});
      },
      cfg());
  EXPECT_TRUE(seen.empty());
}

// ---------------------------------------------------------------------------
// Goroutines that wake by themselves
// ---------------------------------------------------------------------------

TEST_P(LeakProfile, SleepingGoroutinesAreNeverReported) {
  parked_at sleeper;
  std::vector<std::uint64_t> seen;
  go::run(
      [&]() -> go::task<> {
        latch parked(1);
        go::spawn(
            [](parked_at* me, latch* parked) -> go::task<> {
              me->id = self_id();
              parked->count_down();
              co_await go::sleep(1h);  // abandoned when go::run returns
            },
            &sleeper, &parked);
        co_await parked.wait();
        seen = co_await reported_any({sleeper.id});
      },
      cfg());
  EXPECT_TRUE(seen.empty());
}

// A timer keeps its channel reachable while it exists: after, timer and
// ticker will send on it.
TEST_P(LeakProfile, TimerChannelsKeepTheirReaders) {
  parked_at after_reader, timer_reader, ticker_reader, timer_select;
  std::vector<std::uint64_t> seen;
  go::run(
      [&]() -> go::task<> {
        latch parked(4);
        go::spawn(
            [](parked_at* me, latch* parked) -> go::task<> {
              me->id = self_id();
              parked->count_down();
              co_await go::after(1h).recv();
            },
            &after_reader, &parked);
        go::spawn(
            [](parked_at* me, latch* parked) -> go::task<> {
              go::timer t(1h);
              me->id = self_id();
              parked->count_down();
              co_await t.c().recv();
            },
            &timer_reader, &parked);
        go::spawn(
            [](parked_at* me, latch* parked) -> go::task<> {
              go::ticker t(1h);
              me->id = self_id();
              parked->count_down();
              co_await t.c().recv();
            },
            &ticker_reader, &parked);
        go::spawn(
            [](parked_at* me, latch* parked) -> go::task<> {
              auto own = go::make_chan<int>();
              me->id = self_id();
              parked->count_down();
              co_await go::select(go::on_recv(own), go::on_recv(go::after(1h)));
            },
            &timer_select, &parked);
        co_await parked.wait();
        seen = co_await reported_any({after_reader.id, timer_reader.id, ticker_reader.id, timer_select.id});
      },
      cfg());
  EXPECT_TRUE(seen.empty());
}

// ---------------------------------------------------------------------------
// Finding leaks only reports
// ---------------------------------------------------------------------------

TEST_P(LeakProfile, LeakedGoroutinesKeepWhatTheirFramesReach) {
  gctest::pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  parked_at leaker;
  std::vector<go::leaked_goroutine> leaks;
  int dtors_while_leaked = -1;
  go::run(
      [&]() -> go::task<> {
        latch parked(1);
        go::spawn(
            [](parked_at* me, latch* parked, std::atomic<int>* dtors) -> go::task<> {
              go::ptr<gctest::Tracked> t = gctest::make_tracked(42, dtors);
              auto never = go::make_chan<int>();
              me->id = self_id();
              parked->count_down();
              co_await never.recv();
              gctest::keep(t);
            },
            &leaker, &parked, &dtors);
        co_await parked.wait();
        leaks = co_await profile_until_found({leaker.id});
        for (int i = 0; i < 3; ++i) {
          go::leak_profile();
          go::gc();
        }
        dtors_while_leaked = dtors.load();
      },
      cfg());
  EXPECT_NE(find(leaks, leaker.id), nullptr);
  EXPECT_EQ(dtors_while_leaked, 0) << "a leak-finding cycle freed what a leaked frame holds";
}

// While goroutines keep parking and waking on channels and sync primitives
// that some running goroutine can reach, no profile reports any of them,
// and a real leak among them is still found.
TEST_P(LeakProfile, NoFalseReportsWhileGoroutinesParkAndWake) {
  constexpr int kRing = 16;
  std::vector<std::uint64_t> bad;
  parked_at leaker;
  bool found = false;
  int profiles = 0;
  std::atomic<int> ring_alive{kRing};
  go::run(
      [&]() -> go::task<> {
        auto stop = std::make_shared<std::atomic<bool>>(false);
        auto parked = std::make_shared<latch>(1);
        go::spawn(spawn_leaked_sender, &leaker, parked);
        // A ring: goroutine i receives on c[i] and forwards to c[i+1]. At
        // any moment the token is with one goroutine that is running or
        // runnable, from which every other is reachable, channel by channel.
        // Once stop is set, the holder of the token closes its way out and
        // the closes go round.
        go::spawn(
            [](std::shared_ptr<std::atomic<bool>> stop, std::atomic<int>* alive) -> go::task<> {
              std::vector<go::chan<int>> c;
              for (int i = 0; i < kRing; ++i) c.push_back(go::make_chan<int>());
              for (int i = 0; i < kRing; ++i) {
                go::spawn(
                    [](go::chan<int> in, go::chan<int> out, std::shared_ptr<std::atomic<bool>> stop,
                       std::atomic<int>* alive) -> go::task<> {
                      while (auto v = co_await in.next()) {
                        if (stop->load()) break;
                        co_await out.send(*v + 1);
                      }
                      out.close();
                      alive->fetch_sub(1);
                    },
                    c[i], c[(i + 1) % kRing], stop, alive);
              }
              co_await c[0].send(0);
            },
            stop, &ring_alive);
        // Goroutines contending for a mutex, and one waiting for them on a
        // wait group, all on the heap.
        auto shared = go::new_<locked>();
        auto wg = go::new_<go::wait_group>();
        auto contenders_done = std::make_shared<latch>(1);
        wg->add(4);
        for (int i = 0; i < 4; ++i) {
          go::spawn(
              [](go::ptr<locked> m, go::ptr<go::wait_group> wg, std::shared_ptr<std::atomic<bool>> stop) -> go::task<> {
                while (!stop->load()) {
                  co_await m->mu.lock();
                  co_await go::yield();
                  m->mu.unlock();
                }
                wg->done();
              },
              shared, wg, stop);
        }
        go::spawn(
            [](go::ptr<go::wait_group> wg, std::shared_ptr<latch> done) -> go::task<> {
              co_await wg->wait();
              done->count_down();
            },
            wg, contenders_done);
        co_await parked->wait();
        const auto end = std::chrono::steady_clock::now() + 300ms;
        while (profiles < 8 || (!found && profiles < 50) || std::chrono::steady_clock::now() < end) {
          const std::vector<go::leaked_goroutine> leaks = go::leak_profile();
          ++profiles;
          for (const go::leaked_goroutine& l : leaks) {
            if (l.id == leaker.id)
              found = true;
            else
              bad.push_back(l.id);
          }
          if (found)
            co_await go::yield();
          else
            co_await churn();
        }
        *stop = true;
        co_await contenders_done->wait();
        co_await gotest::eventually([&] { return ring_alive.load() == 0; });
      },
      cfg());
  EXPECT_TRUE(bad.empty()) << bad.size() << " goroutine(s) reported that could still be woken, e.g. " << bad[0];
  EXPECT_TRUE(found) << "the leaked sender was not found in " << profiles << " profiles";
  EXPECT_EQ(ring_alive.load(), 0);
}

TEST(LeakProfileOutsideRun, FindsNothing) { EXPECT_TRUE(go::leak_profile().empty()); }

// ---------------------------------------------------------------------------
// GOCXXDEBUG=goroutineleak=1
// ---------------------------------------------------------------------------

// Every collection finds leaks; each leaked goroutine is printed once, as
// it is found, while the program runs on. Runs in a child process (a death
// test) and ends with std::_Exit, as deadlock_test.cpp's scenarios do.
void scenario_debug_leak(const char* setting) {
  setenv("GOCXXDEBUG", setting, 1);
  parked_at leaker;
  int rc = go::run(
      [&]() -> go::task<> {
        auto parked = std::make_shared<latch>(1);
        go::spawn(spawn_leaked_sender, &leaker, parked);
        co_await parked->wait();
        for (int i = 0; i < 20 && !find(go::leak_profile(), leaker.id); ++i) co_await churn();
        for (int i = 0; i < 3; ++i) go::gc();  // more cycles find it again, and print nothing
        std::fprintf(stdout, "main goes on\n");
      },
      go::config{.maxprocs = 2});
  std::fflush(stdout);
  std::_Exit(rc);
}

class GocxxDebug : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(GocxxDebug, GoroutineLeakPrintsEachLeakOnce) {
  EXPECT_EXIT(scenario_debug_leak("goroutineleak=1"), ::testing::ExitedWithCode(0),
              StderrHas({{"gocxx: goroutine leak: goroutine [0-9]+ \\[chan send\\]:\n"
                          "\tblocked at [^\n]* at [^\n]*leak_profile_test\\.cpp:[0-9]+:[0-9]+\n"
                          "\tcreated by [^\n]* at [^\n]*leak_profile_test\\.cpp:[0-9]+:[0-9]+\n"},
                         {"gocxx: goroutine leak:", 1},
                         {"fatal error", 0}}));
}

TEST_F(GocxxDebug, SettingsAreACommaSeparatedList) {
  EXPECT_EXIT(scenario_debug_leak("gctrace=0,bogus,goroutineleak=1,other=x"), ::testing::ExitedWithCode(0),
              StderrHas({{"gocxx: goroutine leak: goroutine [0-9]+ \\[chan send\\]:", 1}}));
}

TEST_F(GocxxDebug, OffByDefault) {
  EXPECT_EXIT(scenario_debug_leak("goroutineleak=0"), ::testing::ExitedWithCode(0),
              StderrHas({{"goroutine leak", 0}, {"fatal error", 0}}));
}

// ---------------------------------------------------------------------------
// go::testing::verify_none
// ---------------------------------------------------------------------------

TEST_P(VerifyNone, PassesWhenTheTestsGoroutinesEnd) {
  go::testing::verify_result r;
  int rc = go::run(
      [&]() -> go::task<> {
        go::testing::scope test;
        auto results = go::make_chan<int>(4);
        for (int i = 0; i < 4; ++i) {
          go::spawn(
              [](go::chan<int> out, int i) -> go::task<> {
                co_await go::sleep(std::chrono::milliseconds(10 * i));  // some end after verify_none starts
                co_await out.send(i);
              },
              results, i);
        }
        co_await results.recv();
        r = co_await go::testing::verify_none(test);
      },
      cfg());
  EXPECT_EQ(rc, 0);
  EXPECT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r.message(), "");
}

TEST_P(VerifyNone, ReportsALeakedGoroutineWithItsSites) {
  go::testing::verify_result r;
  parked_at leaker;
  auto t0 = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration waited{};
  go::run(
      [&]() -> go::task<> {
        go::testing::scope test;
        auto parked = std::make_shared<latch>(1);
        go::spawn(spawn_leaked_sender, &leaker, parked);
        co_await parked->wait();
        t0 = std::chrono::steady_clock::now();
        r = co_await go::testing::verify_none(test, {.max_wait = 200ms});
        waited = std::chrono::steady_clock::now() - t0;
      },
      cfg());
  ASSERT_EQ(r.survivors.size(), 1u) << r.message();
  const go::testing::goroutine_info& s = r.survivors[0];
  EXPECT_EQ(s.id, leaker.id.load());
  EXPECT_EQ(s.state, "chan send");
  EXPECT_TRUE(s.waiting);
  EXPECT_EQ(static_cast<int>(s.wait_site.line()), leaker.line.load());
  EXPECT_GE(waited, 200ms) << "verify_none gives up only after max_wait";
  const std::string m = r.message();
  EXPECT_NE(m.find("1 goroutine(s)"), std::string::npos) << m;
  EXPECT_NE(m.find("goroutine " + std::to_string(leaker.id.load()) + " [chan send"), std::string::npos) << m;
  EXPECT_NE(m.find("\tblocked at "), std::string::npos) << m;
  EXPECT_NE(m.find("leak_profile_test.cpp:" + std::to_string(leaker.line.load())), std::string::npos) << m;
  EXPECT_NE(m.find("\tcreated by "), std::string::npos) << m;
}

// Two tests running side by side in one go::run, each in a goroutine with a
// scope of its own: each sees its own goroutines, grandchildren included,
// and none of the other's.
TEST_P(VerifyNone, ScopesDoNotSeeEachOthersGoroutines) {
  go::testing::verify_result r1, r2;
  parked_at child, grandchild;
  go::run(
      [&]() -> go::task<> {
        auto both_open = std::make_shared<latch>(2);
        auto finished = std::make_shared<latch>(2);
        go::spawn([&, both_open, finished]() -> go::task<> {
          go::testing::scope t1;
          auto parked = std::make_shared<latch>(2);
          go::spawn(spawn_leaked_sender, &child, parked);
          go::spawn(
              [](parked_at* gc, std::shared_ptr<latch> parked) -> go::task<> {
                go::spawn(spawn_leaked_sender, gc, parked);  // further down the test's tree
                co_return;
              },
              &grandchild, parked);
          co_await parked->wait();
          both_open->count_down();
          co_await both_open->wait();
          r1 = co_await go::testing::verify_none(t1, {.max_wait = 100ms});
          finished->count_down();
        });
        go::spawn([&, both_open, finished]() -> go::task<> {
          go::testing::scope t2;
          auto out = go::make_chan<int>(3);
          for (int i = 0; i < 3; ++i) {
            go::spawn(
                [](go::chan<int> out, int i) -> go::task<> {
                  co_await go::sleep(std::chrono::milliseconds(20 + 10 * i));
                  co_await out.send(i);
                },
                out, i);
          }
          both_open->count_down();
          co_await both_open->wait();
          r2 = co_await go::testing::verify_none(t2);  // t1's leaked goroutines are not its business
          finished->count_down();
        });
        co_await finished->wait();
      },
      cfg());
  ASSERT_EQ(r1.survivors.size(), 2u) << r1.message();
  EXPECT_EQ(r1.survivors[0].id, std::min(child.id.load(), grandchild.id.load()));
  EXPECT_EQ(r1.survivors[1].id, std::max(child.id.load(), grandchild.id.load()));
  EXPECT_TRUE(r2.ok()) << r2.message();
}

// A scope opened on the test's thread before go::run holds the main
// goroutine and everything it spawns; the caller is left out.
TEST_P(VerifyNone, AScopeOnTheTestThread) {
  go::testing::verify_result r, unscoped;
  parked_at leaker;
  {
    go::testing::scope test;
    go::run(
        [&]() -> go::task<> {
          auto parked = std::make_shared<latch>(1);
          go::spawn(spawn_leaked_sender, &leaker, parked);
          co_await parked->wait();
          r = co_await go::testing::verify_none(test, {.max_wait = 50ms});
        },
        cfg());
  }
  // Without a scope: every goroutine outside scopes, here just main.
  go::run([&]() -> go::task<> { unscoped = co_await go::testing::verify_none({.max_wait = 50ms}); }, cfg());
  ASSERT_EQ(r.survivors.size(), 1u) << r.message();
  EXPECT_EQ(r.survivors[0].id, leaker.id.load());
  EXPECT_TRUE(unscoped.ok()) << unscoped.message();
}

}  // namespace
