// Pattern: the cancel function of context.WithTimeout is discarded
//   (`ctx, _ := context.WithTimeout(...)`): the context and its timer live until
//   the deadline, long after the call that needed them.
// Source: https://github.com/ory/hydra/issues/1090 ("the cancel function returned
//   by context.WithTimeout should be called, not discarded, to avoid a context
//   leak"); go vet lostcancel
// Goes wrong: nothing visible at run time: each call leaves a context with a
//   ten-minute timer behind.
// Fix: keep cancel and defer it.
// EXPECT: gocxx-leak-lost-cancel line 24
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

go::task<int> introspect_token(go::context ctx, int token) {
  if (ctx.err()) co_return -1;
  co_return token % 7;  // the HTTP round trip, bounded by ctx
}

go::task<int> validate(int token) {
  go::context ctx = go::with_timeout(go::background(), 10min).ctx;
  co_return co_await introspect_token(ctx, token);
}

int main() {
  return go::run([]() -> go::task<> {
    int valid = 0;
    for (int token = 1; token <= 100; ++token) {
      if (co_await validate(token) == 0) ++valid;
    }
    std::printf("%d valid token(s)\n", valid);
  });
}
