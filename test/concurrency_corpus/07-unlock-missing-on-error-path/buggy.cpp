// Pattern: a mutex locked at the top of a function is not unlocked on an early
//   error return; the next caller blocks on it forever.
// Source: https://github.com/flynn/flynn/pull/2591 ("discoverd/server: Fix mutex
//   that doesn't get unlocked in error path"; also wmnsk/go-m3ua#11)
// Goes wrong: add_instance(-1) returns its error with mu still held; the next
//   add_instance() waits for mu forever: all goroutines are asleep (deadlock).
// Fix: unlock on the error path as well.
// EXPECT: gocxx-leak-mutex-not-unlocked line 18
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <vector>

go::mutex mu;
std::vector<int> instances;

go::task<go::error> add_instance(int id) {
  co_await mu.lock();
  if (id < 0) {
    co_return go::errorf("invalid instance id %d", id);
  }
  instances.push_back(id);
  mu.unlock();
  co_return go::error{};
}

int main() {
  return go::run([]() -> go::task<> {
    go::error err = co_await add_instance(-1);
    std::printf("first: %s\n", err.message().c_str());
    std::fflush(stdout);
    err = co_await add_instance(7);
    std::printf("second: %s, %zu instance(s)\n", err.message().c_str(), instances.size());
  });
}
