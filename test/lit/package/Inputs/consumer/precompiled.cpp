// Built with gocxx::precompiled: the umbrella header comes from the target's
// precompiled header, so this file need not include it (it may: it costs
// nothing then).
#include <cstdio>

struct sample {  // 24 bytes, 16 in the best order
  bool valid;
  long long at;
  bool late;
};

int main() {
  int got = 0;
  go::run([&]() -> go::task<> {
    auto c = go::make_chan<sample>(1);
    co_await c.send(sample{true, 43, false});
    got = static_cast<int>((co_await c.recv()).at);
  });
  std::printf("precompiled received %d\n", got);
}
