// Pattern: a goroutine ranges over a ticker's channel and is "stopped" with
//   ticker.Stop(); Stop does not close the channel, so the range never ends.
// Source: https://github.com/InVisionApp/go-health/pull/35 ("ticker.Stop() does
//   not close the ticker channel (and thus the goroutine never exits)"; also
//   mmcgrana/gobyexample#206)
// Goes wrong: after stop() the checker goroutine waits in its range loop
//   forever (leak).
// Fix: a quit channel that stop() closes and the checker selects on.
// EXPECT: gocxx-leak-range-never-closed line 26
#include <gocxx/gocxx.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>

using namespace std::chrono_literals;

std::atomic<int> checks{0};

struct health {
  std::shared_ptr<go::ticker> ticker = std::make_shared<go::ticker>(5ms);

  void start() {
    go::spawn([](go::recv_chan<go::time_point> ticks) -> go::task<> {
      while (co_await ticks.next()) {
        ++checks;  // run the health checks
      }
    }, ticker->c());
  }
  void stop() { ticker->stop(); }
};

int main() {
  return go::run([]() -> go::task<> {
    health h;
    h.start();
    co_await go::sleep(30ms);
    h.stop();
    std::printf("health checks ran: %s\n", checks > 0 ? "yes" : "no");
  });
}
