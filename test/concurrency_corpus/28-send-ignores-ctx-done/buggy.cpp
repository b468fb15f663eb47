// Pattern: the goroutine running a call sends its response without selecting
//   on ctx.Done(); when the caller gives up on the context, nobody receives.
// Source: https://github.com/fullstorydev/grpchan/pull/17 ("fix goroutine leak in
//   inprocgrpc": "writes to channel must use `select` operation to respect RPC
//   context. Otherwise, channel write operation can block indefinitely")
// Goes wrong: the 10 ms deadline expires, invoke() returns the context error,
//   and the handler's send blocks forever (leak).
// Fix: the handler selects between sending and ctx.done().
// EXPECT: gocxx-leak-blocked-send line 19
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

go::task<> handler(go::context ctx, go::send_chan<int> resp) {
  co_await go::sleep(30ms);  // the server method is slow
  co_await resp.send(42);
}

go::task<go::error> invoke(go::context ctx, int* out) {
  auto resp = go::make_chan<int>();
  go::spawn(handler, ctx, resp);
  switch (co_await go::select(go::on_recv(resp, out), go::on_recv(ctx.done()))) {
    case 0:
      co_return go::error{};
    default:
      co_return ctx.err();
  }
}

int main() {
  return go::run([]() -> go::task<> {
    auto [ctx, cancel] = go::with_timeout(go::background(), 10ms);
    go::defer release([cancel] { cancel(); });
    int reply = 0;
    go::error err = co_await invoke(ctx, &reply);
    std::printf("invoke: %s (reply %d)\n", err.message().c_str(), reply);
  });
}
