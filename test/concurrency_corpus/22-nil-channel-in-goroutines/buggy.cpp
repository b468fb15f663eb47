// Pattern: send and receive on a channel that was declared but never made
//   (nil): both block forever, silently, inside goroutines.
// Source: https://github.com/golang/go/issues/20524 ("I write to a uninitialized
//   channel inside a goroutine. In stead of throwing a panic, the goroutine just
//   exit quitely"; they are blocked forever, as the spec says)
// Goes wrong: main finishes; the writer and the reader are still blocked on the
//   nil channel (leak of two goroutines).
// Fix: make the channel.
// EXPECT: gocxx-chan-nil-op line 23
// EXPECT: gocxx-chan-nil-op line 26
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

int main() {
  return go::run([]() -> go::task<> {
    go::chan<int> ch;
    go::spawn([](go::chan<int> ch) -> go::task<> {
      std::printf("write to chan\n");
      co_await ch.send(1);
    }, ch);
    go::spawn([](go::chan<int> ch) -> go::task<> {
      std::printf("read from chan: %d\n", co_await ch.recv());
    }, ch);
    co_await go::sleep(20ms);
    std::printf("END\n");
  });
}
