// histogram: ports Go code that bins measurements into a histogram: a
// *Histogram built and printed inside one function, a *Bucket per bin
// looked up by index, and per-sample bookkeeping. The rewrite should move the
// range of render(), the sample holder built for each measurement and the
// bar object of each printed row; it must keep the buckets (stored into a
// go::map that the returned histogram holds) and the histogram
// new_histogram() returns. It should also move the histogram main() only
// prints (its nil map spelled out: some builds of gocxx count a go::new_
// that leaves a go::map member to its default as escaping).
// fixes: 4
// moved: 18
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct bucket {
  double lo, hi;
  int count;
};
struct histogram {
  int bins;
  double lo, width;
  go::map<int, go::ptr<bucket>> buckets;
};
struct span {
  double lo, hi;
};
struct measurement {
  double value;
  int bin;
};
struct bar {
  int len;
  char ch;
};

// Returned, and its buckets stored in its map: escape.
go::ptr<histogram> new_histogram(int bins, double lo, double hi) {
  auto h = go::new_<histogram>(bins, lo, (hi - lo) / bins, go::make_map<int, go::ptr<bucket>>());
  for (int b = 0; b < bins; ++b) h->buckets.set(b, go::new_<bucket>(lo + b * h->width, lo + (b + 1) * h->width, 0));
  return h;
}

void add(go::ptr<histogram> h, double v) {
  auto m = go::new_<measurement>(v, static_cast<int>((v - h->lo) / h->width));  // moved, per sample
  if (m->bin < 0) m->bin = 0;
  if (m->bin >= h->bins) m->bin = h->bins - 1;
  (*h->buckets.get(m->bin))->count++;
}

void render(go::slice<double> samples) {
  auto r = go::new_<span>(samples[0], samples[0]);  // moved
  for (double v : samples) {
    if (v < r->lo) r->lo = v;
    if (v > r->hi) r->hi = v;
  }
  auto h = new_histogram(4, r->lo, r->hi + 1e-9);
  for (double v : samples) add(h, v);
  for (int b = 0; b < h->bins; ++b) {
    auto bk = *h->buckets.get(b);
    auto row = go::new_<bar>(bk->count, '#');  // moved, per row
    std::printf("[%6.2f, %6.2f) %2d ", bk->lo, bk->hi, bk->count);
    for (int i = 0; i < row->len; ++i) std::putchar(row->ch);
    std::putchar('\n');
  }
}

int main() {
  go::slice<double> samples{3.2, 7.9, 1.1, 4.4, 4.6, 9.8, 2.2, 5.0, 5.5, 6.1, 0.3, 4.9};
  render(samples);
  auto local = go::new_<histogram>(2, 0.0, 5.0, nullptr);  // moved: only read and printed here
  std::printf("local histogram: %d bins of %.1f from %.1f, map %s\n", local->bins, local->width, local->lo,
              local->buckets == nullptr ? "nil" : "made");
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
