// loops: ports Go loops that allocate a fresh object per iteration
// (`for i, x := range xs { s := &Sample{i, x}; ... }`) in every loop form:
// for, range-for over a slice and over a map, while, do-while, nested loops,
// with continue and break. The rewrite should move each per-iteration
// object (a fresh go::local per iteration) and the accumulator of mean();
// it must keep the objects linked from one iteration to the next, those
// appended to a slice that outlives the loop, and the last one stored in a
// package-level var.
// fixes: 7
// moved: 39
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct sample {
  int idx;
  double value;
};
struct accum {
  double sum = 0;
  int n = 0;
};
struct chain_link {
  int value;
  go::ptr<chain_link> prev;
};

go::ptr<sample> last_sample;  // package-level

double mean(go::slice<double> xs) {
  auto a = go::new_<accum>();  // moved
  for (std::size_t i = 0; i < xs.len(); ++i) {
    auto s = go::new_<sample>(static_cast<int>(i), xs[i]);  // moved, per iteration
    if (s->value < 0) continue;
    a->sum += s->value;
    a->n++;
  }
  return a->n ? a->sum / a->n : 0;
}

int count_big(go::slice<double> xs, double limit) {
  int n = 0;
  for (double x : xs) {
    auto s = go::new_<sample>(n, x);  // moved, per iteration
    if (s->value > limit) ++n;
  }
  return n;
}

double weighted(go::map<int, double> weights) {
  double total = 0;
  for (auto [k, w] : weights) {
    auto s = go::new_<sample>(k, w * k);  // moved, per entry
    total += s->value;
  }
  return total;
}

int collatz_steps(long n) {
  int steps = 0;
  while (n != 1) {
    auto st = go::new_<sample>(steps, static_cast<double>(n));  // moved, per iteration
    n = static_cast<long>(st->value) % 2 == 0 ? n / 2 : 3 * n + 1;
    ++steps;
  }
  return steps;
}

int digits(long n) {
  int d = 0;
  do {
    auto s = go::new_<sample>(d, static_cast<double>(n % 10));  // moved, per iteration
    n /= 10;
    d += s->idx >= 0 ? 1 : 0;
  } while (n > 0);
  return d;
}

int grid(int w, int h) {
  int cells = 0;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      auto c = go::new_<sample>(x * y, 1.0);  // moved, per inner iteration
      if (c->idx > 2) break;
      cells += static_cast<int>(c->value);
    }
  }
  return cells;
}

// Each link points to the previous iteration's: they escape the iteration.
int chain(int n) {
  go::ptr<chain_link> last;
  for (int i = 0; i < n; ++i) last = go::new_<chain_link>(i, last);
  int s = 0;
  for (auto l = last; l; l = l->prev) s += l->value;
  return s;
}

// Appended to a slice that outlives the loop, and one kept in a global.
go::slice<go::ptr<sample>> keep_negative(go::slice<double> xs) {
  go::slice<go::ptr<sample>> out;
  for (std::size_t i = 0; i < xs.len(); ++i) {
    auto s = go::new_<sample>(static_cast<int>(i), xs[i]);
    if (s->value < 0) out = go::append(out, s);
    last_sample = s;
  }
  return out;
}

int main() {
  go::slice<double> xs{1.5, -2.0, 4.0, 8.5, -0.5};
  auto weights = go::make_map<int, double>();
  for (int k = 1; k <= 4; ++k) weights.set(k, 0.5 * k);
  std::printf("mean of non-negative %.3f\n", mean(xs));
  std::printf("bigger than 2: %d\n", count_big(xs, 2));
  std::printf("weighted %.2f\n", weighted(weights));
  std::printf("collatz(6) takes %d steps\n", collatz_steps(6));
  std::printf("digits(90210) = %d\n", digits(90210));
  std::printf("grid cells %d\n", grid(4, 3));
  std::printf("chain sum %d\n", chain(5));
  auto neg = keep_negative(xs);
  std::printf("%zu negative samples, last sample #%d\n", neg.len(), last_sample->idx);
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
