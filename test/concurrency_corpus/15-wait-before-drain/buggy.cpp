// Pattern: wg.Wait() before receiving from an unbuffered channel that the
//   waited-for goroutine sends on: each side waits for the other.
// Source: https://github.com/containerd/containerd/pull/4353 ("[events] Fix
//   deadlock in TestExchangeBasic": "The goroutine writing to errChan will block
//   on the reader (main routine), however the main routine will block for the
//   goroutine to finish with the wait()")
// Goes wrong: the publisher blocks in `errChan <- err`, main blocks in Wait:
//   deadlock.
// Fix: give errChan a slot (the reviewer's suggestion), so the send completes.
// EXPECT: gocxx-leak-blocked-send line 30
// EXPECT: gocxx-leak-wait-group line 32
#include <gocxx/gocxx.hpp>

#include <cstdio>

go::wait_group wg;

go::task<go::error> publish(int n) {
  co_return n > 2 ? go::errorf("publish %d: no subscribers", n) : go::error{};
}

int main() {
  return go::run([]() -> go::task<> {
    auto err_chan = go::make_chan<go::error>();
    wg.add(1);
    go::spawn([](go::send_chan<go::error> errc) -> go::task<> {
      go::defer done([] { wg.done(); });
      go::error first;
      for (int n = 1; n <= 3 && !first; ++n) first = co_await publish(n);
      co_await errc.send(first);  // the outcome, an error or nil
    }, err_chan);
    co_await wg.wait();
    go::error err = co_await err_chan.recv();
    std::printf("publish: %s\n", err.message().c_str());
  });
}
