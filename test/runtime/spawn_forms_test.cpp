// The forms of `go f(x)` a Go programmer writes: a coroutine (go::task<>), a
// plain function or lambda (`go func() { ... }()`), and a function whose
// result the goroutine drops (`go f()` where f returns a value).

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <string>

namespace {

std::atomic<int> plain_calls{0};
void plain_function(int a, std::string s) { plain_calls += a + static_cast<int>(s.size()); }

go::task<int> answer(go::chan<int> out) {
  co_await out.send(42);
  co_return 7;  // dropped, as Go drops a goroutine function's results
}

TEST(SpawnForms, PlainLambdaRunsAsAGoroutine) {
  std::atomic<int> ran{0};
  go::run([&]() -> go::task<> {
    go::wait_group wg;
    wg.add(3);
    go::spawn([&] {
      ++ran;
      wg.done();
    });
    go::spawn(
        [&](int n) {
          ran += n;
          wg.done();
        },
        10);
    go::spawn(
        [&wg](int a, std::string s) {
          plain_function(a, std::move(s));
          wg.done();
        },
        1, std::string("abc"));
    co_await wg.wait();
  });
  EXPECT_EQ(ran.load(), 11);
  EXPECT_EQ(plain_calls.load(), 4);
}

TEST(SpawnForms, PlainFunctionPointer) {
  plain_calls = 0;
  go::run([]() -> go::task<> {
    go::spawn(plain_function, 2, std::string("xy"));
    while (plain_calls.load() == 0) co_await go::yield();
  });
  EXPECT_EQ(plain_calls.load(), 4);
}

TEST(SpawnForms, TaskWithAResultIsAwaitedAndDropped) {
  go::run([]() -> go::task<> {
    auto c = go::make_chan<int>();
    go::spawn(answer, c);
    EXPECT_EQ(co_await c.recv(), 42);
  });
}

TEST(SpawnForms, RunTakesAPlainMain) {
  int ran = 0;
  EXPECT_EQ(go::run([&] { ++ran; }), 0);
  EXPECT_EQ(ran, 1);
}

}  // namespace
