// Pattern: the receiving function closes the result channel in a defer and
//   returns early while the producer is still blocked sending on it.
// Source: classic pattern: `defer close(results)` on the receiving side (compare
//   https://github.com/flashmob/go-guerrilla/issues/214, "close(errs) ... may
//   close a channel being written to, resulting in panic")
// Goes wrong: handle() rejects the request and returns; the deferred close wakes
//   the producer blocked in send, which panics: send on closed channel.
// Fix: only the sender closes; the channel gets one slot so the producer can
//   finish even when nobody receives.
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

go::task<> produce(go::send_chan<int> out) {
  co_await out.send(42);
  out.close();
}

go::task<go::error> handle(bool valid) {
  auto results = go::make_chan<int>(1);
  go::spawn(produce, results);
  co_await go::sleep(20ms);  // validating the request meanwhile
  if (!valid) co_return go::errorf("invalid request");  // results never received
  std::printf("result %d\n", co_await results.recv());
  co_return go::error{};
}

int main() {
  return go::run([]() -> go::task<> {
    go::error err = co_await handle(false);
    std::printf("handle: %s\n", err.message().c_str());
    co_await go::sleep(20ms);
  });
}
