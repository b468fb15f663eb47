// coroutines: ports Go functions that block (channel receives, a select,
// sub-calls that block) as go::task coroutines whose locals live in the
// goroutine's frame across co_await. The rewrite should move the request
// object handed to a blocking sub-call that only reads it, the retry state
// kept across a co_await in a loop, and the per-round select bookkeeping;
// it must keep the request sent through a select's on_send case, the object
// captured by value by a spawned goroutine, and the reply a coroutine
// co_returns.
// fixes: 3
// moved: 6
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct request {
  int id;
  int payload;
};
struct reply {
  int id;
  int result;
};
struct retry_state {
  int attempts;
  int last;
};
struct round_info {
  int round;
  int chosen;
};

// Reads the request while it blocks: the request does not escape.
go::task<int> serve(go::ptr<request> r, go::recv_chan<int> tokens) {
  int t = co_await tokens.recv();
  co_return r->payload * 10 + t;
}

// The reply is returned from the coroutine: escapes.
go::task<go::ptr<reply>> answer(int id, int v) {
  auto rep = go::new_<reply>(id, v);
  co_await go::yield();
  co_return rep;
}

go::task<int> with_retries(go::recv_chan<int> tokens) {
  auto st = go::new_<retry_state>(0, 0);  // moved: lives across the co_awaits
  while (st->attempts < 3) {
    st->last = co_await tokens.recv();
    st->attempts++;
  }
  co_return st->last + st->attempts;
}

int main() {
  return go::run([]() -> go::task<> {
    auto tokens = go::make_chan<int>(8);
    for (int i = 1; i <= 8; ++i) co_await tokens.send(i);

    auto req = go::new_<request>(1, 4);  // moved: serve() only reads it
    int served = co_await serve(req, tokens);
    std::printf("served %d\n", served);
    std::printf("retries give %d\n", co_await with_retries(tokens));

    auto rep = co_await answer(7, 42);
    std::printf("reply %d -> %d\n", rep->id, rep->result);

    // A select that sends a request to a helper goroutine.
    auto inbox = go::make_chan<go::ptr<request>>(1);
    auto outbox = go::make_chan<int>();
    auto shared = go::new_<request>(9, 100);  // captured by value by the goroutine: escapes
    go::spawn([shared, inbox, outbox]() -> go::task<> {
      auto r = co_await inbox.recv();
      co_await outbox.send(r->payload + shared->payload);
    });
    for (int round = 0; round < 4; ++round) {
      auto info = go::new_<round_info>(round, -1);  // moved, per round
      if (round == 2) {
        auto sent = go::new_<request>(2, 5);  // sent by the select: escapes
        info->chosen = co_await go::select(go::on_send(inbox, sent), go::on_default());
      } else {
        info->chosen = co_await go::select(go::on_default());
      }
      std::printf("round %d: case %d\n", info->round, info->chosen);
    }
    std::printf("helper says %d\n", co_await outbox.recv());
    std::printf("tokens left %zu\n", tokens.len());
    std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
  });
}
