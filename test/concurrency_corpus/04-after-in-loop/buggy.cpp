// Pattern: go::after (time.After) inside a for/select loop: every iteration
//   arms a new timer that lives until it fires, long after the select moved on.
// Source: https://github.com/hashicorp/vault/pull/14814 ("time.After() in a
//   select statement can lead to memory leak"; also linkerd/linkerd2#7956 and
//   the time.After documentation, https://pkg.go.dev/time#After)
// Goes wrong: 2000 events arrive quickly; each loop turn leaves a one-minute
//   timer pending. Nothing blocks, so the run itself looks clean.
// Fix: one timer per wait that is stopped when the wait ends (go::timer stops
//   itself at scope exit, like `t := time.NewTimer(d); defer t.Stop()`).
// EXPECT: gocxx-leak-timer-in-loop line 24
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

go::task<> consume(go::recv_chan<int> events, go::send_chan<long> total) {
  long sum = 0;
  for (;;) {
    int ev = 0;
    bool ok = false;
    int chosen = co_await go::select(go::on_recv(events, &ev, &ok),
                                     go::on_recv(go::after(1min)));
    if (chosen == 1 || !ok) break;  // idle for a minute, or no more events
    sum += ev;
  }
  co_await total.send(sum);
}

int main() {
  return go::run([]() -> go::task<> {
    auto events = go::make_chan<int>(64);
    auto total = go::make_chan<long>();
    go::spawn(consume, events, total);
    for (int i = 1; i <= 2000; ++i) co_await events.send(i);
    events.close();
    std::printf("sum of events: %ld\n", co_await total.recv());
  });
}
