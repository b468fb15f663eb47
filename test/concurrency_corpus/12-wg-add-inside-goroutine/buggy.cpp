// Pattern: WaitGroup.Add called inside the spawned goroutine: Wait can run
//   before any Add and return at once.
// Source: https://github.com/coredns/coredns/pull/3433 ("Call wg.Add in main
//   goroutine to avoid race conditions"); staticcheck SA2000,
//   https://staticcheck.dev/docs/checks/#SA2000
// Goes wrong: wait() returns before the workers have added themselves, main
//   closes results, and the first worker to send panics: send on closed channel.
// Fix: wg.add(1) before go::spawn.
// EXPECT: gocxx-leak-wait-group line 23
// EXPECT: gocxx-chan-send-after-close line 25
// EXPECT: gocxx-chan-close-by-receiver line 35
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

go::wait_group wg;

go::task<> worker(int i, go::send_chan<int> results) {
  co_await go::sleep(30ms);  // the goroutine is slow to get going
  wg.add(1);
  go::defer done([] { wg.done(); });
  co_await results.send(i * i);
}

int main() {
  return go::run([]() -> go::task<> {
    auto results = go::make_chan<int>(3);
    for (int i = 1; i <= 3; ++i) {
      go::spawn(worker, i, results);
    }
    co_await wg.wait();
    results.close();
    int n = 0;
    while (co_await results.next()) ++n;
    std::printf("collected %d of 3 results\n", n);
    co_await go::sleep(100ms);
  });
}
