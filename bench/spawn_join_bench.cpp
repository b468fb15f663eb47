// Figure 3: spawn + join of 1,000,000 goroutines. One iteration spawns
// 1,000,000 goroutines, each calls wg.done(), then the main goroutine waits
// for the wait group. ns per goroutine = real_time / 1,000,000.
// Go reference: bench/go/gobench (figure "spawn").
#include "bench_common.hpp"

static constexpr int kBatch = 1'000'000;

static go::task<> finish(go::wait_group* wg) {
  wg->done();
  co_return;
}

static void BM_SpawnJoin(benchmark::State& state) {
  gocxx_bench::run(state, [&state]() -> go::task<> {
    for (auto _ : state) {
      go::wait_group wg;
      wg.add(kBatch);
      for (int j = 0; j < kBatch; ++j) {
        go::spawn(finish, &wg);
      }
      co_await wg.wait();
    }
    state.SetItemsProcessed(state.iterations() * kBatch);
    state.counters["goroutines_per_iteration"] = kBatch;
  });
}
BENCHMARK(BM_SpawnJoin)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

// The same with a lambda coroutine (what user code usually spawns); the spawn
// of a lambda keeps the callable alive in the goroutine, which may cost more.
static void BM_SpawnJoinLambda(benchmark::State& state) {
  gocxx_bench::run(state, [&state]() -> go::task<> {
    for (auto _ : state) {
      go::wait_group wg;
      wg.add(kBatch);
      for (int j = 0; j < kBatch; ++j) {
        go::spawn([](go::wait_group* wg) -> go::task<> {
          wg->done();
          co_return;
        }, &wg);
      }
      co_await wg.wait();
    }
    state.SetItemsProcessed(state.iterations() * kBatch);
    state.counters["goroutines_per_iteration"] = kBatch;
  });
}
BENCHMARK(BM_SpawnJoinLambda)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

BENCHMARK_MAIN();
