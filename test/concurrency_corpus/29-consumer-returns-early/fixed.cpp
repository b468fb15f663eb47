// Pattern: pipeline: the consumer returns on the first error and stops
//   receiving; the producer stays blocked sending the next value.
// Source: the Go blog, "Go Concurrency Patterns: Pipelines and cancellation",
//   https://go.dev/blog/pipelines ("Stopping short": "If a stage fails to
//   consume all the inbound values, the goroutines attempting to send those
//   values will block indefinitely"); also dgraph-io/badger#1604
// Goes wrong: sum() sees -1, returns an error, and gen() blocks forever
//   sending 4 (leak).
// Fix: a done channel, closed by the consumer on return, that gen() selects on.
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <vector>

go::task<> gen(std::vector<int> nums, go::send_chan<int> out, go::recv_chan<go::unit> done) {
  for (int n : nums) {
    if (co_await go::select(go::on_send(out, n), go::on_recv(done)) == 1) co_return;
  }
  out.close();
}

go::task<go::error> sum(std::vector<int> nums, long* total) {
  auto done = go::make_chan<go::unit>();
  go::defer stop([done] { done.close(); });
  auto in = go::make_chan<int>();
  go::spawn(gen, std::move(nums), in, done);
  while (auto n = co_await in.next()) {
    if (*n < 0) co_return go::errorf("negative input %d", *n);
    *total += *n;
  }
  co_return go::error{};
}

int main() {
  return go::run([]() -> go::task<> {
    long total = 0;
    go::error err = co_await sum({1, 2, -1, 4, 5}, &total);
    std::printf("sum: %s (partial total %ld)\n", err.message().c_str(), total);
  });
}
