// Pattern: Stop() closes a kill channel unconditionally; a second Stop() closes
//   it again.
// Source: https://github.com/intelsdi-x/snap/pull/435 ("Fixing error PANIC: close
//   of closed channel for task.Stop()": "If task.Stop() was called immediately
//   after it had already been called, it would panic")
// Goes wrong: the second stop() panics: close of closed channel.
// Fix: close through a sync.Once (go::once).
// EXPECT: gocxx-chan-close-closed line 29
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

struct task_runner {
  go::chan<go::unit> kill = go::make_chan<go::unit>();

  void start() {
    go::spawn([](go::chan<go::unit> kill) -> go::task<> {
      go::ticker tick(5ms);
      while (co_await go::select(go::on_recv(tick.c()), go::on_recv(kill)) == 0) {
        // collect metrics
      }
      std::printf("task stopped\n");
    }, kill);
  }
  go::task<> stop() {
    kill.close();
    co_return;
  }
};

int main() {
  return go::run([]() -> go::task<> {
    task_runner t;
    t.start();
    co_await go::sleep(10ms);
    co_await t.stop();
    co_await t.stop();  // e.g. the scheduler and the user both stop the task
    std::printf("stopped twice\n");
  });
}
