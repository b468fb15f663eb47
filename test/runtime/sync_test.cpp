// Tests for go::mutex, go::rwmutex, go::wait_group, go::once and go::cond
// (Go's sync package).
//
// Inside a goroutine only EXPECT_* is used (ASSERT_* returns, which a
// coroutine may not do); most results are collected and checked after
// go::run returns.

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include "sched_test_support.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using clk = std::chrono::steady_clock;

namespace {

// The text of the go::panic_error that f() throws, or "<no panic>".
template <class F>
std::string panic_text(F&& f) {
  try {
    std::forward<F>(f)();
  } catch (go::panic_error& e) {
    return e.what();
  }
  return "<no panic>";
}

using gotest::eventually;
using gotest::scaled;

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, needle, haystack)

// ---------------------------------------------------------------------------
// mutex
// ---------------------------------------------------------------------------

TEST(Mutex, MutualExclusionUnderContention) {
  constexpr int kGoroutines = 8;
  const long kIters = scaled(10000);
  go::mutex mu;
  long counter = 0;  // guarded by mu; deliberately not atomic (TSan watches it)
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  int rc = go::run(
      [&]() -> go::task<> {
        go::wait_group wg;
        wg.add(kGoroutines);
        for (int g = 0; g < kGoroutines; ++g) {
          go::spawn([&]() -> go::task<> {
            for (long i = 0; i < kIters; ++i) {
              co_await mu.lock();
              if (inside.fetch_add(1) != 0) overlaps.fetch_add(1);
              long v = counter;
              if (i % 4 == 0) co_await go::yield();  // read ... yield ... write
              counter = v + 1;
              inside.fetch_sub(1);
              mu.unlock();
            }
            wg.done();
          });
        }
        co_await wg.wait();
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(counter, kGoroutines * kIters);
}

TEST(Mutex, TryLock) {
  go::mutex mu;
  std::vector<int> r;
  go::run([&]() -> go::task<> {
    r.push_back(mu.try_lock());  // 1: free
    r.push_back(mu.try_lock());  // 0: held by us
    mu.unlock();
    r.push_back(mu.try_lock());  // 1: free again
    // Another goroutine cannot take it while we hold it...
    auto out = go::make_chan<bool>();
    go::spawn([&mu](go::chan<bool> c) -> go::task<> { co_await c.send(mu.try_lock()); }, out);
    r.push_back(co_await out.recv());  // 0
    mu.unlock();
    // ...and can once we released it.
    go::spawn(
        [&mu](go::chan<bool> c) -> go::task<> {
          bool ok = mu.try_lock();
          if (ok) mu.unlock();
          co_await c.send(ok);
        },
        out);
    r.push_back(co_await out.recv());  // 1
  });
  EXPECT_EQ(r, (std::vector<int>{1, 0, 1, 0, 1}));
}

TEST(Mutex, LockBlocksUntilUnlock) {
  go::mutex mu;
  std::atomic<bool> released{false};
  bool saw_release = false;
  go::run(
      [&]() -> go::task<> {
        co_await mu.lock();
        auto done = go::make_chan<go::unit>();
        go::spawn([&, done]() -> go::task<> {
          co_await mu.lock();
          saw_release = released.load();
          mu.unlock();
          done.close();
        });
        co_await go::sleep(10ms);
        released = true;
        mu.unlock();
        co_await done.recv();
      },
      go::config{.maxprocs = 2});
  EXPECT_TRUE(saw_release);
}

// As in Go, a locked mutex is not tied to a goroutine: another one may unlock it.
TEST(Mutex, UnlockFromAnotherGoroutine) {
  go::mutex mu;
  bool relocked = false;
  go::run(
      [&]() -> go::task<> {
        co_await mu.lock();
        auto done = go::make_chan<go::unit>();
        go::spawn([&mu, done]() -> go::task<> {
          co_await go::sleep(2ms);
          mu.unlock();
          done.close();
        });
        co_await mu.lock();  // blocks until the other goroutine unlocked it
        relocked = true;
        mu.unlock();
        co_await done.recv();
      },
      go::config{.maxprocs = 2});
  EXPECT_TRUE(relocked);
}

TEST(Mutex, ScopedGuard) {
  go::mutex mu;
  bool held_inside = false, free_after = false, free_after_panic = false;
  std::string recovered;
  go::run([&]() -> go::task<> {
    {
      auto guard = co_await mu.scoped();
      held_inside = !mu.try_lock();
    }
    free_after = mu.try_lock();
    if (free_after) mu.unlock();
    // The guard also unlocks when a panic unwinds through its scope.
    try {
      auto guard = co_await mu.scoped();
      go::panic("in critical section");
    } catch (go::panic_error& e) {
      recovered = e.what();
    }
    free_after_panic = mu.try_lock();
    if (free_after_panic) mu.unlock();
  });
  EXPECT_TRUE(held_inside);
  EXPECT_TRUE(free_after);
  EXPECT_EQ(recovered, "in critical section");
  EXPECT_TRUE(free_after_panic);
}

TEST(Mutex, ScopedGuardWaitsForHolder) {
  go::mutex mu;
  std::atomic<bool> holder_done{false};
  bool ok = false;
  go::run(
      [&]() -> go::task<> {
        auto locked = go::make_chan<go::unit>();
        go::spawn([&, locked]() -> go::task<> {
          co_await mu.lock();
          locked.close();
          co_await go::sleep(10ms);
          holder_done = true;
          mu.unlock();
        });
        co_await locked.recv();
        auto guard = co_await mu.scoped();
        ok = holder_done.load();
      },
      go::config{.maxprocs = 2});
  EXPECT_TRUE(ok);
}

TEST(Mutex, UnlockOfUnlockedMutexPanics) {
  std::string fresh, twice;
  go::run([&]() -> go::task<> {
    go::mutex a;
    fresh = panic_text([&] { a.unlock(); });
    go::mutex b;
    co_await b.lock();
    b.unlock();
    twice = panic_text([&] { b.unlock(); });
  });
  EXPECT_CONTAINS(fresh, "sync: unlock of unlocked mutex");
  EXPECT_CONTAINS(twice, "sync: unlock of unlocked mutex");
}

TEST(Mutex, NotStarvingWithoutWaiters) {
  go::mutex mu;
  bool s0 = true, s1 = true, s2 = true;
  go::run([&]() -> go::task<> {
    s0 = mu.starving();
    co_await mu.lock();
    s1 = mu.starving();
    mu.unlock();
    s2 = mu.starving();
  });
  EXPECT_FALSE(s0);
  EXPECT_FALSE(s1);
  EXPECT_FALSE(s2);
}

// Starvation scenario (Go's sync.Mutex, "starvation mode"):
//   main holds mu; waiters 0..3 queue up, one per millisecond, so the queue
//   order is known; every one of them waits > 1 ms. main unlocks and at once
//   tries to barge in with try_lock (in Go's normal mode a running goroutine
//   beats a just-woken waiter). The woken waiter, starved for > 1 ms, must
//   switch the mutex to starvation mode (if main barged in, the waiter does
//   so when it finds mu locked again; an implementation that decides at
//   unlock time hands mu over directly). In starvation mode mu is handed
//   from waiter to waiter in FIFO order, and a late arrival (id 100) queues
//   at the tail. The last waiter to take it turns starvation mode off.
struct StarveResult {
  bool observed = false;          // starving() was seen true at some point
  std::vector<int> order;         // order in which the waiters got mu
  std::vector<int> held_starving; // starving() as seen by each waiter while holding mu
  bool final_starving = true;
  bool try_lock_after = false;
};

StarveResult starvation_scenario() {
  StarveResult res;
  go::mutex mu;
  go::run(
      [&]() -> go::task<> {
        constexpr int kWaiters = 4;
        go::wait_group wg;
        wg.add(kWaiters);
        std::atomic<int> arrived{-1};
        auto waiter = [&](int id) -> go::task<> {
          arrived = id;
          co_await mu.lock();
          res.order.push_back(id);  // guarded by mu
          bool s = mu.starving();
          res.held_starving.push_back(s);
          if (s) res.observed = true;
          co_await go::sleep(1ms);  // hold it a little: the queue drains slowly
          mu.unlock();
          wg.done();
        };
        co_await mu.lock();
        for (int i = 0; i < kWaiters; ++i) {
          go::spawn(waiter, i);
          // Waiter i is queued before waiter i+1 is spawned.
          co_await eventually([&] { return arrived.load() == i; });
          co_await go::sleep(1ms);
        }
        co_await go::sleep(3ms);  // every waiter has now waited > 1 ms
        mu.unlock();
        bool barged = mu.try_lock();
        bool s = mu.starving();
        if (barged) {
          // The woken, starved waiter finds mu locked and switches modes.
          for (int k = 0; k < 200 && !mu.starving(); ++k) co_await go::sleep(1ms);
          s = s || mu.starving();
          mu.unlock();
          s = s || mu.starving();
        }
        if (s) {
          // Late arrival while in starvation mode: it must queue at the tail.
          wg.add(1);
          go::spawn(waiter, 100);
          co_await wg.wait();
        } else {
          // No starvation seen yet: a late arrival could barge in and spoil
          // the FIFO order, so it comes only after the others are done.
          co_await wg.wait();
          wg.add(1);
          go::spawn(waiter, 100);
          co_await wg.wait();
        }
        if (s) res.observed = true;
        res.final_starving = mu.starving();
        res.try_lock_after = mu.try_lock();
        if (res.try_lock_after) mu.unlock();
      },
      go::config{.maxprocs = 2});
  return res;
}

TEST(Mutex, StarvationModeTurnsOnAndOff) {
  StarveResult res;
  // Entering starvation mode depends on a waiter losing a race it loses
  // almost always; give it three chances.
  for (int attempt = 0; attempt < 3 && !res.observed; ++attempt) res = starvation_scenario();
  EXPECT_TRUE(res.observed) << "mu.starving() never became true although waiters waited > 1 ms";
  ASSERT_EQ(res.held_starving.size(), 5u);
  // The last waiter (the late arrival) leaves starvation mode.
  EXPECT_FALSE(res.held_starving.back());
  EXPECT_FALSE(res.final_starving);
  EXPECT_TRUE(res.try_lock_after);
}

TEST(Mutex, StarvationModeHandsOffFifo) {
  StarveResult res;
  for (int attempt = 0; attempt < 3 && !res.observed; ++attempt) res = starvation_scenario();
  ASSERT_TRUE(res.observed);
  EXPECT_EQ(res.order, (std::vector<int>{0, 1, 2, 3, 100}));
  // While the queue is not empty, hand-off keeps the mutex in starvation mode.
  ASSERT_EQ(res.held_starving.size(), 5u);
  for (int i = 1; i < 4; ++i) EXPECT_TRUE(res.held_starving[i]) << "waiter " << i;
}

// ---------------------------------------------------------------------------
// rwmutex
// ---------------------------------------------------------------------------

TEST(RWMutex, ManyReadersAtOnce) {
  constexpr int kReaders = 8;
  go::rwmutex rw;
  std::atomic<int> active{0};
  bool all_in = false;
  go::run(
      [&]() -> go::task<> {
        auto release = go::make_chan<go::unit>();
        go::wait_group wg;
        wg.add(kReaders);
        for (int i = 0; i < kReaders; ++i) {
          go::spawn([&, release]() -> go::task<> {
            co_await rw.rlock();
            active.fetch_add(1);
            co_await release.recv();  // hold the read lock until every reader holds it
            active.fetch_sub(1);
            rw.runlock();
            wg.done();
          });
        }
        all_in = co_await eventually([&] { return active.load() == kReaders; });
        release.close();
        co_await wg.wait();
      },
      go::config{.maxprocs = 2});
  EXPECT_TRUE(all_in) << "the " << kReaders << " readers did not hold the read lock together";
}

TEST(RWMutex, WriterExcludesReaders) {
  go::rwmutex rw;
  std::atomic<bool> writer_active{false};
  std::atomic<bool> reader_in{false};
  bool reader_saw_writer = true, reader_in_early = true, try_rlock = true, try_lock = true,
       try_lock_free = false;
  go::run(
      [&]() -> go::task<> {
        co_await rw.lock();
        writer_active = true;
        try_rlock = rw.try_rlock();
        try_lock = rw.try_lock();
        auto done = go::make_chan<go::unit>();
        go::spawn([&, done]() -> go::task<> {
          co_await rw.rlock();
          reader_in = true;
          reader_saw_writer = writer_active.load();
          rw.runlock();
          done.close();
        });
        co_await go::sleep(10ms);
        reader_in_early = reader_in.load();
        writer_active = false;
        rw.unlock();
        co_await done.recv();
        try_lock_free = rw.try_lock();
        if (try_lock_free) rw.unlock();
      },
      go::config{.maxprocs = 2});
  EXPECT_FALSE(try_rlock);
  EXPECT_FALSE(try_lock);
  EXPECT_FALSE(reader_in_early);
  EXPECT_FALSE(reader_saw_writer);
  EXPECT_TRUE(try_lock_free);
}

TEST(RWMutex, WriterWaitsForReaders) {
  go::rwmutex rw;
  std::atomic<bool> readers_gone{false};
  std::atomic<bool> writer_in{false};
  bool writer_saw = false, writer_in_early = true, try_lock = true, try_rlock = false;
  go::run(
      [&]() -> go::task<> {
        co_await rw.rlock();
        try_lock = rw.try_lock();
        try_rlock = rw.try_rlock();  // a second reader is fine
        if (try_rlock) rw.runlock();
        auto done = go::make_chan<go::unit>();
        go::spawn([&, done]() -> go::task<> {
          co_await rw.lock();
          writer_in = true;
          writer_saw = readers_gone.load();
          rw.unlock();
          done.close();
        });
        co_await go::sleep(10ms);
        writer_in_early = writer_in.load();
        readers_gone = true;
        rw.runlock();
        co_await done.recv();
      },
      go::config{.maxprocs = 2});
  EXPECT_FALSE(try_lock);
  EXPECT_TRUE(try_rlock);
  EXPECT_FALSE(writer_in_early);
  EXPECT_TRUE(writer_saw);
}

// Go: "If any goroutine calls Lock while the lock is already held by one or
// more readers, concurrent calls to RLock will block until the writer has
// acquired (and released) the lock."
TEST(RWMutex, PendingWriterBlocksNewReaders) {
  go::rwmutex rw;
  std::vector<std::string> order;
  std::mutex order_mu;  // plain std::mutex: the log is written from different goroutines
  auto log = [&](std::string s) {
    std::lock_guard<std::mutex> l(order_mu);
    order.push_back(std::move(s));
  };
  bool try_rlock_while_pending = true;
  go::run(
      [&]() -> go::task<> {
        go::wait_group wg;
        wg.add(2);
        co_await rw.rlock();  // reader R1 = main
        go::spawn([&]() -> go::task<> {  // writer W
          co_await rw.lock();
          log("W locked");
          co_await go::sleep(5ms);
          log("W unlocking");
          rw.unlock();
          wg.done();
        });
        // Once W is pending, try_rlock must fail (and rlock must block).
        bool pending_seen = co_await eventually([&] {
          bool ok = rw.try_rlock();
          if (ok) rw.runlock();
          return !ok;
        });
        try_rlock_while_pending = !pending_seen;
        go::spawn([&]() -> go::task<> {  // reader R2 arrives while W is pending
          co_await rw.rlock();
          log("R2 locked");
          rw.runlock();
          wg.done();
        });
        co_await go::sleep(5ms);  // R2 must still be blocked
        log("R1 unlocking");
        rw.runlock();
        co_await wg.wait();
      },
      go::config{.maxprocs = 2});
  EXPECT_FALSE(try_rlock_while_pending);
  EXPECT_EQ(order, (std::vector<std::string>{"R1 unlocking", "W locked", "W unlocking", "R2 locked"}));
}

TEST(RWMutex, ReadersAndWritersKeepInvariant) {
  const long kWriterIters = scaled(500), kReaderIters = scaled(1000);
  go::rwmutex rw;
  long a = 0, b = 0;  // guarded by rw: writers keep a == b
  std::atomic<int> broken{0};
  go::run(
      [&]() -> go::task<> {
        go::wait_group wg;
        constexpr int kWriters = 2, kReaders = 4;
        wg.add(kWriters + kReaders);
        for (int w = 0; w < kWriters; ++w) {
          go::spawn([&]() -> go::task<> {
            for (long i = 0; i < kWriterIters; ++i) {
              co_await rw.lock();
              ++a;
              co_await go::yield();
              ++b;
              rw.unlock();
            }
            wg.done();
          });
        }
        for (int r = 0; r < kReaders; ++r) {
          go::spawn([&]() -> go::task<> {
            for (long i = 0; i < kReaderIters; ++i) {
              co_await rw.rlock();
              if (a != b) broken.fetch_add(1);
              if (i % 2 == 0) co_await go::yield();
              if (a != b) broken.fetch_add(1);
              rw.runlock();
            }
            wg.done();
          });
        }
        co_await wg.wait();
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(broken.load(), 0);
  EXPECT_EQ(a, 2 * kWriterIters);
  EXPECT_EQ(b, 2 * kWriterIters);
}

TEST(RWMutex, UnlockMisusePanics) {
  std::string unlock_msg, runlock_msg;
  go::run([&]() -> go::task<> {
    go::rwmutex a;
    unlock_msg = panic_text([&] { a.unlock(); });
    go::rwmutex b;
    runlock_msg = panic_text([&] { b.runlock(); });
    co_return;
  });
  EXPECT_CONTAINS(unlock_msg, "sync: Unlock of unlocked RWMutex");
  EXPECT_CONTAINS(runlock_msg, "sync: RUnlock of unlocked RWMutex");
}

// ---------------------------------------------------------------------------
// wait_group
// ---------------------------------------------------------------------------

TEST(WaitGroup, WaitReturnsAfterAllDone) {
  constexpr int kN = 20;
  std::atomic<int> finished{0};
  int seen_at_wait = -1;
  go::run(
      [&]() -> go::task<> {
        go::wait_group wg;
        wg.add(kN);
        for (int i = 0; i < kN; ++i) {
          go::spawn(
              [&](int ms) -> go::task<> {
                co_await go::sleep(std::chrono::milliseconds(ms));
                finished.fetch_add(1);
                wg.done();
              },
              i % 7);
        }
        co_await wg.wait();
        seen_at_wait = finished.load();
      },
      go::config{.maxprocs = 2});
  EXPECT_EQ(seen_at_wait, kN);
}

TEST(WaitGroup, ManyWaiters) {
  std::atomic<int> released{0};
  go::run(
      [&]() -> go::task<> {
        go::wait_group wg, waiters;
        wg.add(1);
        waiters.add(3);
        for (int i = 0; i < 3; ++i) {
          go::spawn([&]() -> go::task<> {
            co_await wg.wait();
            released.fetch_add(1);
            waiters.done();
          });
        }
        co_await go::sleep(5ms);
        EXPECT_EQ(released.load(), 0);
        wg.done();
        co_await waiters.wait();
      },
      go::config{.maxprocs = 2});
  EXPECT_EQ(released.load(), 3);
}

TEST(WaitGroup, WaitWithZeroCounterReturnsImmediately) {
  bool returned = false;
  go::run([&]() -> go::task<> {
    go::wait_group wg;
    co_await wg.wait();  // would deadlock (and kill the process) if it blocked
    wg.add(2);
    wg.done();
    wg.done();
    co_await wg.wait();
    returned = true;
  });
  EXPECT_TRUE(returned);
}

TEST(WaitGroup, NegativeCounterPanics) {
  std::string done_msg, add_msg;
  go::run([&]() -> go::task<> {
    go::wait_group a;
    done_msg = panic_text([&] { a.done(); });
    go::wait_group b;
    b.add(1);
    add_msg = panic_text([&] { b.add(-2); });
    co_return;
  });
  EXPECT_CONTAINS(done_msg, "sync: negative WaitGroup counter");
  EXPECT_CONTAINS(add_msg, "sync: negative WaitGroup counter");
}

TEST(WaitGroup, ReuseAfterWait) {
  std::vector<int> rounds;
  go::run(
      [&]() -> go::task<> {
        go::wait_group wg;
        for (int round = 0; round < 5; ++round) {
          std::atomic<int> n{0};
          wg.add(4);
          for (int i = 0; i < 4; ++i) {
            go::spawn([&]() -> go::task<> {
              co_await go::yield();
              n.fetch_add(1);
              wg.done();
            });
          }
          co_await wg.wait();
          rounds.push_back(n.load());
        }
      },
      go::config{.maxprocs = 2});
  EXPECT_EQ(rounds, (std::vector<int>{4, 4, 4, 4, 4}));
}

// ---------------------------------------------------------------------------
// once
// ---------------------------------------------------------------------------

TEST(Once, RunsExactlyOnceAcrossConcurrentCallers) {
  constexpr int kCallers = 100;
  go::once once;
  std::atomic<int> runs{0};
  std::atomic<bool> finished{false};
  std::atomic<int> returned_early{0};
  std::atomic<int> returned{0};
  go::run(
      [&]() -> go::task<> {
        go::wait_group wg;
        wg.add(kCallers);
        for (int i = 0; i < kCallers; ++i) {
          go::spawn([&]() -> go::task<> {
            co_await once.call([&]() -> go::task<> {
              runs.fetch_add(1);
              co_await go::sleep(10ms);  // later callers must wait for this
              finished = true;
            });
            if (!finished.load()) returned_early.fetch_add(1);
            returned.fetch_add(1);
            wg.done();
          });
        }
        co_await wg.wait();
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(returned.load(), kCallers);
  EXPECT_EQ(returned_early.load(), 0) << "call() returned before the first call's fn had finished";
}

TEST(Once, TaskFunctionIsAwaited) {
  go::once once;
  bool done_after_call = false;
  int runs = 0;
  go::run([&]() -> go::task<> {
    bool done = false;
    co_await once.call([&]() -> go::task<> {
      ++runs;
      co_await go::sleep(5ms);
      co_await go::yield();
      done = true;
    });
    done_after_call = done;
    co_await once.call([&]() -> go::task<> {
      ++runs;
      co_return;
    });
  });
  EXPECT_TRUE(done_after_call);
  EXPECT_EQ(runs, 1);
}

TEST(Once, PlainCallable) {
  go::once once;
  int n = 0;
  go::run([&]() -> go::task<> {
    for (int i = 0; i < 3; ++i) co_await once.call([&] { ++n; });
  });
  EXPECT_EQ(n, 1);
}

// Go: "if f panics, Do considers it to have returned; future calls of Do
// return without calling f."
TEST(Once, PanicCountsAsDone) {
  go::once once;
  int second_runs = 0;
  std::string msg;
  go::run([&]() -> go::task<> {
    try {
      co_await once.call([] { go::panic("first"); });
    } catch (go::panic_error& e) {
      msg = e.what();
    }
    co_await once.call([&] { ++second_runs; });
  });
  EXPECT_EQ(msg, "first");
  EXPECT_EQ(second_runs, 0);
}

// ---------------------------------------------------------------------------
// cond
// ---------------------------------------------------------------------------

// Waiters block in c.wait() until there is a token; each counts how often
// wait() returned.
struct CondFixture {
  go::mutex mu;
  go::cond c{&mu};
  int tokens = 0;          // guarded by mu
  int waiting = 0;         // guarded by mu: goroutines inside wait()
  int consumed = 0;        // guarded by mu
  std::atomic<int> wakeups{0};

  go::task<> waiter() {
    co_await mu.lock();
    while (tokens == 0) {
      ++waiting;
      co_await c.wait();
      --waiting;
      wakeups.fetch_add(1);
    }
    --tokens;
    ++consumed;
    mu.unlock();
  }

  go::task<int> count_waiting() {
    co_await mu.lock();
    int n = waiting;
    mu.unlock();
    co_return n;
  }
};

TEST(Cond, SignalWakesOneBroadcastWakesAll) {
  CondFixture f;
  int wakeups_after_signal = -1, consumed_after_signal = -1, still_waiting = -1;
  go::run(
      [&]() -> go::task<> {
        go::wait_group wg;
        wg.add(3);
        for (int i = 0; i < 3; ++i)
          go::spawn([&]() -> go::task<> {
            co_await f.waiter();
            wg.done();
          });
        for (int spins = 0; spins < 3000 && co_await f.count_waiting() != 3; ++spins)
          co_await go::sleep(1ms);
        co_await f.mu.lock();
        f.tokens = 1;
        f.c.signal();
        f.mu.unlock();
        co_await eventually([&] { return f.wakeups.load() >= 1; });
        co_await go::sleep(20ms);  // time for a wrongly woken second waiter to show up
        wakeups_after_signal = f.wakeups.load();
        co_await f.mu.lock();
        consumed_after_signal = f.consumed;
        still_waiting = f.waiting;
        f.tokens = 2;
        f.c.broadcast();
        f.mu.unlock();
        co_await wg.wait();
      },
      go::config{.maxprocs = 2});
  EXPECT_EQ(wakeups_after_signal, 1);
  EXPECT_EQ(consumed_after_signal, 1);
  EXPECT_EQ(still_waiting, 2);
  EXPECT_EQ(f.wakeups.load(), 3);
  EXPECT_EQ(f.consumed, 3);
}

TEST(Cond, WaitReleasesAndReacquiresMutex) {
  go::mutex mu;
  go::cond c(&mu);
  bool main_could_lock = false, held_after_wait = false;
  go::run(
      [&]() -> go::task<> {
        auto done = go::make_chan<go::unit>();
        bool ready = false;
        go::spawn([&, done]() -> go::task<> {
          co_await mu.lock();
          while (!ready) co_await c.wait();
          held_after_wait = !mu.try_lock();  // wait() returned with mu held
          mu.unlock();
          done.close();
        });
        co_await go::sleep(5ms);
        // The waiter released mu inside wait(), so main can take it.
        co_await mu.lock();
        main_could_lock = true;
        ready = true;
        c.signal();
        mu.unlock();
        co_await done.recv();
      },
      go::config{.maxprocs = 2});
  EXPECT_TRUE(main_could_lock);
  EXPECT_TRUE(held_after_wait);
}

TEST(Cond, SignalWithoutWaitersIsNotRemembered) {
  go::mutex mu;
  go::cond c(&mu);
  std::atomic<bool> woke{false};
  bool woke_early = true;
  go::run(
      [&]() -> go::task<> {
        c.signal();     // nobody waits: lost, as in Go
        c.broadcast();
        bool in_wait = false;  // guarded by mu
        auto done = go::make_chan<go::unit>();
        go::spawn([&, done]() -> go::task<> {
          co_await mu.lock();
          in_wait = true;
          co_await c.wait();  // no predicate loop: Go's Cond has no spurious wake-ups
          woke = true;
          mu.unlock();
          done.close();
        });
        for (;;) {
          co_await mu.lock();
          bool w = in_wait;
          mu.unlock();
          if (w) break;
          co_await go::sleep(1ms);
        }
        co_await go::sleep(20ms);
        woke_early = woke.load();
        co_await mu.lock();
        c.signal();
        mu.unlock();
        co_await done.recv();
      },
      go::config{.maxprocs = 2});
  EXPECT_FALSE(woke_early);
  EXPECT_TRUE(woke.load());
}

}  // namespace
