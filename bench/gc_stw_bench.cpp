// The collector's stop-the-world alone (runtime/src/gc/gc_threads.cpp),
// the floor under every GC pause: how long stop_the_world takes until every
// other registered thread has stopped, and start_the_world until it returns,
// with 2 or 4 other threads that spin (running when signalled) or sleep in
// nanosleep (woken by the signal). No goroutines and no heap; no Go
// counterpart (Go's stops are cooperative, at safe points).
//
// One iteration is one stop and one start, 200 us apart so that the threads
// get back to what they were doing. The reported time is the stop alone
// (manual timing); the counters give the start's mean and the slowest stop.
// gc_threads_test.cpp checks that stops stop and starts restart.
#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "../runtime/src/gc/gc_threads.hpp"

namespace {

using go::detail::gc_register_thread;
using go::detail::start_the_world;
using go::detail::stop_the_world;
using clk = std::chrono::steady_clock;

// Registered threads that spin on an atomic, or sleep 1 ms at a time,
// until destroyed.
class other_threads {
 public:
  other_threads(int n, bool spinning) {
    for (int i = 0; i < n; ++i)
      threads_.emplace_back([this, spinning] {
        gc_register_thread();
        registered_.fetch_add(1);
        std::atomic<std::uint64_t> work{0};
        while (!quit_.load(std::memory_order_relaxed)) {
          if (spinning) {
            work.fetch_add(1, std::memory_order_relaxed);
          } else {
            struct timespec t{0, 1'000'000};
            nanosleep(&t, nullptr);
          }
        }
      });
    while (registered_.load() < n) std::this_thread::yield();
  }
  ~other_threads() {
    quit_.store(true);
    for (auto& t : threads_) t.join();
  }

 private:
  std::atomic<bool> quit_{false};
  std::atomic<int> registered_{0};
  std::vector<std::thread> threads_;
};

}  // namespace

static void BM_StopStartTheWorld(benchmark::State& state) {
  other_threads others(static_cast<int>(state.range(0)), state.range(1) != 0);
  clk::duration start_total{}, stop_max{};
  for (auto _ : state) {
    const auto t0 = clk::now();
    stop_the_world();
    const auto t1 = clk::now();
    start_the_world();
    const auto t2 = clk::now();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
    start_total += t2 - t1;
    stop_max = std::max(stop_max, t1 - t0);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  const auto ns = [](clk::duration d) { return static_cast<double>(std::chrono::nanoseconds(d).count()); };
  state.counters["start_ns"] = benchmark::Counter(ns(start_total), benchmark::Counter::kAvgIterations);
  state.counters["stop_max_ns"] = ns(stop_max);
}
BENCHMARK(BM_StopStartTheWorld)
    ->ArgNames({"threads", "spinning"})
    ->ArgsProduct({{2, 4}, {1, 0}})
    ->UseManualTime();

BENCHMARK_MAIN();
