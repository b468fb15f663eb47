// Pattern: a merge loop sets each input channel to nil once it is closed (so
//   select ignores it) but loops forever instead of stopping when both are nil:
//   the last select has only nil channels and blocks for good.
// Source: classic pattern (the nil-channel merge, as in Francesc Campoy's "Why
//   are there nil channels in Go?", https://medium.com/justforfunc/why-are-there-nil-channels-in-go-9877cc0b2308)
// Goes wrong: after both inputs are closed and nil, select blocks forever:
//   deadlock.
// Fix: loop while a or b is non-nil.
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <cstdio>

go::task<> emit(go::send_chan<int> out, int from, int to) {
  for (int v = from; v <= to; ++v) co_await out.send(v);
  out.close();
}

go::task<int> merge_sum(go::chan<int> a, go::chan<int> b) {
  int sum = 0;
  while (a != nullptr || b != nullptr) {
    int v = 0;
    bool ok = false;
    int chosen = co_await go::select(go::on_recv(a, &v, &ok), go::on_recv(b, &v, &ok));
    if (!ok) {
      (chosen == 0 ? a : b) = nullptr;  // closed: never select it again
      continue;
    }
    sum += v;
  }
  co_return sum;
}

int main() {
  return go::run([]() -> go::task<> {
    auto a = go::make_chan<int>();
    auto b = go::make_chan<int>();
    go::spawn(emit, a, 1, 3);
    go::spawn(emit, b, 10, 12);
    std::printf("sum = %d\n", co_await merge_sum(a, b));
  });
}
