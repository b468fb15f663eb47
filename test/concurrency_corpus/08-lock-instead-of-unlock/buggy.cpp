// Pattern: `mu.Lock(); defer mu.Lock()`: the release at the end of the critical
//   section locks again instead of unlocking (a typo); the goroutine then waits
//   for a mutex it holds itself.
// Source: staticcheck SA2003, https://staticcheck.dev/docs/checks/#SA2003
//   ("Deferred Lock right after locking, likely meant to defer Unlock instead").
//   go::defer cannot co_await, so the deferred Lock is written where the
//   function ends.
// Goes wrong: the first increment() never returns: deadlock.
// Fix: unlock.
// EXPECT: gocxx-leak-double-lock line 21
#include <gocxx/gocxx.hpp>

#include <cstdio>

go::mutex mu;
int counter = 0;

go::task<> increment() {
  co_await mu.lock();
  ++counter;
  co_await mu.lock();
}

int main() {
  return go::run([]() -> go::task<> {
    co_await increment();
    co_await increment();
    std::printf("counter = %d\n", counter);
  });
}
