// Figure 5: select over 4 channels. One iteration = one select in the main
// goroutine over receives from 4 unbuffered channels, each fed by its own
// sender goroutine; the senders together send exactly as many values as the
// benchmark loop runs selects.
// Go reference: bench/go/gobench (figure "select").
#include "bench_common.hpp"

#include <array>

static void BM_Select4(benchmark::State& state) {
  gocxx_bench::run(state, [&state]() -> go::task<> {
    std::array<go::chan<int>, 4> chs;
    for (auto& c : chs) c = go::make_chan<int>();
    go::wait_group senders;
    senders.add(4);
    const long long total = state.max_iterations;
    for (int i = 0; i < 4; ++i) {
      go::spawn(
          [](go::chan<int> c, long long quota, go::wait_group* wg) -> go::task<> {
            for (long long j = 0; j < quota; ++j) {
              co_await c.send(static_cast<int>(j));
            }
            wg->done();
          },
          chs[i], gocxx_bench::quota(total, i, 4), &senders);
    }
    long long sum = 0;
    int v = 0;
    for (auto _ : state) {
      int idx = co_await go::select(go::on_recv(chs[0], &v), go::on_recv(chs[1], &v),
                                    go::on_recv(chs[2], &v), go::on_recv(chs[3], &v));
      sum += v + idx;
    }
    benchmark::DoNotOptimize(sum);
    co_await senders.wait();
    state.SetItemsProcessed(state.iterations());
  });
}
BENCHMARK(BM_Select4)->UseRealTime()->MeasureProcessCPUTime();

BENCHMARK_MAIN();
