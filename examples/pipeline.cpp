// pipeline: generator -> square -> sink, each stage a goroutine joined by
// unbuffered channels. The sink takes what it needs and cancels a context;
// every stage watches ctx.done(), so the (endless) generator stops too.
//
// Go equivalent (compare https://go.dev/blog/pipelines):
//
//   func gen(ctx context.Context, out chan<- int) {
//       defer close(out)
//       for i := 1; ; i++ {
//           select {
//           case out <- i:
//           case <-ctx.Done(): return
//           }
//       }
//   }
//   func square(ctx context.Context, in <-chan int, out chan<- int) {
//       defer close(out)
//       for v := range in {
//           select {
//           case out <- v * v:
//           case <-ctx.Done(): return
//           }
//       }
//   }
#include <gocxx/gocxx.hpp>

#include <cstdio>

go::task<> gen(go::context ctx, go::send_chan<int> out, go::wait_group* wg) {
  go::defer d([=] { out.close(); wg->done(); });  // defer wg.Done(); defer close(out)
  for (int i = 1;; ++i) {
    if (co_await go::select(go::on_send(out, i), go::on_recv(ctx.done())) == 1) co_return;
  }
}

go::task<> square(go::context ctx, go::recv_chan<int> in, go::send_chan<int> out,
                  go::wait_group* wg) {
  go::defer d([=] { out.close(); wg->done(); });
  while (auto v = co_await in.next()) {  // for v := range in
    if (co_await go::select(go::on_send(out, *v * *v), go::on_recv(ctx.done())) == 1) co_return;
  }
}

int main() {
  return go::run([]() -> go::task<> {
    auto [ctx, cancel] = go::with_cancel(go::background());  // ctx, cancel := context.WithCancel(...)
    go::defer d([cancel] { cancel(); });                     // defer cancel()
    auto nums = go::make_chan<int>();
    auto squares = go::make_chan<int>();
    // The goroutines get &wg; wg.wait() below joins them before wg's scope
    // ends (gocxx-escape-dangling proves that join).
    go::wait_group wg;
    wg.add(2);
    go::spawn(gen, ctx, nums, &wg);
    go::spawn(square, ctx, nums, squares, &wg);

    long sum = 0;
    int received = 0;
    while (auto v = co_await squares.next()) {  // the sink: for v := range squares
      std::printf("sink received %d\n", *v);
      sum += *v;
      if (++received == 5) break;  // enough: stop reading
    }
    std::printf("sink: got %d values, sum %ld; cancelling\n", received, sum);
    cancel();            // without this, gen and square would block forever (a leak)
    co_await wg.wait();  // both stages have returned
    std::printf("ctx.err() = %s\n", ctx.err().message().c_str());
    std::printf("all stages exited\n");
  });
}
