// Pattern: a goroutine signals wg.Done() before its last send; the waiter then
//   closes the channel, and the late send hits a closed channel.
// Source: https://github.com/flashmob/go-guerrilla/issues/214 ("startWG.Done does
//   not ensure ... the writing of `errs <- err` is completed. Calling
//   close(errs) directly after startWg.Wait() may close a channel being written
//   to, resulting in panic")
// Goes wrong: server 2 reports "started", fails to listen a moment later and
//   sends its error after errs was closed: panic: send on closed channel.
// Fix: Done only after the error has been sent (defer wg.Done()).
// EXPECT: gocxx-chan-send-after-close line 25
// EXPECT: gocxx-chan-close-by-receiver line 37
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

go::wait_group start_wg;

go::task<> start_server(int id, go::send_chan<go::error> errs) {
  start_wg.done();  // "started"
  co_await go::sleep(50ms);  // binding the listener
  if (id == 2) {
    co_await errs.send(go::errorf("server %d: address in use", id));
  }
}

int main() {
  return go::run([]() -> go::task<> {
    auto errs = go::make_chan<go::error>(2);
    for (int id = 1; id <= 2; ++id) {
      start_wg.add(1);
      go::spawn(start_server, id, errs);
    }
    co_await start_wg.wait();
    errs.close();
    while (auto err = co_await errs.next()) std::printf("%s\n", err->message().c_str());
    std::printf("all servers started\n");
    co_await go::sleep(100ms);
  });
}
