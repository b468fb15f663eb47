// Pattern: a goroutine sends on an unbuffered channel that only it will
//   receive from, later: the send has no partner and blocks forever.
// Source: classic pattern (A Tour of Go, "Buffered Channels",
//   https://go.dev/tour/concurrency/3; the Go spec on unbuffered channels,
//   https://go.dev/ref/spec#Channel_types)
// Goes wrong: main blocks in its own send: all goroutines are asleep
//   (deadlock).
// Fix: a buffered channel with room for the value.
// EXPECT: gocxx-chan-self-deadlock line 17
#include <gocxx/gocxx.hpp>

#include <cstdio>

int main() {
  return go::run([]() -> go::task<> {
    auto pending = go::make_chan<int>();
    co_await pending.send(42);  // queue the request for later
    std::printf("queued %zu request(s)\n", pending.len());
    int req = co_await pending.recv();
    std::printf("handled request %d\n", req);
  });
}
