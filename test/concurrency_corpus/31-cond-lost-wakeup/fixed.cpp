// Pattern: cond.Wait() without a predicate: a Signal that happens before the
//   Wait is lost, and the waiter sleeps forever.
// Source: https://github.com/ochinchina/supervisord/issues/223 ("Wrong usage of
//   Cond.Signal()": "Cond.Signal() may be executed before Cond.Wait()")
// Goes wrong: the callback signals while main is still on its way to wait();
//   nobody signals again: deadlock.
// Fix: a condition under the mutex (`started`), set by the signaller and
//   re-checked in a loop around wait().
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

go::mutex mu;
go::cond started_cond(&mu);
bool started = false;

go::task<> on_started() {
  co_await mu.lock();
  started = true;
  mu.unlock();
  started_cond.signal();  // the process reports that it has started
}

int main() {
  return go::run([]() -> go::task<> {
    co_await mu.lock();
    go::spawn(on_started);
    co_await go::sleep(50ms);  // main is slow to reach the wait
    while (!started) co_await started_cond.wait();
    mu.unlock();
    std::printf("process started: %s\n", started ? "yes" : "not recorded");
  });
}
