// goroutines_wg: ports Go fan-out code (`var wg sync.WaitGroup; for i := range
// parts { wg.Add(1); go func(i int) { defer wg.Done(); ... }(i) }; wg.Wait()`)
// where every goroutine fills its slot of a shared results slice and keeps
// scratch objects of its own. The rewrite should move each goroutine's
// scratch range object and per-element temporary (in the blocking function
// the goroutine calls) and the summary built after the join; it must keep
// the wait group, the mutex-guarded totals and the results slice captured by
// the goroutines, and the range each goroutine publishes through the shared
// totals.
// fixes: 3
// moved: 25
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct range {
  int lo, hi;
};
struct term {
  long value;
  bool odd;
};
struct totals {
  go::mutex mu;
  long sum = 0;
  int finished = 0;
  go::ptr<range> widest;  // kept: a goroutine stores its range here
};
struct summary {
  long min, max;
};

// The work of one goroutine: its scratch stays in this call.
go::task<long> sum_odd_squares(int lo, int hi) {
  auto r = go::new_<range>(lo, hi);  // moved: this goroutine's scratch
  long s = 0;
  for (int i = r->lo; i < r->hi; ++i) {
    auto t = go::new_<term>(static_cast<long>(i) * i, i % 2 == 1);  // moved, per element
    if (t->odd) s += t->value;
  }
  co_await go::yield();
  co_return s;
}

int main() {
  return go::run([]() -> go::task<> {
    const int parts = 4, per = 5;
    auto wg = go::new_<go::wait_group>();  // captured: escapes
    auto tot = go::new_<totals>();         // captured: escapes
    auto results = go::make_slice<long>(parts);
    for (int p = 0; p < parts; ++p) {
      wg->add(1);
      go::spawn(
          [wg, tot, results](int p) -> go::task<> {
            go::defer done([&] { wg->done(); });
            long s = co_await sum_odd_squares(p * per, (p + 1) * per);
            results[p] = s;
            auto mine = go::new_<range>(p * per, (p + 1) * per);  // published through the shared totals: escapes
            auto guard = co_await tot->mu.scoped();
            tot->sum += s;
            tot->finished++;
            if (!tot->widest || mine->lo > tot->widest->lo) tot->widest = mine;
          },
          p);
    }
    co_await wg->wait();

    auto sm = go::new_<summary>(results[0], results[0]);  // moved
    for (long v : results) {
      if (v < sm->min) sm->min = v;
      if (v > sm->max) sm->max = v;
    }
    std::printf("parts:");
    for (long v : results) std::printf(" %ld", v);
    std::printf("\nsum of odd squares below %d: %ld (%d goroutines)\n", parts * per, tot->sum, tot->finished);
    std::printf("min %ld max %ld, last range starts at %d\n", sm->min, sm->max, tot->widest->lo);
    std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
  });
}
