// Pattern: a method that holds a lock calls a helper that takes the same lock
//   again (Go's mutexes are not reentrant).
// Source: https://github.com/etcd-io/etcd/pull/6948 ("grpcproxy: fix deadlock in
//   watchbroadcast": "Calling empty() in watchbroadcast methods was trying to
//   lock the rwmutex when it was already held")
// Goes wrong: remove() holds the write lock and calls empty(), whose RLock waits
//   for that write lock forever: deadlock.
// Fix: remove() checks the condition itself under the lock it already holds.
// EXPECT: gocxx-leak-double-lock line 19
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct watch_broadcast {
  go::rwmutex mu;
  int receivers = 2;

  go::task<bool> empty() {
    co_await mu.rlock();
    bool e = receivers == 0;
    mu.runlock();
    co_return e;
  }
  // Removes one receiver; true when none are left.
  go::task<bool> remove() {
    co_await mu.lock();
    --receivers;
    bool e = co_await empty();
    mu.unlock();
    co_return e;
  }
};

int main() {
  return go::run([]() -> go::task<> {
    watch_broadcast wb;
    bool now_empty = co_await wb.remove();
    std::printf("empty after remove: %s\n", now_empty ? "yes" : "no");
  });
}
