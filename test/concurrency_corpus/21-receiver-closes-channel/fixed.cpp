// Pattern: the receiving side closes a channel to say "stop" while the sender
//   keeps sending on it.
// Source: https://github.com/edouardparis/lntop/issues/77 ("panic: send on closed
//   channel": "The sub channel is closed in [the UI] ... Channels should be
//   closed by writers, not readers")
// Goes wrong: the UI reads three events and closes `events`; the pubsub
//   goroutine's next send panics: send on closed channel.
// Fix: the UI closes a separate done channel that the publisher selects on;
//   the publisher, the only sender, closes `events`.
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

go::task<> publish(go::send_chan<int> events, go::recv_chan<go::unit> done) {
  for (int i = 1;; ++i) {
    co_await go::sleep(5ms);  // the next ticker update
    if (co_await go::select(go::on_send(events, i), go::on_recv(done)) == 1) break;
  }
  events.close();
}

int main() {
  return go::run([]() -> go::task<> {
    auto events = go::make_chan<int>();
    auto done = go::make_chan<go::unit>();
    go::spawn(publish, events, done);
    for (int n = 0; n < 3; ++n) std::printf("ui: event %d\n", co_await events.recv());
    done.close();
    co_await go::sleep(20ms);  // the UI shuts down
  });
}
