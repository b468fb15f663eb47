// Tests for the memory limit (go::set_memory_limit, GOMEMLIMIT) and for
// running out of memory, plus the settings that come from the environment
// (GOGC, GOMEMLIMIT) and from go::config.
//
// Near the limit the collector runs more often and keeps the heap near the
// limit; an allocation that cannot be satisfied even after a full collection
// ends the process with "fatal error: out of memory" and the heap figures on
// stderr, exit status 2 (never a silent kill). Those scenarios run in child
// processes (threadsafe death tests re-execute the binary; the environment
// is inherited), each with an alarm so that a collector that spins instead of
// failing shows up as a signal rather than a hang.

#include "gc_test_support.hpp"

#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "stderr_matcher.hpp"

using namespace std::chrono_literals;
using gocxx_test::StderrHas;

namespace {

constexpr std::int64_t MiB = 1 << 20;

struct Chunk64K {
  std::uint64_t w[8192];
};
struct Chunk4K {
  std::uint64_t w[512];
};
struct Huge64M {
  std::uint64_t w[8 << 20];
};
// A pointerful node of 1 KiB.
struct KNode {
  go::ptr<KNode> next;
  std::uint64_t w[127];
};

}  // namespace

template <>
struct go::pointer_free<Chunk64K> : std::true_type {};
template <>
struct go::pointer_free<Chunk4K> : std::true_type {};
template <>
struct go::pointer_free<Huge64M> : std::true_type {};

namespace {

constexpr const char* kOom = "fatal error: out of memory";

// ---------------------------------------------------------------------------
// Scenarios (child processes)
// ---------------------------------------------------------------------------

// Keeps 64 MiB live (pointer-free 64 KiB chunks) under a 32 MiB limit.
void scenario_keep_64m_of_chunks() {
  alarm(60);
  int rc = go::run(
      []() -> go::task<> {
        go::set_memory_limit(32 * MiB);
        auto keep = std::make_unique<std::vector<go::ptr<Chunk64K>>>();
        for (int i = 0; i < 1024; ++i) keep->push_back(go::new_<Chunk64K>());
        std::fprintf(stderr, "survived with %zu chunks live\n", keep->size());
        co_return;
      },
      go::config{.maxprocs = 2});
  std::_Exit(rc);
}

// Keeps 64 MiB live as a linked list of 1 KiB scanned nodes.
void scenario_keep_64m_of_list() {
  alarm(60);
  int rc = go::run(
      []() -> go::task<> {
        go::set_memory_limit(32 * MiB);
        auto head = std::make_unique<go::ptr<KNode>>();
        for (int i = 0; i < 64 * 1024; ++i) {
          go::ptr<KNode> n = go::new_<KNode>();
          n->next = *head;
          *head = n;
        }
        std::fprintf(stderr, "survived with the list live\n");
        co_return;
      },
      go::config{.maxprocs = 2});
  std::_Exit(rc);
}

// One object larger than the limit.
void scenario_one_huge_object() {
  alarm(60);
  int rc = go::run(
      []() -> go::task<> {
        go::set_memory_limit(32 * MiB);
        go::ptr<Huge64M> h = go::new_<Huge64M>();
        std::fprintf(stderr, "survived with %p\n", static_cast<void*>(h.get()));
        co_return;
      },
      go::config{.maxprocs = 1});
  std::_Exit(rc);
}

// The limit from go::config (not set_memory_limit).
void scenario_config_limit_oom() {
  alarm(60);
  int rc = go::run(
      []() -> go::task<> {
        auto keep = std::make_unique<std::vector<go::ptr<Chunk64K>>>();
        for (int i = 0; i < 1024; ++i) keep->push_back(go::new_<Chunk64K>());
        co_return;
      },
      go::config{.maxprocs = 2, .memory_limit = 32 * MiB});
  std::_Exit(rc);
}

// The limit from GOMEMLIMIT (set by the test before the child starts).
void scenario_env_limit_oom() {
  alarm(60);
  int rc = go::run(
      []() -> go::task<> {
        auto keep = std::make_unique<std::vector<go::ptr<Chunk64K>>>();
        for (int i = 0; i < 1024; ++i) keep->push_back(go::new_<Chunk64K>());
        co_return;
      },
      go::config{.maxprocs = 2});
  std::_Exit(rc);
}

// Under the limit: 12 MiB live and 256 MiB of garbage in 32 MiB must not fail.
void scenario_under_the_limit() {
  alarm(120);
  int rc = go::run(
      []() -> go::task<> {
        go::set_memory_limit(32 * MiB);
        auto keep = std::make_unique<std::vector<go::ptr<Chunk64K>>>();
        for (int i = 0; i < 192; ++i) keep->push_back(go::new_<Chunk64K>());
        for (int i = 0; i < 64 * 1024; ++i) go::new_<Chunk4K>();
        for (int i = 0; i < 4096; ++i) go::new_<KNode>();
        if (go::mem_stats().num_gc == 0) std::_Exit(3);
        co_return;
      },
      go::config{.maxprocs = 2});
  std::_Exit(rc);
}

// The same with the pacer off: the limit alone drives the collector.
void scenario_under_the_limit_gogc_off() {
  alarm(120);
  int rc = go::run(
      []() -> go::task<> {
        go::set_gc_percent(-1);
        go::set_memory_limit(32 * MiB);
        auto keep = std::make_unique<std::vector<go::ptr<Chunk64K>>>();
        for (int i = 0; i < 192; ++i) keep->push_back(go::new_<Chunk64K>());
        for (int i = 0; i < 64 * 1024; ++i) go::new_<Chunk4K>();
        if (go::mem_stats().num_gc == 0) std::_Exit(3);
        co_return;
      },
      go::config{.maxprocs = 2});
  std::_Exit(rc);
}

// Settings from the environment, read before anything else touches the heap.
void scenario_env_settings(std::int64_t want_percent, std::int64_t want_limit) {
  auto s = go::mem_stats();
  if (s.gc_percent != want_percent) {
    std::fprintf(stderr, "gc_percent %lld, want %lld\n", static_cast<long long>(s.gc_percent),
                 static_cast<long long>(want_percent));
    std::_Exit(3);
  }
  if (s.memory_limit != want_limit) {
    std::fprintf(stderr, "memory_limit %lld, want %lld\n", static_cast<long long>(s.memory_limit),
                 static_cast<long long>(want_limit));
    std::_Exit(4);
  }
  if (go::set_memory_limit(-1) != want_limit) std::_Exit(5);
  std::_Exit(0);
}

// GOGC=off: no pacer cycles however much garbage is made.
void scenario_env_gogc_off_no_cycles() {
  alarm(60);
  int rc = go::run(
      []() -> go::task<> {
        std::uint32_t n0 = go::mem_stats().num_gc;
        for (int i = 0; i < 16 * 1024; ++i) go::new_<Chunk4K>();  // 64 MiB
        co_await go::sleep(20ms);
        auto s = go::mem_stats();
        if (s.num_gc != n0) {
          std::fprintf(stderr, "num_gc went from %u to %u with GOGC=off (gc_percent %lld, next_gc %llu)\n", n0,
                       s.num_gc, static_cast<long long>(s.gc_percent), static_cast<unsigned long long>(s.next_gc));
          std::_Exit(3);
        }
        go::gc();
        if (go::mem_stats().num_gc != n0 + 1) std::_Exit(4);
      },
      go::config{.maxprocs = 2});
  std::_Exit(rc);
}

// go::config's settings override the environment.
void scenario_config_settings() {
  int rc = go::run(
      []() -> go::task<> {
        auto s = go::mem_stats();
        if (s.gc_percent != 42 || s.memory_limit != 96 * MiB) {
          std::fprintf(stderr, "gc_percent %lld (want 42), memory_limit %lld (want %lld)\n",
                       static_cast<long long>(s.gc_percent), static_cast<long long>(s.memory_limit),
                       static_cast<long long>(96 * MiB));
          std::_Exit(3);
        }
        co_return;
      },
      go::config{.maxprocs = 1, .gc_percent = 42, .memory_limit = 96 * MiB});
  std::_Exit(rc);
}

class GcOom : public ::testing::Test {
 protected:
  void SetUp() override {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    unsetenv("GOGC");
    unsetenv("GOMEMLIMIT");
  }
  void TearDown() override {
    unsetenv("GOGC");
    unsetenv("GOMEMLIMIT");
  }
};

auto oom_report() {
  return StderrHas({{kOom, 1},
                    // the heap figures: at least one number on a line naming the heap or the limit
                    {"(heap|limit)[^\n]*[0-9]+"},
                    {"survived", 0},
                    {"deadlock", 0}});
}

// ---------------------------------------------------------------------------
// Out of memory
// ---------------------------------------------------------------------------

TEST_F(GcOom, KeepingTwiceTheLimitLiveEndsTheProcess) {
  EXPECT_EXIT(scenario_keep_64m_of_chunks(), testing::ExitedWithCode(2), oom_report());
}

TEST_F(GcOom, KeepingTwiceTheLimitLiveInAListEndsTheProcess) {
  EXPECT_EXIT(scenario_keep_64m_of_list(), testing::ExitedWithCode(2), oom_report());
}

TEST_F(GcOom, AnObjectLargerThanTheLimitEndsTheProcess) {
  EXPECT_EXIT(scenario_one_huge_object(), testing::ExitedWithCode(2), oom_report());
}

TEST_F(GcOom, LimitFromConfig) {
  EXPECT_EXIT(scenario_config_limit_oom(), testing::ExitedWithCode(2), oom_report());
}

TEST_F(GcOom, LimitFromGOMEMLIMIT) {
  setenv("GOMEMLIMIT", "32MiB", 1);
  EXPECT_EXIT(scenario_env_limit_oom(), testing::ExitedWithCode(2), oom_report());
}

TEST_F(GcOom, GarbageUnderTheLimitIsNoOutOfMemory) {
  EXPECT_EXIT(scenario_under_the_limit(), testing::ExitedWithCode(0), StderrHas({{"fatal error", 0}}));
}

TEST_F(GcOom, TheLimitAppliesWithGogcOff) {
  EXPECT_EXIT(scenario_under_the_limit_gogc_off(), testing::ExitedWithCode(0), StderrHas({{"fatal error", 0}}));
}

// ---------------------------------------------------------------------------
// Settings from the environment and from go::config
// ---------------------------------------------------------------------------

TEST_F(GcOom, DefaultsWithoutEnvironment) {
  EXPECT_EXIT(scenario_env_settings(100, INT64_MAX), testing::ExitedWithCode(0), StderrHas({{"fatal", 0}}));
}

TEST_F(GcOom, GOGCNumber) {
  setenv("GOGC", "25", 1);
  EXPECT_EXIT(scenario_env_settings(25, INT64_MAX), testing::ExitedWithCode(0), StderrHas({{"fatal", 0}}));
}

TEST_F(GcOom, GOGCOffAndGOMEMLIMITWithSuffix) {
  setenv("GOGC", "off", 1);
  setenv("GOMEMLIMIT", "48MiB", 1);
  EXPECT_EXIT(scenario_env_settings(-1, 48 * MiB), testing::ExitedWithCode(0), StderrHas({{"fatal", 0}}));
}

TEST_F(GcOom, GOMEMLIMITInBytes) {
  setenv("GOMEMLIMIT", "123456789", 1);
  EXPECT_EXIT(scenario_env_settings(100, 123456789), testing::ExitedWithCode(0), StderrHas({{"fatal", 0}}));
}

TEST_F(GcOom, GOGCOffMeansNoPacerCycles) {
  setenv("GOGC", "off", 1);
  EXPECT_EXIT(scenario_env_gogc_off_no_cycles(), testing::ExitedWithCode(0), StderrHas({{"fatal", 0}}));
}

TEST_F(GcOom, ConfigSettingsOverrideTheEnvironment) {
  setenv("GOGC", "off", 1);
  setenv("GOMEMLIMIT", "1GiB", 1);
  EXPECT_EXIT(scenario_config_settings(), testing::ExitedWithCode(0), StderrHas({{"fatal", 0}}));
}

// ---------------------------------------------------------------------------
// Near the limit the collector works harder (in process)
// ---------------------------------------------------------------------------

struct churn_result {
  std::uint32_t cycles = 0;
  std::uint64_t peak_heap_alloc = 0;
  std::uint64_t peak_goal = 0;  // the largest next_gc seen
};

// Keeps `live` bytes live and allocates `garbage` bytes of 4 KiB garbage,
// sampling heap_alloc.
GOTEST_NOINLINE churn_result churn(std::size_t live, std::size_t garbage) {
  churn_result r;
  auto keep = std::make_unique<std::vector<go::ptr<Chunk64K>>>();
  const std::uint32_t n0 = go::mem_stats().num_gc;
  for (std::size_t b = 0; b < live; b += sizeof(Chunk64K)) keep->push_back(go::new_<Chunk64K>());
  std::size_t i = 0;
  for (std::size_t b = 0; b < garbage; b += sizeof(Chunk4K), ++i) {
    go::new_<Chunk4K>();
    if (i % 64 == 0) {
      const go::mem_stats_t st = go::mem_stats();
      r.peak_heap_alloc = std::max(r.peak_heap_alloc, st.heap_alloc);
      r.peak_goal = std::max(r.peak_goal, st.next_gc);
    }
  }
  r.cycles = go::mem_stats().num_gc - n0;
  keep.reset();
  return r;
}

TEST(GcMemoryLimit, TheCollectorWorksHarderNearTheLimit) {
  gctest::gc_settings_guard guard;
  const std::size_t live = 8 * MiB;
  const std::size_t garbage = static_cast<std::size_t>(gotest::scaled(256, 64)) * MiB;
  const std::int64_t limit = 12 * MiB;
  churn_result free_run, limited;
  int rc = go::run(
      [&]() -> go::task<> {
        go::set_gc_percent(100);
        go::set_memory_limit(INT64_MAX);
        go::gc();
        free_run = churn(live, garbage);
        go::gc();
        go::set_memory_limit(limit);
        limited = churn(live, garbage);
        go::set_memory_limit(INT64_MAX);
        co_return;
      },
      go::config{.maxprocs = 2});
  EXPECT_EQ(rc, 0);
  std::printf("[ stats    ] no limit: %u cycles, peak heap_alloc %.1f MiB; 12 MiB limit: %u cycles, peak %.1f MiB\n",
              free_run.cycles, static_cast<double>(free_run.peak_heap_alloc) / MiB, limited.cycles,
              static_cast<double>(limited.peak_heap_alloc) / MiB);
  EXPECT_GT(limited.cycles, free_run.cycles) << "the limit did not make the collector run more often";
  EXPECT_GT(free_run.peak_heap_alloc, static_cast<std::uint64_t>(limit)) << "the pacer alone lets the heap grow to ~2x live";
  EXPECT_LE(limited.peak_heap_alloc, static_cast<std::uint64_t>(limit) * 5 / 4)
      << "the heap went more than 25% over the memory limit";
}

// The pacer alone (gc_percent 100, no limit): the heap goal is twice the
// live heap, and assists keep an allocating goroutine from running far past
// it.
TEST(GcMemoryLimit, ThePacerKeepsTheHeapNearItsGoal) {
  gctest::gc_settings_guard guard;
  const std::size_t live = 16 * MiB;
  const std::size_t garbage = static_cast<std::size_t>(gotest::scaled(256, 64)) * MiB;
  churn_result r;
  int rc = go::run(
      [&]() -> go::task<> {
        go::set_gc_percent(100);
        go::set_memory_limit(INT64_MAX);
        go::gc();
        r = churn(live, garbage);
        co_return;
      },
      go::config{.maxprocs = 2});
  EXPECT_EQ(rc, 0);
  std::printf("[ stats    ] 16 MiB live, gc_percent 100: %u cycles, peak heap_alloc %.1f MiB\n", r.cycles,
              static_cast<double>(r.peak_heap_alloc) / MiB);
  EXPECT_GE(r.cycles, garbage / (2 * live)) << "about one cycle per 16 MiB allocated";
  // The goal is twice the heap the last cycle marked: slots and headers, and
  // the garbage allocated black while it marked (more on a loaded machine,
  // where cycles last longer, as in Go). So the overshoot is measured
  // against next_gc rather than against the nominal 16 MiB.
  EXPECT_GE(r.peak_goal, 2 * live) << "the goal is at least twice the live heap";
  EXPECT_LE(r.peak_heap_alloc, r.peak_goal * 3 / 2) << "the heap went more than 50% past the pacer's goal";
}

}  // namespace
