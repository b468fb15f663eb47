// deadlock: a deliberate bug. main locks a mutex, starts a worker that needs
// the mutex to send its result, then waits for that result without unlocking.
// Nothing can make progress, and like Go the runtime notices, prints every
// goroutine with what it is blocked on, and exits with status 2:
//
//   fatal error: all goroutines are asleep - deadlock!
//
//   goroutine 1 [chan receive]:
//   ...
//   goroutine 2 [sync.Mutex.Lock]:
//   ...
//
// Go equivalent:
//
//   func worker(mu *sync.Mutex, results chan<- int) {
//       mu.Lock()               // blocks forever: main holds mu
//       defer mu.Unlock()
//       results <- 42
//   }
//   func main() {
//       var mu sync.Mutex
//       results := make(chan int)
//       mu.Lock()
//       go worker(&mu, results)
//       fmt.Println(<-results)  // BUG: should have called mu.Unlock() first
//   }
#include <gocxx/gocxx.hpp>

#include <cstdio>

// The mutex lives in the GC heap, as Go's escape analysis puts `mu` there:
// the worker may outlive main's frame (its deferred unlock runs after its
// send), so a local mutex would dangle (gocxx-escape-dangling says so).
go::task<> worker(go::ptr<go::mutex> mu, go::send_chan<int> results) {
  co_await mu->lock();  // blocks forever: main holds mu
  go::defer unlock([mu] { mu->unlock(); });
  co_await results.send(42);
}

int main() {
  return go::run([]() -> go::task<> {
    auto mu = go::new_<go::mutex>();
    auto results = go::make_chan<int>();
    co_await mu->lock();
    go::spawn(worker, mu, results);
    std::printf("main: waiting for the worker's result (while still holding the mutex)\n");
    std::fflush(stdout);  // the deadlock report ends the process
    int v = co_await results.recv();  // nobody will ever send: deadlock
    std::printf("unreachable: %d\n", v);
  });
}
