// The collector's thread registry, stop-the-world and stack scanning
// (runtime/src/gc_threads.cpp).
#include "../../runtime/src/gc/gc_threads.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "stderr_matcher.hpp"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GCT_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define GCT_TSAN 1
#endif
#endif

#ifdef GCT_ASAN
#include <sanitizer/asan_interface.h>
// Locals go to ASan's fake stack in this executable (scripts/test.sh sets the
// same option for every test), so scanning must find them there.
extern "C" __attribute__((visibility("default"), used)) const char* __asan_default_options() {
  return "detect_stack_use_after_return=1";
}
#endif

namespace {

using go::detail::gc_enter_blocking;
using go::detail::gc_leave_blocking;
using go::detail::gc_register_thread;
using go::detail::on_current_stack;
using go::detail::registered_thread_count;
using go::detail::scan_thread_stacks;
using go::detail::start_the_world;
using go::detail::stop_the_world;
using gocxx_test::StderrHas;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Waits without allocating (the world may be stopped).
void busy_wait_ns(std::int64_t ns) {
  const std::int64_t until = now_ns() + ns;
  while (now_ns() < until) {
  }
}

// Looks for a sentinel without ever materializing it in the scanning thread:
// the test holds only its complement, and a word matches when word ^ inverse
// is all ones. Otherwise the scanner's own stack could hold the sentinel.
struct sentinel_search {
  std::uintptr_t inverse;
  int hits = 0;
};
void find_sentinel(std::uintptr_t word, void* ctx) {
  auto* s = static_cast<sentinel_search*>(ctx);
  if ((word ^ s->inverse) + 1 == 0) ++s->hits;
}

int count_sentinel(std::uintptr_t inverse) {
  sentinel_search s{inverse};
  stop_the_world();
  scan_thread_stacks(find_sentinel, &s);
  start_the_world();
  return s.hits;
}

// A fresh value per test, so that no stale copy of an earlier one matches.
std::uintptr_t fresh_inverse() {
  static std::atomic<std::uintptr_t> n{0};
  return ~(0x5eed'0000'0000'0000ull + (static_cast<std::uintptr_t>(now_ns()) << 8) + n.fetch_add(1));
}

TEST(GcThreads, OnCurrentStack) {
  int local = 0;
  EXPECT_TRUE(on_current_stack(&local));
  auto heap = std::make_unique<int>(0);
  EXPECT_FALSE(on_current_stack(heap.get()));
  static int global = 0;
  EXPECT_FALSE(on_current_stack(&global));

  std::atomic<const int*> other{nullptr};
  std::atomic<bool> done{false};
  std::thread t([&] {
    int theirs = 0;
    EXPECT_TRUE(on_current_stack(&theirs));
    other.store(&theirs);
    while (!done.load()) std::this_thread::yield();
  });
  while (!other.load()) std::this_thread::yield();
  EXPECT_FALSE(on_current_stack(other.load()));
  done.store(true);
  t.join();

  auto b = go::detail::current_stack_bounds();
  EXPECT_LT(b.lo, b.hi);
  EXPECT_TRUE(on_current_stack(reinterpret_cast<const void*>(b.hi - 1)));
  EXPECT_FALSE(on_current_stack(reinterpret_cast<const void*>(b.hi)));
}

TEST(GcThreads, RegisterIsIdempotentAndUndoneAtExit) {
  const int before = registered_thread_count();
  std::thread t([&] {
    gc_register_thread();
    gc_register_thread();
    EXPECT_EQ(registered_thread_count(), before + 1);
  });
  t.join();
  EXPECT_EQ(registered_thread_count(), before);
}

// Only signals queued by stop_the_world stop a thread: a SIGPWR from
// elsewhere (raise, kill) goes to the handler installed before ours (here
// SIG_DFL, which would kill the process: ours drops it instead).
TEST(GcThreads, ForeignStopSignalIsIgnored) {
  gc_register_thread();
  ASSERT_EQ(raise(SIGPWR), 0);
  ASSERT_EQ(kill(getpid(), SIGPWR), 0);
  busy_wait_ns(1'000'000);
  stop_the_world();
  start_the_world();
  SUCCEED();
}

// --- Stop and start ---

// Misuse of the stop protocol is a fatal error: Go's form, exit status 2.
TEST(GcThreads, StartWithoutStopIsFatal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(start_the_world(), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)fatal error: gc: start_the_world without stop_the_world\n", 1}}));
}

TEST(GcThreads, ScanOutsideAStopIsFatal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(scan_thread_stacks([](std::uintptr_t, void*) {}, nullptr), testing::ExitedWithCode(2),
              StderrHas({{"(^|\n)fatal error: gc: scan_thread_stacks outside stop_the_world/start_the_world\n", 1}}));
}

struct worker_counters {
  static constexpr int kSpinners = 4, kWaiters = 4, kSleepers = 2;
  static constexpr int kThreads = kSpinners + kWaiters + kSleepers;
  struct alignas(64) counter {
    std::atomic<std::uint64_t> n{0};
  };
  counter c[kThreads];
  std::atomic<bool> quit{false};
  std::atomic<int> registered{0};
  std::mutex mu;
  std::condition_variable cv;
  std::uint64_t ticket = 0;  // guarded by mu
};

std::vector<std::thread> start_workers(worker_counters& w) {
  std::vector<std::thread> ts;
  int i = 0;
  for (int k = 0; k < worker_counters::kSpinners; ++k, ++i)
    ts.emplace_back([&w, i] {
      gc_register_thread();
      w.registered.fetch_add(1);
      while (!w.quit.load(std::memory_order_relaxed)) w.c[i].n.fetch_add(1, std::memory_order_relaxed);
    });
  for (int k = 0; k < worker_counters::kWaiters; ++k, ++i)
    ts.emplace_back([&w, i] {
      gc_register_thread();
      w.registered.fetch_add(1);
      std::unique_lock lk(w.mu);
      std::uint64_t seen = w.ticket;
      while (!w.quit.load()) {
        w.cv.wait(lk, [&] { return w.ticket != seen || w.quit.load(); });
        seen = w.ticket;
        w.c[i].n.fetch_add(1, std::memory_order_relaxed);
      }
    });
  for (int k = 0; k < worker_counters::kSleepers; ++k, ++i)
    ts.emplace_back([&w, i] {
      gc_register_thread();
      w.registered.fetch_add(1);
      while (!w.quit.load(std::memory_order_relaxed)) {
        // Interrupted by the stop signal it returns early with EINTR, like
        // runq::wait_while_next_is; this loop does not care.
        struct timespec ts{0, 100'000};
        nanosleep(&ts, nullptr);
        w.c[i].n.fetch_add(1, std::memory_order_relaxed);
      }
    });
  while (w.registered.load() < worker_counters::kThreads) std::this_thread::yield();
  return ts;
}

void stop_workers(worker_counters& w, std::vector<std::thread>& ts) {
  {
    std::lock_guard lk(w.mu);
    w.quit.store(true);
  }
  w.cv.notify_all();
  for (auto& t : ts) t.join();
}

struct latency_stats {
  std::vector<std::int64_t> ns;
  void print(const char* what) {
    std::sort(ns.begin(), ns.end());
    auto at = [&](double q) { return ns[static_cast<std::size_t>(q * static_cast<double>(ns.size() - 1))] / 1000.0; };
    std::printf("  %-34s min %7.1f us  median %7.1f us  p90 %7.1f us  max %8.1f us  (n=%zu)\n", what, at(0), at(0.5),
                at(0.9), at(1), ns.size());
  }
};

TEST(GcThreads, StopStartSpinnersWaitersSleepers) {
  gc_register_thread();  // the stopper is registered too: it must skip itself
  worker_counters w;
  auto ts = start_workers(w);
  EXPECT_EQ(registered_thread_count(), worker_counters::kThreads + 1);

  constexpr int kRounds = 200;
  latency_stats stop_lat, start_lat;
  stop_lat.ns.reserve(kRounds);
  start_lat.ns.reserve(kRounds);
  int moved_while_stopped = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::uint64_t before[worker_counters::kThreads];
    std::int64_t t0 = now_ns();
    stop_the_world();
    std::int64_t t1 = now_ns();
    // Stopped: no counter moves, however long we look.
    for (int i = 0; i < worker_counters::kThreads; ++i) before[i] = w.c[i].n.load();
    busy_wait_ns(50'000);
    for (int i = 0; i < worker_counters::kThreads; ++i)
      if (w.c[i].n.load() != before[i]) ++moved_while_stopped;
    std::int64_t t2 = now_ns();
    start_the_world();
    std::int64_t t3 = now_ns();
    stop_lat.ns.push_back(t1 - t0);
    start_lat.ns.push_back(t3 - t2);

    // Started: every thread makes progress again.
    {
      std::lock_guard lk(w.mu);
      ++w.ticket;
    }
    w.cv.notify_all();
    const std::int64_t deadline = now_ns() + 10'000'000'000;
    for (int i = 0; i < worker_counters::kThreads; ++i) {
      while (w.c[i].n.load() == before[i] && now_ns() < deadline) std::this_thread::yield();
      ASSERT_NE(w.c[i].n.load(), before[i]) << "thread " << i << " made no progress after round " << round;
    }
  }
  EXPECT_EQ(moved_while_stopped, 0);
  stop_workers(w, ts);

  std::printf("stop/start of %d threads (4 spinning, 4 in condvar wait, 2 in nanosleep), %d rounds, %u CPUs:\n",
              worker_counters::kThreads, kRounds, std::thread::hardware_concurrency());
  stop_lat.print("stop_the_world");
  start_lat.print("start_the_world (return)");
}

// --- Scanning ---

// A thread holding the sentinel ~inverse in a local until released.
struct holder {
  std::uintptr_t inverse;
  std::atomic<bool> ready{false};
  std::atomic<bool> release{false};
  std::atomic<std::uint64_t> spins{0};
  std::atomic<bool> in_fake_stack{false};
};

[[gnu::noinline]] void hold_in_volatile_local(holder& h) {
  volatile std::uintptr_t v = ~h.inverse;
#ifdef GCT_ASAN
  void* beg;
  void* end;
  void* fs = __asan_get_current_fake_stack();
  h.in_fake_stack.store(fs && __asan_addr_is_in_fake_stack(fs, const_cast<std::uintptr_t*>(&v), &beg, &end));
#endif
  h.ready.store(true);
  while (!h.release.load(std::memory_order_acquire)) h.spins.fetch_add(1, std::memory_order_relaxed);
  (void)v;
}

// The sentinel is pinned in a register across the loop (the empty asm makes
// the compiler keep it in one); it reaches memory only when the stop signal
// saves the registers (or, under TSan, where the atomic's call spills it).
[[gnu::noinline]] std::uintptr_t hold_in_register(holder& h) {
  std::uintptr_t v = ~h.inverse;
  __asm__ __volatile__("" : "+r"(v));
  h.ready.store(true);
  while (!h.release.load(std::memory_order_acquire)) {
    h.spins.fetch_add(1, std::memory_order_relaxed);
    __asm__ __volatile__("" : "+r"(v));
  }
  return v ^ h.inverse;
}

template <class F>
int scan_for_sentinel_held_by(F hold, bool* in_fake_stack = nullptr) {
  holder h;
  h.inverse = fresh_inverse();
  std::thread t([&] {
    gc_register_thread();
    hold(h);
  });
  while (!h.ready.load()) std::this_thread::yield();
  int hits = count_sentinel(h.inverse);
  if (in_fake_stack) *in_fake_stack = h.in_fake_stack.load();
  h.release.store(true, std::memory_order_release);
  t.join();
  return hits;
}

TEST(GcThreads, ScanFindsVolatileLocalOfStoppedThread) {
  EXPECT_GE(scan_for_sentinel_held_by(hold_in_volatile_local), 1);
}

TEST(GcThreads, ScanFindsRegisterLocalOfStoppedThread) {
  EXPECT_GE(scan_for_sentinel_held_by(hold_in_register), 1);
}

// A thread blocked between gc_enter_blocking and gc_leave_blocking counts as
// stopped without a signal: the registers it recorded are scanned, and if it
// wakes while the world is stopped it waits in gc_leave_blocking until the
// world restarts.
[[gnu::noinline]] void block_holding_in_register(holder& h, std::mutex& mu, std::condition_variable& cv,
                                                 std::atomic<bool>& left) {
  std::uintptr_t v = ~h.inverse;
  __asm__ __volatile__("" : "+r"(v));
  gc_enter_blocking();
  {
    std::unique_lock lk(mu);
    h.ready.store(true);
    cv.wait(lk, [&] { return h.release.load(); });
  }
  gc_leave_blocking();
  left.store(true);
  __asm__ __volatile__("" : "+r"(v));
  h.spins.store(v ^ h.inverse);
}

TEST(GcThreads, ThreadInABlockingCallIsScannedAndWaitsToLeave) {
  holder h;
  h.inverse = fresh_inverse();
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<bool> left{false};
  std::thread t([&] {
    gc_register_thread();
    block_holding_in_register(h, mu, cv, left);
  });
  while (!h.ready.load()) std::this_thread::yield();
  {
    std::lock_guard lk(mu);  // the waiter is inside cv.wait now
  }
  sentinel_search found{h.inverse};
  stop_the_world();
  scan_thread_stacks(find_sentinel, &found);
  {
    std::lock_guard lk(mu);
    h.release.store(true);
  }
  cv.notify_all();
  busy_wait_ns(20'000'000);
  const bool left_while_stopped = left.load();
  start_the_world();
  t.join();
  EXPECT_GE(found.hits, 1) << "the registers recorded on entering the blocking call were not scanned";
  EXPECT_FALSE(left_while_stopped) << "the thread left its blocking call while the world was stopped";
  EXPECT_TRUE(left.load());
  EXPECT_EQ(h.spins.load(), ~std::uint64_t(0));
}

TEST(GcThreads, ScanDoesNotFindAbsentSentinel) { EXPECT_EQ(count_sentinel(fresh_inverse()), 0); }

TEST(GcThreads, ScanFindsOwnStack) {
  const std::uintptr_t inverse = fresh_inverse();
  volatile std::uintptr_t mine = ~inverse;
  EXPECT_GE(count_sentinel(inverse), 1);
  (void)mine;
}

TEST(GcThreads, ScanFindsLocalInAsanFakeStack) {
#ifndef GCT_ASAN
  GTEST_SKIP() << "AddressSanitizer only";
#else
  bool in_fake_stack = false;
  int hits = scan_for_sentinel_held_by(hold_in_volatile_local, &in_fake_stack);
  if (!in_fake_stack) GTEST_SKIP() << "the local is not in a fake frame (detect_stack_use_after_return=0?)";
  EXPECT_GE(hits, 1);
  // And on_current_stack counts fake frames as the stack.
  volatile int local = 0;
  EXPECT_TRUE(on_current_stack(const_cast<int*>(&local)));
#endif
}

// --- Churn: threads registering and exiting while the world stops and starts ---

void count_words(std::uintptr_t, void* ctx) { ++*static_cast<std::uint64_t*>(ctx); }

TEST(GcThreads, ChurnRegisterExitDuringStops) {
  const int before = registered_thread_count();
  std::atomic<bool> quit{false};
  std::atomic<std::uint64_t> stops{0}, spawned{0};

  // Two stoppers, so concurrent stop_the_world calls are exercised too. One
  // is registered (it can be stopped by the other while waiting for the
  // registry), the other is not.
  auto stopper = [&](bool registered) {
    if (registered) gc_register_thread();
    std::uint64_t words = 0;
    while (!quit.load()) {
      stop_the_world();
      scan_thread_stacks(count_words, &words);
      start_the_world();
      stops.fetch_add(1);
      // A mutator phase between stops, as a collector would have (on a
      // 2-CPU machine back-to-back stops would starve everyone else).
      struct timespec gap{0, 100'000};
      nanosleep(&gap, nullptr);
    }
    EXPECT_GT(words, 0u);
  };
  std::thread s1(stopper, true), s2(stopper, false);

  // Long-lived registered threads in a condvar wait and in nanosleep.
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::thread> steady;
  for (int i = 0; i < 2; ++i)
    steady.emplace_back([&] {
      gc_register_thread();
      std::unique_lock lk(mu);
      while (!quit.load()) cv.wait_for(lk, std::chrono::milliseconds(1));
    });
  steady.emplace_back([&] {
    gc_register_thread();
    while (!quit.load()) {
      struct timespec ts{0, 50'000};
      nanosleep(&ts, nullptr);
    }
  });

  // Short-lived threads: register, do a little, exit (unregistering).
  std::thread spawner([&] {
    gc_register_thread();
    while (!quit.load()) {
      std::thread batch[4];
      for (int i = 0; i < 4; ++i)
        batch[i] = std::thread([i] {
          if (i != 3) gc_register_thread();  // one unregistered thread per batch
          std::atomic<int> x{0};
          for (int k = 0; k < 1000 * (i + 1); ++k) x.fetch_add(1);
          if (i == 2) std::this_thread::sleep_for(std::chrono::microseconds(100));
        });
      for (auto& t : batch) t.join();
      spawned.fetch_add(4);
    }
  });

  const std::int64_t until = now_ns() + 2'000'000'000;
  while (now_ns() < until) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  quit.store(true);
  cv.notify_all();
  const std::int64_t quit_at = now_ns();
  spawner.join();
  for (auto& t : steady) t.join();
  s1.join();
  s2.join();
  std::printf("churn: %llu stops, %llu threads spawned in 2 s; shutdown took %.1f ms\n",
              static_cast<unsigned long long>(stops.load()), static_cast<unsigned long long>(spawned.load()),
              static_cast<double>(now_ns() - quit_at) / 1e6);
  EXPECT_GT(stops.load(), 10u);
  EXPECT_GT(spawned.load(), 10u);
  // s1 and the spawner were registered and have exited.
  EXPECT_EQ(registered_thread_count(), before);
}

}  // namespace
