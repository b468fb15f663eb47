// Pattern: lock-order inversion (AB-BA): two goroutines take the same two
//   mutexes in opposite orders.
// Source: https://github.com/stripe-archive/sequins/pull/90 ("If we acquire
//   `w.lock` and `w.hooksLock`, acquire the former first")
// Goes wrong: refresh() holds lock and waits for hooks_lock; run_hooks() holds
//   hooks_lock and waits for lock: deadlock.
// Fix: run_hooks() takes the locks in the same order as refresh().
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

go::mutex lock;
go::mutex hooks_lock;
go::wait_group wg;
int version = 0, hooks_run = 0;

go::task<> refresh() {
  co_await lock.lock();
  co_await go::sleep(50ms);
  co_await hooks_lock.lock();
  ++version;
  hooks_lock.unlock();
  lock.unlock();
  wg.done();
}

go::task<> run_hooks() {
  co_await lock.lock();  // lock before hooks_lock, as everywhere
  co_await go::sleep(50ms);
  co_await hooks_lock.lock();
  hooks_run += version;
  lock.unlock();
  hooks_lock.unlock();
  wg.done();
}

int main() {
  return go::run([]() -> go::task<> {
    wg.add(2);
    go::spawn(refresh);
    go::spawn(run_hooks);
    co_await wg.wait();
    std::printf("version %d\n", version);
  });
}
