// Figure 6: contended mutex. One iteration = a batch of kOps lock / increment /
// unlock operations on one go::mutex, shared among state.range(0) goroutines
// that all start together; ns per lock/unlock = real_time / kOps.
// Go reference: bench/go/gobench (figures "mutex2", "mutex4").
#include "bench_common.hpp"

static constexpr long long kOps = 1'000'000;

static void BM_MutexContended(benchmark::State& state) {
  const int k = static_cast<int>(state.range(0));
  gocxx_bench::run(state, [&state, k]() -> go::task<> {
    for (auto _ : state) {
      go::mutex mu;
      long long counter = 0;
      go::wait_group wg;
      wg.add(k);
      for (int i = 0; i < k; ++i) {
        go::spawn(
            [](go::mutex* mu, long long* counter, long long quota,
               go::wait_group* wg) -> go::task<> {
              for (long long j = 0; j < quota; ++j) {
                co_await mu->lock();
                ++*counter;
                mu->unlock();
              }
              wg->done();
            },
            &mu, &counter, gocxx_bench::quota(kOps, i, k), &wg);
      }
      co_await wg.wait();
      if (counter != kOps) {
        state.SkipWithError("mutex: lost increments");
        break;
      }
    }
    state.SetItemsProcessed(state.iterations() * kOps);
    state.counters["ops_per_iteration"] = static_cast<double>(kOps);
  });
}
BENCHMARK(BM_MutexContended)
    ->Arg(2)
    ->Arg(4)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

BENCHMARK_MAIN();
