// ping_pong: two goroutines hit a ball back and forth over two unbuffered
// channels. Each send hands the ball over, so the output is strictly ordered.
//
// Go equivalent:
//
//   func player(name string, in <-chan int, out chan<- int, wg *sync.WaitGroup) {
//       defer wg.Done()
//       for ball := range in {                 // ends when the other player closes `in`
//           fmt.Println(name, ball)
//           if ball == rounds { close(out); return }
//           out <- ball + 1
//       }
//   }
//   func main() {
//       ping, pong := make(chan int), make(chan int)
//       var wg sync.WaitGroup
//       wg.Add(2)
//       go player("ping", ping, pong, &wg)
//       go player("pong", pong, ping, &wg)
//       ping <- 1                              // serve
//       wg.Wait()
//   }
#include <gocxx/gocxx.hpp>

#include <cstdio>

constexpr int rounds = 6;

go::task<> player(const char* name, go::recv_chan<int> in, go::send_chan<int> out,
                  go::wait_group* wg) {
  go::defer done([wg] { wg->done(); });  // defer wg.Done()
  while (auto ball = co_await in.next()) {  // for ball := range in
    std::printf("%s %d\n", name, *ball);
    if (*ball == rounds) {  // last hit: closing `out` ends the other player's loop
      out.close();
      co_return;
    }
    co_await out.send(*ball + 1);  // out <- ball + 1
  }
}

int main() {
  return go::run([]() -> go::task<> {
    auto ping = go::make_chan<int>();
    auto pong = go::make_chan<int>();
    // The goroutines get &wg; wg.wait() below joins them before wg's scope
    // ends (gocxx-escape-dangling proves that join).
    go::wait_group wg;
    wg.add(2);
    go::spawn(player, "ping", ping, pong, &wg);  // go player("ping", ping, pong, &wg)
    go::spawn(player, "pong", pong, ping, &wg);
    co_await ping.send(1);  // serve
    co_await wg.wait();     // wg.Wait()
    std::printf("game over after %d hits\n", rounds);
  });
}
