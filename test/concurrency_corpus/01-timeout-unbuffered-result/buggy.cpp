// Pattern: unbuffered result channel + select with a timeout (go::after): when
//   the timeout wins, the worker's send has no receiver and blocks forever.
// Source: https://github.com/moby/moby/pull/40994 (rm_test: fix goroutine leak;
//   same bug and fix: google/cadvisor#2549, kubernetes/kubernetes#83925)
// Goes wrong: remove() times out after 10 ms; the removal finishes at 50 ms and
//   its `done <- struct{}{}` blocks forever (leak at the end of go::run).
// Fix: give the channel a buffer of 1 so the late send always completes.
// EXPECT: gocxx-leak-blocked-send line 20
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

go::task<bool> remove_with_timeout(std::chrono::milliseconds timeout) {
  auto done = go::make_chan<go::unit>();
  go::spawn([](go::send_chan<go::unit> done) -> go::task<> {
    co_await go::sleep(50ms);  // removing the container is slow
    co_await done.send(go::unit{});
  }, done);
  switch (co_await go::select(go::on_recv(done), go::on_recv(go::after(timeout)))) {
    case 0:
      co_return true;
    default:
      co_return false;  // timed out: nobody will ever receive from done
  }
}

int main() {
  return go::run([]() -> go::task<> {
    bool removed = co_await remove_with_timeout(10ms);
    std::printf("removed in time: %s\n", removed ? "yes" : "no");
  });
}
