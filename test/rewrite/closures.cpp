// closures: ports Go closures over pointers: a func literal called on the
// spot, one captured by reference, a deferred func (`defer func() {
// log(p.total) }()`), and closures that outlive their function (returned,
// stored in a package-level var, run by a goroutine). The rewrite should move
// the objects the local and deferred closures use; it must keep those
// captured by the returned closure, the stored callback and the goroutine.
// fixes: 4
// moved: 4
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <functional>

struct counter {
  int total;
  int calls;
};

std::function<int()> on_report;  // package-level callback

int local_closure(int n) {
  auto c = go::new_<counter>(0, 0);  // moved: the lambda runs here
  auto bump = [c](int by) {
    c->total += by;
    c->calls++;
  };
  for (int i = 1; i <= n; ++i) bump(i);
  return c->total * 100 + c->calls;
}

int by_reference(int n) {
  auto c = go::new_<counter>(0, 0);  // moved: captured by reference
  auto twice = [&] { c->total += 2 * n; };
  twice();
  twice();
  return c->total;
}

int deferred(int n) {
  auto c = go::new_<counter>(n, 0);  // moved: allocated before the defer that reads it
  go::defer log([&] { std::printf("deferred: total %d after %d calls\n", c->total, c->calls); });
  for (int i = 0; i < n; ++i) c->calls++;
  return c->calls;
}

// The closure outlives the call: escapes.
std::function<int()> make_counter() {
  auto c = go::new_<counter>(0, 0);
  return [c] { return ++c->total; };
}

void install_report(int start) {
  auto c = go::new_<counter>(start, 0);  // stored in a package-level callback: escapes
  on_report = [c] { return c->total + c->calls; };
}

int main() {
  std::printf("local %d\n", local_closure(4));
  std::printf("by reference %d\n", by_reference(5));
  std::printf("deferred returned %d\n", deferred(3));
  auto next = make_counter();
  next();
  next();
  std::printf("counter %d\n", next());
  install_report(40);
  std::printf("report %d\n", on_report());
  return go::run([]() -> go::task<> {
    auto c = go::new_<counter>(1, 0);     // run by a goroutine: escapes
    auto seen = go::new_<counter>(0, 0);  // moved: only this goroutine reads it
    auto done = go::make_chan<int>();
    go::spawn([c, done]() -> go::task<> { co_await done.send(c->total * 7); });
    seen->total = co_await done.recv();
    std::printf("goroutine sent %d\n", seen->total);
    std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
  });
}
