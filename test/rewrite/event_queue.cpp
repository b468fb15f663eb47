// event_queue: ports a Go discrete-event simulation built on a binary heap
// of *Event (container/heap style push/pop on a []*Event), with a *Clock
// and per-step bookkeeping. The rewrite should move the simulation clock,
// the comparison key built on each heap comparison (17 comparisons for these
// 6 pushes and 6 pops) and the per-event log line; it must keep the events
// pushed into the heap slice, the queue new_queue() returns, and the last
// event remembered in a package-level var.
// fixes: 3
// moved: 24
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct event {
  long at;
  int seq;
  const char* what;
};
struct queue {
  go::slice<go::ptr<event>> items;
};
struct key {
  long at;
  int seq;
};
struct clock_state {
  long now;
  int handled;
};
struct log_line {
  long at;
  const char* what;
};

go::ptr<event> last_event;  // package-level

go::ptr<queue> new_queue() { return go::new_<queue>(go::slice<go::ptr<event>>{}); }  // returned: escapes

bool before(go::ptr<event> a, go::ptr<event> b) {
  auto ka = go::new_<key>(a->at, a->seq);  // moved, per comparison
  return ka->at < b->at || (ka->at == b->at && ka->seq < b->seq);
}

void push(go::ptr<queue> q, go::ptr<event> e) {
  q->items = go::append(q->items, e);
  std::size_t i = q->items.len() - 1;
  while (i > 0 && before(q->items[i], q->items[(i - 1) / 2])) {
    auto t = q->items[i];
    q->items[i] = q->items[(i - 1) / 2];
    q->items[(i - 1) / 2] = t;
    i = (i - 1) / 2;
  }
}

go::ptr<event> pop(go::ptr<queue> q) {
  auto top = q->items[0];
  std::size_t n = q->items.len() - 1;
  q->items[0] = q->items[n];
  q->items = q->items.sub(0, static_cast<std::ptrdiff_t>(n));
  std::size_t i = 0;
  for (;;) {
    std::size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < n && before(q->items[l], q->items[m])) m = l;
    if (r < n && before(q->items[r], q->items[m])) m = r;
    if (m == i) break;
    auto t = q->items[i];
    q->items[i] = q->items[m];
    q->items[m] = t;
    i = m;
  }
  return top;
}

int main() {
  auto q = new_queue();
  const long times[] = {30, 10, 50, 10, 20, 40};
  const char* names[] = {"deliver", "order", "invoice", "pick", "pack", "ship"};
  for (int s = 0; s < 6; ++s) push(q, go::new_<event>(times[s], s, names[s]));  // pushed: escape

  auto clk = go::new_<clock_state>(0, 0);  // moved
  while (q->items.len() > 0) {
    auto e = pop(q);
    clk->now = e->at;
    clk->handled++;
    auto line = go::new_<log_line>(e->at, e->what);  // moved, per event
    std::printf("t=%3ld %s\n", line->at, line->what);
    last_event = e;
  }
  std::printf("%d events, clock at %ld, last %s\n", clk->handled, clk->now, last_event->what);
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
