// Helpers shared by the collector's suites (gc_test.cpp, gc_torture_test.cpp,
// gc_fake_stack_test.cpp, gc_oom_test.cpp).
//
// The collector scans goroutine frames and thread stacks conservatively: a
// stale copy of a pointer in a dead stack slot or register can keep an
// object alive. The tests that count frees therefore create their garbage in
// separate noinline functions and call scrub_stack() (which overwrites the
// dead part of the stack below the caller) right before go::gc().
#pragma once

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mutex>

#include "sched_test_support.hpp"

#define GOTEST_NOINLINE __attribute__((noinline))

namespace gctest {
// Whether an object dropped by a sleeping thread must be freed by the next
// collection. The collector scans a stopped thread's registers and stack
// conservatively; under ThreadSanitizer's code generation a stale copy of
// the pointer is sometimes left in a callee-saved register of the sleeping
// thread, which keeps the object alive (never the opposite). Such tests then
// check only that the object was not freed early.
#if defined(__SANITIZE_THREAD__)
inline constexpr bool exact_free_of_sleeping_threads = false;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool exact_free_of_sleeping_threads = false;
#else
inline constexpr bool exact_free_of_sleeping_threads = true;
#endif
#else
inline constexpr bool exact_free_of_sleeping_threads = true;
#endif
}  // namespace gctest

// The scrubber's buffer must be on the real stack, not in ASan's fake stack.
#if defined(__clang__)
#define GOTEST_NO_ASAN __attribute__((no_sanitize("address")))
#else
#define GOTEST_NO_ASAN __attribute__((no_sanitize_address))
#endif

namespace gctest {

// Overwrites 128 KiB of the stack below the caller's frame (where the
// garbage-making functions ran), and leaves the scratch registers holding
// zeros and small integers.
GOTEST_NOINLINE GOTEST_NO_ASAN inline void scrub_stack() {
  volatile unsigned char buf[128 * 1024];
  for (std::size_t i = 0; i < sizeof buf; ++i) buf[i] = 0;
  asm volatile("" ::: "memory");
}

// Keeps the compiler from dropping or folding a value.
template <class T>
inline void keep(T const& v) {
  asm volatile("" : : "r,m"(v) : "memory");
}

inline std::int64_t live_objects() {
  auto s = go::mem_stats();
  return static_cast<std::int64_t>(s.mallocs) - static_cast<std::int64_t>(s.frees);
}

// A full collection with a clean stack below the caller.
GOTEST_NOINLINE inline void collect() {
  scrub_stack();
  go::gc();
}

// ---------------------------------------------------------------------------
// Objects the tests allocate
// ---------------------------------------------------------------------------

inline constexpr std::uint64_t kMagic = 0x600dcafe5eedf00dULL;
inline constexpr std::uint64_t kDead = 0xdeaddeaddeaddeadULL;

// An object with a canary and a destructor that counts itself and kills the
// canary: a collected-and-reused object shows up as a bad canary, a
// premature collection as a destructor count.
struct Tracked {
  std::uint64_t canary = kMagic;
  std::uint64_t payload = 0;
  std::atomic<int>* dtors = nullptr;  // not GC memory
  Tracked() = default;
  Tracked(std::uint64_t p, std::atomic<int>* d) : payload(p), dtors(d) {}
  Tracked(const Tracked&) = delete;
  ~Tracked() {
    canary = kDead;
    if (dtors) dtors->fetch_add(1, std::memory_order_relaxed);
  }
  bool ok(std::uint64_t expected_payload) const { return canary == kMagic && payload == expected_payload; }
};

// A destructor counter that lives as long as the process. Counters must not
// live on a test's stack: an object a test failed to free is destroyed in a
// later test, and would count into whatever now occupies that stack slot.
inline std::atomic<int>& fresh_counter() {
  static std::mutex mu;
  static std::deque<std::atomic<int>> all;
  std::lock_guard<std::mutex> l(mu);
  return all.emplace_back(0);
}

// Makes a Tracked whose only reference is the returned ptr.
GOTEST_NOINLINE inline go::ptr<Tracked> make_tracked(std::uint64_t payload, std::atomic<int>* dtors) {
  return go::new_<Tracked>(payload, dtors);
}

// Makes a Tracked and returns only its address: the go::ptr is gone when this
// returns.
GOTEST_NOINLINE inline Tracked* make_tracked_raw(std::uint64_t payload, std::atomic<int>* dtors) {
  go::ptr<Tracked> p = go::new_<Tracked>(payload, dtors);
  return p.get();
}

// Restores the pacer and the memory limit when a test ends.
class gc_settings_guard {
 public:
  gc_settings_guard() : percent_(go::set_gc_percent(100)), limit_(go::set_memory_limit(-1)) {
    go::set_gc_percent(percent_);
  }
  ~gc_settings_guard() {
    go::set_gc_percent(percent_);
    go::set_memory_limit(limit_);
  }
  gc_settings_guard(const gc_settings_guard&) = delete;

 private:
  std::int64_t percent_;
  std::int64_t limit_;
};

// Switches the pacer off for a test (only go::gc() collects).
class pacer_off {
 public:
  pacer_off() : prev_(go::set_gc_percent(-1)) {}
  ~pacer_off() { go::set_gc_percent(prev_); }
  pacer_off(const pacer_off&) = delete;
  pacer_off& operator=(const pacer_off&) = delete;

 private:
  std::int64_t prev_;
};

}  // namespace gctest
