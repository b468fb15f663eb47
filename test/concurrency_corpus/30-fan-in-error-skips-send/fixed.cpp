// Pattern: fan-in: the collector receives exactly one result per worker, but a
//   worker that fails returns without sending anything.
// Source: classic pattern (fan-in with a fixed number of receives; see "Fan-out,
//   fan-in" in https://go.dev/blog/pipelines)
// Goes wrong: worker 2 fails and returns; the collector waits for a third
//   result forever: deadlock.
// Fix: every worker sends exactly one result, carrying its error if it failed.
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

struct result {
  int value = 0;
  go::error err;
};

go::task<> fetch(int shard, go::send_chan<result> out) {
  co_await go::sleep(std::chrono::milliseconds(5 * shard));
  if (shard == 2) {
    co_await out.send(result{0, go::errorf("shard %d unavailable", shard)});
    co_return;
  }
  co_await out.send(result{shard * 10, {}});
}

int main() {
  return go::run([]() -> go::task<> {
    constexpr int shards = 3;
    auto results = go::make_chan<result>();
    for (int s = 1; s <= shards; ++s) go::spawn(fetch, s, results);
    int sum = 0, failed = 0;
    for (int i = 0; i < shards; ++i) {
      result r = co_await results.recv();
      if (r.err) ++failed; else sum += r.value;
    }
    std::printf("sum %d, %d shard(s) failed\n", sum, failed);
  });
}
