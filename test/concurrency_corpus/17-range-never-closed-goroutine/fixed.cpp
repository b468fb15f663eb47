// Pattern: a consumer goroutine ranges over a channel the producer never
//   closes; when the producer is done the consumer is stranded.
// Source: https://github.com/acorn-io/mink/pull/32 ("Close result channel:
//   Failing to close this channel results in goroutine leaks")
// Goes wrong: the logger goroutine prints the three events and then waits in
//   its range loop forever (leak at the end of go::run).
// Fix: the producer closes the channel when it has sent everything.
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <string>

go::task<> logger(go::recv_chan<std::string> events) {
  while (auto e = co_await events.next()) {
    std::printf("event: %s\n", e->c_str());
  }
  std::printf("logger: done\n");
}

go::task<> watch(go::send_chan<std::string> events) {
  for (const char* name : {"added", "modified", "deleted"}) {
    co_await events.send(name);
  }
  events.close();
}

int main() {
  return go::run([]() -> go::task<> {
    auto events = go::make_chan<std::string>();
    go::spawn(logger, events);
    co_await watch(events);
  });
}
