// hello: the smallest gocxx program. The main goroutine starts one more
// goroutine and receives a greeting from it over an unbuffered channel.
//
// Go equivalent:
//
//   func main() {
//       ch := make(chan string)
//       go func(out chan<- string) { out <- "hello from goroutine" }(ch)
//       fmt.Println(<-ch)
//   }
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <string>

int main() {
  // go::run starts the scheduler and runs the lambda as the main goroutine
  // (Go's func main). It returns 0 when that goroutine finishes.
  return go::run([]() -> go::task<> {
    auto ch = go::make_chan<std::string>();  // ch := make(chan string)

    // go func(out chan<- string) { ... }(ch)
    // A goroutine body is a coroutine returning go::task<>; every operation
    // that may block is a co_await.
    go::spawn([](go::send_chan<std::string> out) -> go::task<> {
      co_await out.send("hello from goroutine");  // out <- "..."
    }, ch);

    std::string msg = co_await ch.recv();  // msg := <-ch  (waits for the sender)
    std::printf("main received: %s\n", msg.c_str());
  });
}
