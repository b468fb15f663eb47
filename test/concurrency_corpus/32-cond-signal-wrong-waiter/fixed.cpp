// Pattern: several goroutines wait on one sync.Cond for different conditions,
//   and Signal wakes only one of them, possibly one whose condition still does
//   not hold; the waiter that could proceed is never woken.
// Source: https://github.com/im7mortal/kmutex/pull/5 ("Fix use of Cond.Signal to
//   avoid deadlock": "That signal can go to any goroutine waiting on the Cond
//   ... Now the program is deadlocked")
// Goes wrong: unlocking key 1 wakes the waiter for key 0, which waits again;
//   unlocking key 0 then wakes the waiter for key 1; the waiter for key 0 is
//   left asleep: deadlock.
// Fix: Broadcast, so every waiter re-checks its own key.
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

go::mutex mu;
go::cond cond(&mu);
bool locked[2] = {true, true};  // main holds both keys
go::wait_group wg;

go::task<> lock_key(int k) {
  co_await mu.lock();
  while (locked[k]) co_await cond.wait();
  locked[k] = true;
  mu.unlock();
  std::printf("got key %d\n", k);
  wg.done();
}

go::task<> unlock_key(int k) {
  co_await mu.lock();
  locked[k] = false;
  cond.broadcast();
  mu.unlock();
  co_await go::sleep(20ms);
}

int main() {
  return go::run([]() -> go::task<> {
    wg.add(2);
    go::spawn(lock_key, 0);
    co_await go::sleep(20ms);
    go::spawn(lock_key, 1);
    co_await go::sleep(20ms);
    co_await unlock_key(1);
    co_await unlock_key(0);
    co_await wg.wait();
    std::printf("both keys handed over\n");
  });
}
