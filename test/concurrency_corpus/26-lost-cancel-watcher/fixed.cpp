// Pattern: context.WithCancel whose cancel is never called: a goroutine that
//   waits for ctx.Done() to clean up waits forever (go vet: lostcancel).
// Source: go vet lostcancel,
//   https://pkg.go.dev/golang.org/x/tools/go/analysis/passes/lostcancel, and
//   https://github.com/hyperjumptech/grule-rule-engine/pull/123 (a goroutine
//   that "exits only on cancellation of the context ... will remain stalled
//   indefinitely" when the caller does not cancel)
// Goes wrong: execute() returns without cancelling; its watcher goroutine stays
//   blocked on ctx.done() (leak).
// Fix: defer cancel().
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <cstdio>

go::task<go::error> execute(go::context parent, int cycles) {
  auto [ctx, cancel] = go::with_cancel(parent);
  go::defer release([cancel] { cancel(); });
  go::spawn([](go::context ctx) -> go::task<> {
    co_await ctx.done().recv();  // stop the engine when the run is over
    std::printf("watcher: engine stopped (%s)\n", ctx.err().message().c_str());
  }, ctx);
  int fired = 0;
  for (int i = 0; i < cycles; ++i) {
    if (ctx.err()) co_return ctx.err();
    ++fired;  // evaluate and fire the rules
  }
  std::printf("executed %d cycle(s)\n", fired);
  co_return go::error{};
}

int main() {
  return go::run([]() -> go::task<> {
    go::error err = co_await execute(go::background(), 3);
    std::printf("execute: %s\n", err.message().c_str());
  });
}
