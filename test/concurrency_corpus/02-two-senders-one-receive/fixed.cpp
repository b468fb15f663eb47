// Pattern: two goroutines send on one unbuffered channel that is received from
//   once: whichever sends second blocks forever.
// Source: https://github.com/kubernetes/kubernetes/pull/85017 (kubeadm
//   WaitForKubeletAndFunc: "potentially two writes yet only one read on a
//   non-buffered channel")
// Goes wrong: the kubelet health check fails first and its error is returned;
//   f() finishes later and blocks forever in `errorChan <- f()` (leak). With
//   other timings the health check's send is the one left blocked.
// Fix: a buffered channel (the PR used one slot; the first value is received,
//   the second lands in the buffer).
// EXPECT: none
#include <gocxx/gocxx.hpp>

#include <chrono>
#include <cstdio>

using namespace std::chrono_literals;

go::task<go::error> wait_for_kubelet_and_func() {
  auto error_chan = go::make_chan<go::error>(1);  // the slower writer never blocks
  go::spawn([](go::send_chan<go::error> errc) -> go::task<> {
    co_await go::sleep(10ms);  // WaitForHealthyKubelet fails quickly
    co_await errc.send(go::errorf("kubelet is not healthy"));
  }, error_chan);
  go::spawn([](go::send_chan<go::error> errc) -> go::task<> {
    co_await go::sleep(30ms);  // f() takes longer
    co_await errc.send(go::error{});
  }, error_chan);
  co_return co_await error_chan.recv();  // one read for two writes
}

int main() {
  return go::run([]() -> go::task<> {
    go::error err = co_await wait_for_kubelet_and_func();
    std::printf("result: %s\n", err ? err.message().c_str() : "ok");
  });
}
