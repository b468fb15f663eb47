// Pattern: the documented "stop and drain" idiom `if !t.Stop() { <-t.C }` on a
//   timer whose value was already received: Stop reports false, and the drain
//   waits for a value that will never come.
// Source: https://github.com/golang/go/issues/27169 ("time: Timer.Stop
//   documentation example easily leads to deadlocks"); also
//   gravitational/teleport#45839
// Goes wrong: the first wait times out (the value is consumed), the re-arm's
//   drain blocks forever: deadlock.
// Fix: drain without blocking (select with a default case).
// EXPECT: gocxx-leak-blocked-recv line 29
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

int main() {
  return go::run([]() -> go::task<> {
    auto replies = go::make_chan<int>(1);
    go::timer t(10ms);
    int timeouts = 0, got = 0;
    for (int attempt = 1; attempt <= 2; ++attempt) {
      if (attempt == 2) co_await replies.send(7);  // the retry gets an answer
      int chosen = co_await go::select(go::on_recv(replies, &got), go::on_recv(t.c()));
      if (chosen == 1) ++timeouts;
      // re-arm the timer for the next attempt: stop it and drain its channel
      if (!t.stop()) {
        co_await t.c().recv();
      }
      t.reset(10ms);
    }
    std::printf("%d timeout(s), reply %d\n", timeouts, got);
  });
}
