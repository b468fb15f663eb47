#include <gocxx/gocxx.hpp>

#include <cstdio>

struct reading {  // the user's own record: 24 bytes, 16 in the best order
  char kind;
  double value;
  char unit;
};

int main() {
  int got = 0;
  go::run([&]() -> go::task<> {
    auto c = go::make_chan<reading>();
    go::spawn([c]() -> go::task<> { co_await c.send(reading{'t', 21.5, 'C'}); });
    reading r = co_await c.recv();
    got = static_cast<int>(r.value * 2);
  });
  std::printf("received %d\n", got);
}
