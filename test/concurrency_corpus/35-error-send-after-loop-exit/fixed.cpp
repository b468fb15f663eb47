// Pattern: a select loop stops receiving once the streams report done, but an
//   error goroutine may still send on the unbuffered error channel afterwards.
// Source: https://github.com/kubernetes/kubernetes/pull/100896 ("fixes potential
//   goroutine leak in go-client due to blocking by errorChan": if the doneChan
//   case ends the loop first, "errorChan would be blocking the anonymous
//   goroutine")
// Goes wrong: both streams finish first, stream() returns, and the error reader
//   blocks forever in `errorChan <- err` (leak).
// Fix: one slot in errorChan, so the late error can always be delivered.
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

go::task<go::error> stream() {
  auto done_chan = go::make_chan<go::unit>(2);
  auto error_chan = go::make_chan<go::error>(1);
  for (int s = 0; s < 2; ++s) {  // stdout and stderr copiers
    go::spawn([](go::send_chan<go::unit> done) -> go::task<> {
      co_await go::sleep(5ms);
      co_await done.send(go::unit{});
    }, done_chan);
  }
  go::spawn([](go::send_chan<go::error> errc) -> go::task<> {
    co_await go::sleep(60ms);  // the error stream is read last
    co_await errc.send(go::errorf("error executing remote command"));
  }, error_chan);
  for (int completed = 0; completed < 2;) {
    go::error err;
    if (co_await go::select(go::on_recv(done_chan), go::on_recv(error_chan, &err)) == 1) co_return err;
    ++completed;
  }
  co_return go::error{};
}

int main() {
  return go::run([]() -> go::task<> {
    go::error err = co_await stream();
    std::printf("stream: %s\n", err.message().c_str());
  });
}
