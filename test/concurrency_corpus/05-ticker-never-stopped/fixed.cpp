// Pattern: a ticker in a goroutine that loops forever: neither the ticker nor
//   the goroutine can ever be stopped (Go: `for range time.Tick(d)`).
// Source: staticcheck SA1015, https://staticcheck.dev/docs/checks/#SA1015, and
//   https://github.com/golang/go/issues/11662 ("time.Tick causes a resource leak")
// Goes wrong: the cache janitor keeps ticking after close(); at the end of
//   go::run it is still alive (leak), and the ticker with it.
// Fix: NewTicker + defer Stop, and a quit channel the janitor selects on.
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

std::atomic<int> sweeps{0};

struct cache {
  go::chan<go::unit> quit = go::make_chan<go::unit>();

  void start_janitor() {
    go::spawn([](go::chan<go::unit> quit) -> go::task<> {
      go::ticker tick(5ms);
      go::defer stop([&tick] { tick.stop(); });
      for (;;) {
        if (co_await go::select(go::on_recv(tick.c()), go::on_recv(quit)) == 1) co_return;
        ++sweeps;  // evict expired entries
      }
    }, quit);
  }
  void close() { quit.close(); }
};

int main() {
  return go::run([]() -> go::task<> {
    cache c;
    c.start_janitor();
    co_await go::sleep(30ms);
    c.close();
    std::printf("janitor ran: %s\n", sweeps > 0 ? "yes" : "no");
  });
}
