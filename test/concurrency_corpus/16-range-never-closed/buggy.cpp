// Pattern: `for v := range ch` over a generator channel that the generator
//   never closes: after the last value the loop waits forever.
// Source: https://github.com/jbuberel/go-patterns/pull/11 ("closing channel when
//   iterator is done": "The code didn't close the channel. This will lead to
//   ... fatal error: all goroutines are asleep - deadlock!")
// Goes wrong: main sums the three values, then waits for a fourth: deadlock.
// Fix: the generator closes its channel when it is done.
// EXPECT: gocxx-leak-range-never-closed line 26
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <vector>

go::recv_chan<int> iterate(std::vector<int> items) {
  auto ch = go::make_chan<int>();
  go::spawn([](std::vector<int> items, go::send_chan<int> out) -> go::task<> {
    for (int v : items) co_await out.send(v);
  }, std::move(items), ch);
  return ch;
}

int main() {
  return go::run([]() -> go::task<> {
    int sum = 0;
    auto it = iterate({1, 2, 3});
    while (auto v = co_await it.next()) {
      sum += *v;
    }
    std::printf("sum = %d\n", sum);
  });
}
