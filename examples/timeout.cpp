// timeout: wait for a slow result, but not forever. A select races the
// result channel against go::after(timeout) (Go's time.After); whichever is
// ready first wins. Run twice: once the work is too slow, once it is fast.
//
// Go equivalent:
//
//   func fetch(work time.Duration) <-chan string {
//       out := make(chan string, 1)   // buffered: the sender can finish even if
//       go func() {                   // nobody is listening any more (no leak)
//           time.Sleep(work)
//           out <- fmt.Sprintf("result after %v", work)
//       }()
//       return out
//   }
//   func attempt(work, timeout time.Duration) {
//       select {
//       case r := <-fetch(work):          fmt.Println("got", r)
//       case <-time.After(timeout):       fmt.Println("timed out")
//       }
//   }
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>
#include <string>

using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;

go::recv_chan<std::string> fetch(ms work) {
  auto out = go::make_chan<std::string>(1);
  go::spawn([](go::send_chan<std::string> out, ms work) -> go::task<> {
    co_await go::sleep(work);  // pretend to do something slow
    co_await out.send("result after " + std::to_string(work.count()) + "ms");
  }, out, work);
  return out;
}

go::task<> attempt(ms work, ms timeout) {
  std::printf("work %lldms, timeout %lldms: ", (long long)work.count(), (long long)timeout.count());
  std::string r;
  switch (co_await go::select(go::on_recv(fetch(work), &r),          // case 0
                              go::on_recv(go::after(timeout)))) {    // case 1
    case 0: std::printf("got \"%s\"\n", r.c_str()); break;
    case 1: std::printf("timed out\n"); break;
  }
}

int main() {
  return go::run([]() -> go::task<> {
    co_await attempt(300ms, 50ms);  // too slow: the timeout fires first
    co_await attempt(10ms, 1s);     // fast enough: the result wins
  });
}
