// Figure 2: buffered channel (capacity 1024), one producer, one consumer.
// One iteration = one item: the main goroutine sends it, a consumer goroutine
// receives it.
// Go reference: bench/go/gobench (figure "buffered").
#include "bench_common.hpp"

static void BM_BufferedChan(benchmark::State& state) {
  gocxx_bench::run(state, [&state]() -> go::task<> {
    auto ch = go::make_chan<int>(1024);
    go::wait_group done;
    done.add(1);
    go::spawn(
        [](go::chan<int> in, go::wait_group* done) -> go::task<> {
          long long sum = 0;
          while (auto v = co_await in.next()) {
            sum += *v;
          }
          benchmark::DoNotOptimize(sum);
          done->done();
        },
        ch, &done);
    int i = 0;
    for (auto _ : state) {
      co_await ch.send(i++);
    }
    ch.close();
    co_await done.wait();
    state.SetItemsProcessed(state.iterations());
  });
}
BENCHMARK(BM_BufferedChan)->UseRealTime()->MeasureProcessCPUTime();

BENCHMARK_MAIN();
