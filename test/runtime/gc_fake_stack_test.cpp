// Raw pointers and go::ptr locals on thread stacks are roots -- also under
// AddressSanitizer with detect_stack_use_after_return=1, where the locals
// whose address is taken live in ASan's "fake stack" (frames allocated from
// the ASan heap) rather than on the thread's stack. The option is on for this
// executable only (__asan_default_options below), so it does not change the
// other suites. Without ASan the same tests run on the real stack.

#include "gc_test_support.hpp"

#include <memory>
#include <thread>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GOTEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(GOTEST_ASAN)
#define GOTEST_ASAN 1
#endif

#ifdef GOTEST_ASAN
#include <sanitizer/asan_interface.h>
extern "C" const char* __asan_default_options() { return "detect_stack_use_after_return=1"; }
#endif

using namespace std::chrono_literals;
using gctest::collect;
using gctest::make_tracked;
using gctest::make_tracked_raw;
using gctest::Tracked;

namespace {

// True when p is in the calling thread's ASan fake stack (always false
// without ASan).
bool in_fake_stack(const void* p) {
#ifdef GOTEST_ASAN
  void* fs = __asan_get_current_fake_stack();
  return fs && __asan_addr_is_in_fake_stack(fs, const_cast<void*>(p), nullptr, nullptr);
#else
  (void)p;
  return false;
#endif
}

struct outcome {
  int survived = 0;
  int dtors_while_rooted = -1;
  int dtors_after = -1;
  bool slot_in_fake_stack = false;
};

using gctest::pacer_off;

// The raw pointer lives in an address-taken local (a fake-stack slot under
// ASan with detect_stack_use_after_return).
GOTEST_NOINLINE void raw_in_slot(std::atomic<int>& dtors, outcome* o) {
  Tracked* volatile slot = make_tracked_raw(51, &dtors);
  o->slot_in_fake_stack = in_fake_stack(const_cast<Tracked**>(&slot));
  for (int i = 0; i < 3; ++i) {
    collect();
    if (slot->ok(51)) ++o->survived;
  }
  o->dtors_while_rooted = dtors.load();
  slot = nullptr;
}

// A go::ptr local (its constructor takes its address: a fake-stack slot).
GOTEST_NOINLINE void ptr_local(std::atomic<int>& dtors, outcome* o) {
  go::ptr<Tracked> p = make_tracked(52, &dtors);
  o->slot_in_fake_stack = in_fake_stack(&p);
  for (int i = 0; i < 3; ++i) {
    collect();
    if (p->ok(52)) ++o->survived;
  }
  o->dtors_while_rooted = dtors.load();
}

// Several frames deep: the slot is in an outer frame, the collection in an
// inner one.
GOTEST_NOINLINE void deep_inner(int depth, Tracked* const volatile* slot, outcome* o) {
  volatile char pad[256];
  pad[0] = 0;
  if (depth > 0) {
    deep_inner(depth - 1, slot, o);
    return;
  }
  for (int i = 0; i < 3; ++i) {
    collect();
    if ((*slot)->ok(53)) ++o->survived;
  }
  (void)pad;
}

GOTEST_NOINLINE void raw_in_outer_frame(std::atomic<int>& dtors, outcome* o) {
  Tracked* volatile slot = make_tracked_raw(53, &dtors);
  o->slot_in_fake_stack = in_fake_stack(const_cast<Tracked**>(&slot));
  deep_inner(8, &slot, o);
  o->dtors_while_rooted = dtors.load();
  slot = nullptr;
}

using scenario = void (*)(std::atomic<int>&, outcome*);

// Runs the scenario in the main goroutine (on a worker thread).
outcome run_in_goroutine(scenario fn) {
  outcome o;
  std::atomic<int>& dtors = gctest::fresh_counter();
  int rc = go::run(
      [&]() -> go::task<> {
        fn(dtors, &o);
        collect();
        o.dtors_after = dtors.load();
        co_return;
      },
      go::config{.maxprocs = 1});
  EXPECT_EQ(rc, 0);
  return o;
}

void expect_rooted(const outcome& o, bool exact_free = true) {
  EXPECT_EQ(o.survived, 3) << "the object was not intact after every collection";
  EXPECT_EQ(o.dtors_while_rooted, 0) << "the object was collected while its only reference was on the stack";
  if (exact_free) EXPECT_EQ(o.dtors_after, 1) << "the object was not collected after the frame returned";
  else EXPECT_LE(o.dtors_after, 1);
#ifdef GOTEST_ASAN
  EXPECT_TRUE(o.slot_in_fake_stack) << "the scenario did not put the local in ASan's fake stack";
#endif
}

TEST(GcFakeStack, FakeStackIsActiveUnderAsan) {
#ifdef GOTEST_ASAN
  volatile int x = 0;
  EXPECT_NE(__asan_get_current_fake_stack(), nullptr);
  EXPECT_TRUE(in_fake_stack(const_cast<int*>(&x)));
#else
  GTEST_SKIP() << "not an ASan build";
#endif
}

TEST(GcFakeStack, RawPointerInAStackSlotOnAWorkerThread) {
  pacer_off off;
  expect_rooted(run_in_goroutine(&raw_in_slot));
}

TEST(GcFakeStack, PtrLocalOnAWorkerThread) {
  pacer_off off;
  expect_rooted(run_in_goroutine(&ptr_local));
}

TEST(GcFakeStack, RawPointerInAnOuterFrameOnAWorkerThread) {
  pacer_off off;
  expect_rooted(run_in_goroutine(&raw_in_outer_frame));
}

TEST(GcFakeStack, RawPointerInAStackSlotOnThePlainMainThread) {
  pacer_off off;
  outcome o;
  std::atomic<int>& dtors = gctest::fresh_counter();
  raw_in_slot(dtors, &o);
  collect();
  o.dtors_after = dtors.load();
  expect_rooted(o);
}

// A plain thread holds the raw pointer in a fake-stack slot and sleeps while
// a goroutine collects.
GOTEST_NOINLINE void sleeping_holder(std::atomic<int>* dtors, std::atomic<int>* phase, outcome* o) {
  Tracked* volatile slot = make_tracked_raw(54, dtors);
  o->slot_in_fake_stack = in_fake_stack(const_cast<Tracked**>(&slot));
  phase->store(1);
  while (phase->load() < 2) std::this_thread::sleep_for(1ms);
  if (slot->ok(54)) o->survived = 3;
  slot = nullptr;
}

TEST(GcFakeStack, RawPointerOnASleepingPlainThread) {
  pacer_off off;
  outcome o;
  std::atomic<int>& dtors = gctest::fresh_counter();
  std::atomic<int>& phase = gctest::fresh_counter();
  std::thread t([&] {
    sleeping_holder(&dtors, &phase, &o);
    gctest::scrub_stack();
    phase.store(3);
    while (phase.load() < 4) std::this_thread::sleep_for(1ms);
  });
  int rc = go::run(
      [&]() -> go::task<> {
        co_await gotest::eventually([&] { return phase.load() >= 1; });
        for (int i = 0; i < 3; ++i) collect();
        o.dtors_while_rooted = dtors.load();
        phase.store(2);
        co_await gotest::eventually([&] { return phase.load() >= 3; });
        collect();
        o.dtors_after = dtors.load();
        phase.store(4);
      },
      go::config{.maxprocs = 1});
  t.join();
  EXPECT_EQ(rc, 0);
  expect_rooted(o, gctest::exact_free_of_sleeping_threads);
}

}  // namespace
