// binary_trees_probe: the benchmarks game's binary-trees in gocxx, a whole
// program timed from outside. bench/compare.sh runs it beside its Go
// reference, bench/go/binarytrees (same work, same stdout, so the outputs can
// be diffed), and reports the wall time and peak RSS of each process.
//
// Usage: binary_trees_probe [-depth 16]
//
// Inside go::run (maxprocs = 2), with max depth D (default 16) and min depth 4:
//  1. Builds and checks a stretch tree of depth D+1, then drops it.
//  2. Builds a long-lived tree of depth D, kept until the end.
//  3. Spawns one goroutine per depth d = 4, 6, ..., D; each builds, checks and
//     drops 2^(D-d+4) trees of depth d (about 2^(D+5) nodes per depth: all
//     garbage as soon as checked) and sends its sum of checks over a channel.
//  4. The main goroutine receives the results, prints them in depth order and
//     checks the long-lived tree.
//
// A node is two go::ptr allocated with go::new_ (Go's `&Node{...}`), so the
// collector does all the freeing, as in Go. The number of GC cycles goes to
// stderr (it differs between the sides and would spoil the diff).
// examples/binary_trees.cpp is the same program at depth 14.
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr int min_depth = 4;

struct node {
  go::ptr<node> left, right;
};
}  // namespace

// Its destructor only drops handles: the collector frees it without one, so a
// node takes Go's 16 bytes (docs/runtime.md, "Memory and the GC").
template <>
struct go::trivially_collectable<node> : std::true_type {};

namespace {

go::ptr<node> bottom_up(int depth) {
  if (depth <= 0) return go::new_<node>();
  return go::new_<node>(bottom_up(depth - 1), bottom_up(depth - 1));
}

long check(const go::ptr<node>& n) {
  if (!n->left) return 1;
  return 1 + check(n->left) + check(n->right);
}

struct depth_result {
  int depth = 0;
  long iterations = 0, checks = 0;
};

// Many short-lived trees of one depth.
go::task<> trees_of_depth(int depth, int max_depth, go::send_chan<depth_result> out) {
  depth_result r{depth, 1L << (max_depth - depth + min_depth), 0};
  for (long i = 0; i < r.iterations; ++i) r.checks += check(bottom_up(depth));
  co_await out.send(r);
}

}  // namespace

int main(int argc, char** argv) {
  int max_depth = 16;
  for (int i = 1; i < argc; ++i) {
    if ((std::strcmp(argv[i], "-depth") == 0 || std::strcmp(argv[i], "--depth") == 0) && i + 1 < argc) {
      max_depth = std::atoi(argv[++i]);
    } else if (std::strncmp(argv[i], "-depth=", 7) == 0) {
      max_depth = std::atoi(argv[i] + 7);
    } else {
      std::fprintf(stderr, "usage: %s [-depth D]\n", argv[0]);
      return 2;
    }
  }
  if (max_depth < min_depth + 2) {
    std::fprintf(stderr, "binary_trees_probe: -depth must be at least %d\n", min_depth + 2);
    return 2;
  }
  return go::run(
      [max_depth]() -> go::task<> {
        const int d_max = max_depth;
        std::printf("stretch tree of depth %d\t check: %ld\n", d_max + 1, check(bottom_up(d_max + 1)));
        go::ptr<node> long_lived = bottom_up(d_max);

        // Unbuffered, as Go's `make(chan depthResult)`; the main goroutine
        // receives every result, so each sender is joined by its receive.
        auto results = go::make_chan<depth_result>();
        int n = 0;
        for (int d = min_depth; d <= d_max; d += 2, ++n) go::spawn(trees_of_depth, d, d_max, results);
        std::vector<depth_result> by_depth(d_max + 1);
        for (int i = 0; i < n; ++i) {
          depth_result r = co_await results.recv();
          by_depth[r.depth] = r;
        }
        for (int d = min_depth; d <= d_max; d += 2)
          std::printf("%ld\t trees of depth %d\t check: %ld\n", by_depth[d].iterations, d, by_depth[d].checks);
        std::printf("long lived tree of depth %d\t check: %ld\n", d_max, check(long_lived));
        std::fflush(stdout);
        std::fprintf(stderr, "gc_cycles=%u\n", go::mem_stats().num_gc);
      },
      go::config{.maxprocs = 2});
}
