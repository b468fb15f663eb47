// Pattern: wg.Add(len(items)) up front, but the loop skips some items without
//   spawning a goroutine for them: the count never drops to zero.
// Source: classic pattern (compare https://github.com/docker-archive/tutum-cleanup/issues/8:
//   wg.Add(2) with goroutines that never call Done, so "it will never return")
// Goes wrong: the empty name is skipped, wg stays at 1: deadlock in wait().
// Fix: add(1) for each goroutine actually started.
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

go::wait_group wg;
std::atomic<int> cleaned{0};

go::task<> clean(std::string image) {
  go::defer done([] { wg.done(); });
  std::printf("removing %s\n", image.c_str());
  ++cleaned;
  co_return;
}

int main() {
  return go::run([]() -> go::task<> {
    std::vector<std::string> images = {"web:1", "", "db:3"};
    for (const std::string& image : images) {
      if (image.empty()) continue;  // dangling entry: nothing to remove
      wg.add(1);
      go::spawn(clean, image);
    }
    co_await wg.wait();
    std::printf("removed %d image(s)\n", cleaned.load());
  });
}
