// containers (plain C++): per-iteration std::make_unique objects that are
// used and dropped inside one iteration, next to objects that outlive the
// iteration or the function: moved into a std::vector or a std::map, or
// kept alive across iterations through a unique_ptr declared outside the
// loop. A check gocxx-escape-unique-to-stack should turn the per-iteration
// sample of mean() and the stats object handed by reference to report()
// into stack objects; it must keep the samples moved into the vector and the
// map, and the samples of max_gap(), each of which `prev` carries into the
// next iteration.
// fixes: 2
// moved: 6
#include <cstdio>
#include <map>
#include <memory>
#include <vector>

struct sample {
  int idx;
  double value;
};
struct stats {
  double sum = 0;
  int n = 0;
  double max_gap = 0;
};

double mean(const std::vector<double>& xs) {
  double sum = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    auto s = std::make_unique<sample>(static_cast<int>(i), xs[i]);  // moved, per iteration
    sum += s->value;
  }
  return xs.empty() ? 0 : sum / static_cast<double>(xs.size());
}

// cur is moved into prev: it lives into the next iteration, kept.
double max_gap(const std::vector<double>& xs) {
  std::unique_ptr<sample> prev;
  double gap = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    auto cur = std::make_unique<sample>(static_cast<int>(i), xs[i]);
    if (prev && cur->value - prev->value > gap) gap = cur->value - prev->value;
    prev = std::move(cur);
  }
  return gap;
}

void report(const stats& st) { std::printf("n=%d sum=%.2f max gap %.2f\n", st.n, st.sum, st.max_gap); }

int main() {
  std::vector<double> xs{1.0, 2.5, 2.0, 6.0, 6.5};
  std::printf("mean %.3f\n", mean(xs));
  auto st = std::make_unique<stats>();  // moved: report() only reads it
  st->max_gap = max_gap(xs);
  for (double x : xs) st->sum += x, st->n++;
  report(*st);

  std::vector<std::unique_ptr<sample>> kept;
  kept.reserve(xs.size());
  std::map<int, std::unique_ptr<sample>> by_bucket;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    auto s = std::make_unique<sample>(static_cast<int>(i), xs[i]);
    if (s->value > 2.0)
      kept.push_back(std::move(s));  // into the vector: kept
    else
      by_bucket[static_cast<int>(s->value)] = std::move(s);  // into the map: kept
  }
  std::printf("kept %zu, buckets %zu, first kept #%d\n", kept.size(), by_bucket.size(), kept.front()->idx);
}
