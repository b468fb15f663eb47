// Shared helpers for the gocxx benchmark programs (bench/*_bench.cpp).
//
// Every benchmark body runs inside go::run with maxprocs = 2, so that the
// figures compare with Go programs run under GOMAXPROCS=2 (bench/go/).
// The benchmark loop `for (auto _ : state)` runs inside the main goroutine;
// Google Benchmark times it with the wall clock (UseRealTime), and the CPU
// column is the whole process's CPU time (MeasureProcessCPUTime), because the
// main goroutine may move between the runtime's threads.
#pragma once

#include <benchmark/benchmark.h>
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace gocxx_bench {

inline constexpr int kMaxprocs = 2;

// Runs `main_fn` (a callable returning go::task<>) as the main goroutine of a
// fresh go::run with maxprocs = 2, and aborts the benchmark if it fails.
template <class F>
void run(benchmark::State& state, F&& main_fn) {
  int rc = go::run(std::forward<F>(main_fn), go::config{.maxprocs = kMaxprocs});
  if (rc != 0) {
    state.SkipWithError("go::run returned non-zero");
  }
}

// The share of `total` units of work that worker `i` of `k` does.
inline long long quota(long long total, int i, int k) {
  return total / k + (i < total % k ? 1 : 0);
}

}  // namespace gocxx_bench
