// Pattern: a worker returns early on an error without calling wg.Done(), so
//   Wait never sees the counter reach zero.
// Source: https://github.com/influxdata/influxdb-client-go/issues/30 ("two early
//   exit points on non-nil errors which will lead to this waitgroup not getting
//   decremented. This will ultimately lead to a deadlock on Wait()")
// Goes wrong: batch 2 fails and returns; wg stays at 1 and flush() waits
//   forever: deadlock.
// Fix: `defer wg.Done()` at the top of the worker.
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

go::wait_group wg;
std::atomic<int> written{0};

go::task<> write_batch(int id) {
  go::defer done([] { wg.done(); });
  co_await go::sleep(5ms);  // the HTTP write
  if (id == 2) {
    std::printf("batch %d: write failed\n", id);
    co_return;
  }
  ++written;
}

go::task<> flush() {
  for (int id = 1; id <= 3; ++id) {
    wg.add(1);
    go::spawn(write_batch, id);
  }
  co_await wg.wait();
}

int main() {
  return go::run([]() -> go::task<> {
    co_await flush();
    std::printf("flushed, %d batch(es) written\n", written.load());
  });
}
