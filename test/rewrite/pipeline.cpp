// pipeline: ports a Go channel pipeline (generate -> square -> sink, each
// stage a goroutine, `for v := range in { out <- &Msg{...} }`) where the
// messages travel between goroutines and each stage keeps scratch state of
// its own. The rewrite should move the generator's cursor, the per-message
// scratch of the square stage and the sink's running statistics; it must keep
// every message sent on a channel, the channels' elements, and the result
// sent back to main.
// fixes: 3
// moved: 10
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct msg {
  int seq;
  long value;
};
struct cursor {
  int next, end;
};
struct scratch {
  long in, out;
};
struct stats {
  long sum = 0, max = 0;
  int count = 0;
};
struct result {
  long sum, max;
  int count;
};

go::task<> generate(int n, go::send_chan<go::ptr<msg>> out) {
  auto c = go::new_<cursor>(1, n + 1);  // moved
  while (c->next < c->end) {
    co_await out.send(go::new_<msg>(c->next, c->next));  // sent: escapes
    c->next++;
  }
  out.close();
}

go::task<> square(go::recv_chan<go::ptr<msg>> in, go::send_chan<go::ptr<msg>> out) {
  while (auto m = co_await in.next()) {
    auto s = go::new_<scratch>((*m)->value, 0);  // moved, per message
    s->out = s->in * s->in;
    auto sq = go::new_<msg>((*m)->seq, s->out);  // sent: escapes
    co_await out.send(sq);
  }
  out.close();
}

go::task<> sink(go::recv_chan<go::ptr<msg>> in, go::send_chan<go::ptr<result>> done) {
  auto st = go::new_<stats>();  // moved
  while (auto m = co_await in.next()) {
    st->sum += (*m)->value;
    st->count++;
    if ((*m)->value > st->max) st->max = (*m)->value;
  }
  co_await done.send(go::new_<result>(st->sum, st->max, st->count));  // sent: escapes
}

int main() {
  return go::run([]() -> go::task<> {
    auto nums = go::make_chan<go::ptr<msg>>();
    auto squares = go::make_chan<go::ptr<msg>>(2);
    auto done = go::make_chan<go::ptr<result>>();
    go::spawn(generate, 8, nums);
    go::spawn(square, nums, squares);
    go::spawn(sink, squares, done);
    auto r = co_await done.recv();
    std::printf("%d squares, sum %ld, max %ld\n", r->count, r->sum, r->max);
    std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
  });
}
