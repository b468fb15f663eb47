// Pattern: recursive read locking of an RWMutex: a writer that arrives between
//   the two RLocks blocks the second one (a pending Lock excludes new readers),
//   while the writer itself waits for the first read lock to be released.
// Source: https://github.com/temporalio/temporal/pull/2076 ("Avoid acquiring
//   shared lock recursively"; the rule: https://pkg.go.dev/sync#RWMutex)
// Goes wrong: get_by_name() holds a read lock, the refresher asks for the write
//   lock, get_by_id()'s RLock then waits behind it: deadlock.
// Fix: get_by_name() calls an unlocked variant under the read lock it holds.
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

go::rwmutex mu;
int version = 1;

int get_by_id_locked(int id) { return id * 100 + version; }

go::task<int> get_by_id(int id) {
  co_await mu.rlock();
  int v = get_by_id_locked(id);
  mu.runlock();
  co_return v;
}

go::task<int> get_by_name(int id) {
  co_await mu.rlock();
  co_await go::sleep(60ms);  // resolving the name; the refresher arrives now
  int v = get_by_id_locked(id);  // the read lock is already held
  mu.runlock();
  co_return v;
}

int main() {
  return go::run([]() -> go::task<> {
    auto refreshed = go::make_chan<go::unit>();
    go::spawn([](go::chan<go::unit> refreshed) -> go::task<> {
      co_await go::sleep(20ms);
      co_await mu.lock();  // the registry refresh takes the write lock
      ++version;
      mu.unlock();
      refreshed.close();
    }, refreshed);
    int v = co_await get_by_name(7);
    co_await refreshed.recv();
    std::printf("value %d, version %d\n", v, version);
  });
}
