// Pattern: wg.Done() called twice by one goroutine (on an error path and again
//   by a deferred Done): the counter goes negative.
// Source: classic pattern (sync.WaitGroup, https://pkg.go.dev/sync#WaitGroup.Add:
//   "If the counter goes negative, Add panics"); the mirror image of a skipped
//   Done (compare kernel 13)
// Goes wrong: the failing worker calls done() and then its deferred done();
//   the last done() panics: sync: negative WaitGroup counter.
// Fix: only the deferred Done.
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

go::wait_group wg;

go::task<> upload(int part) {
  go::defer done([] { wg.done(); });
  co_await go::sleep(std::chrono::milliseconds(5 * part));
  if (part == 1) {
    std::printf("part %d: upload failed\n", part);
    co_return;
  }
  std::printf("part %d uploaded\n", part);
}

int main() {
  return go::run([]() -> go::task<> {
    for (int part = 1; part <= 3; ++part) {
      wg.add(1);
      go::spawn(upload, part);
    }
    co_await wg.wait();
    std::printf("upload finished\n");
    co_await go::sleep(30ms);
  });
}
