// Figure 1: unbuffered channel ping-pong. One iteration = one round trip:
// the main goroutine sends on `ping`, an echo goroutine receives it and sends
// it back on `pong`, the main goroutine receives it.
// Go reference: bench/go/gobench (figure "pingpong").
#include "bench_common.hpp"

static void BM_PingPong(benchmark::State& state) {
  gocxx_bench::run(state, [&state]() -> go::task<> {
    auto ping = go::make_chan<int>();
    auto pong = go::make_chan<int>();
    go::wait_group done;
    done.add(1);
    go::spawn(
        [](go::chan<int> in, go::chan<int> out, go::wait_group* done) -> go::task<> {
          while (auto v = co_await in.next()) {
            co_await out.send(*v);
          }
          done->done();
        },
        ping, pong, &done);
    int i = 0;
    for (auto _ : state) {
      co_await ping.send(i++);
      int v = co_await pong.recv();
      benchmark::DoNotOptimize(v);
    }
    ping.close();
    co_await done.wait();
    state.SetItemsProcessed(state.iterations());
  });
}
BENCHMARK(BM_PingPong)->UseRealTime()->MeasureProcessCPUTime();

BENCHMARK_MAIN();
