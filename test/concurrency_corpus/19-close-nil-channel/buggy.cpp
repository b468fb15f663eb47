// Pattern: close of a channel that was never made (nil): the channel is only
//   created on one path, but closed on every path.
// Source: https://github.com/xuperchain/xuperchain/pull/868 ("bugfix: panic when
//   closing a nil channel": "it will close a nil channel which would cause a
//   panic ... create a channel first before using it")
// Goes wrong: the monitor is disabled, so start() never makes stop_ch; close()
//   panics: close of nil channel.
// Fix: make the channel when the monitor is constructed.
// EXPECT: gocxx-chan-close-nil line 25
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct monitor {
  go::chan<go::unit> stop_ch;

  void start(bool enabled) {
    if (!enabled) return;
    stop_ch = go::make_chan<go::unit>();
    go::spawn([](go::chan<go::unit> stop) -> go::task<> {
      co_await stop.recv();  // watch the contract process until stopped
    }, stop_ch);
  }
  void close() {
    stop_ch.close();
  }
};

int main() {
  return go::run([]() -> go::task<> {
    monitor m;
    m.start(false);
    m.close();
    std::printf("monitor closed\n");
    co_return;
  });
}
