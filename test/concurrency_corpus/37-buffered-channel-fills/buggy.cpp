// Pattern: errors are reported on a buffered channel that is only read in one
//   configuration; in the others the buffer fills up and the reporter blocks.
// Source: https://github.com/cilium/cilium/pull/24786 ("Fix for deadlock in etcd
//   status checker": "when clustermesh is not used, messages from this channel
//   are never read. The channel uses a buffer of size 128")
// Goes wrong: with no reader, the fifth error blocks the status checker
//   forever (leak; in cilium the health checks then fail).
// Fix: report without blocking (select with a default case) when nobody reads.
// EXPECT: gocxx-leak-blocked-send line 28
#include <gocxx/gocxx.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

std::atomic<int> checks{0};

struct etcd_client {
  go::chan<go::error> status_check_errors = go::make_chan<go::error>(4);
};

go::task<> status_checker(go::send_chan<go::error> errors) {
  for (int i = 0; i < 8; ++i) {
    co_await go::sleep(1ms);  // etcd is down: quorum check fails
    ++checks;
    co_await errors.send(go::errorf("quorum check %d failed", i));
  }
}

int main() {
  return go::run([]() -> go::task<> {
    etcd_client c;  // clustermesh is disabled: nobody reads the errors
    go::spawn(status_checker, c.status_check_errors);
    co_await go::sleep(30ms);
    std::printf("status checks run: %d of 8\n", checks.load());
  });
}
