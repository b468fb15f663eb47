// leak: "first answer wins" with a goroutine leak. Three replicas answer on an
// unbuffered channel; main takes the first answer and returns, and the two
// slower replicas block in send forever. Go does not report this; gocxx does
// when run with GOCXX_LEAKCHECK=1 (exit status 1, one block per goroutine):
//
//   gocxx: leak check: 2 goroutine(s) still blocked at the end of go::run
//
// Go equivalent:
//
//   func first() string {
//       c := make(chan string)   // BUG: the fix is make(chan string, replicas)
//       for i := 1; i <= replicas; i++ {
//           go func(i int) {
//               time.Sleep(time.Duration(i) * 30 * time.Millisecond)
//               c <- fmt.Sprint("replica ", i)
//           }(i)
//       }
//       return <-c
//   }
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>
#include <string>

constexpr int replicas = 3;

go::task<std::string> first() {
  auto c = go::make_chan<std::string>();
  for (int i = 1; i <= replicas; ++i) {
    go::spawn([](int i, go::send_chan<std::string> c) -> go::task<> {
      co_await go::sleep(std::chrono::milliseconds(30 * i));
      co_await c.send("replica " + std::to_string(i));  // blocks forever for i > 1
    }, i, c);
  }
  co_return co_await c.recv();
}

int main() {
  return go::run([]() -> go::task<> {
    std::string answer = co_await first();
    std::printf("first answer: %s\n", answer.c_str());
    co_await go::sleep(std::chrono::milliseconds(200));  // let the others finish sleeping
    std::printf("goroutines still alive: %zu\n", go::num_goroutine());
  });
}
