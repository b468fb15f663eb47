// binary_trees: the classic garbage-collector workout. Trees of go::ptr
// nodes are built and dropped by several goroutines at once; the collector
// reclaims them concurrently while one long-lived tree stays reachable.
//
// Go equivalent (the benchmarks game's binary-trees, abridged):
//
//   type Node struct{ left, right *Node }
//   func bottomUp(d int) *Node {
//       if d <= 0 { return &Node{} }
//       return &Node{bottomUp(d - 1), bottomUp(d - 1)}
//   }
//   func (n *Node) check() int {
//       if n.left == nil { return 1 }
//       return 1 + n.left.check() + n.right.check()
//   }
//   func main() {
//       longLived := bottomUp(maxDepth)
//       for d := minDepth; d <= maxDepth; d += 2 {   // one goroutine per depth
//           go func(d int) { ... sum of check() over many short-lived trees ... }(d)
//       }
//       ...
//   }
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <vector>

constexpr int min_depth = 4;
constexpr int max_depth = 14;

struct node {
  go::ptr<node> left, right;
};
// A node's destructor only drops handles, which the collector does not need:
// it frees nodes without running it, and a node takes Go's 16 bytes instead
// of 16 plus a 16-byte finalizer header.
template <>
struct go::trivially_collectable<node> : std::true_type {};

go::ptr<node> bottom_up(int depth) {
  if (depth <= 0) return go::new_<node>();
  return go::new_<node>(bottom_up(depth - 1), bottom_up(depth - 1));
}

int check(const go::ptr<node>& n) {
  if (!n->left) return 1;
  return 1 + check(n->left) + check(n->right);
}

struct depth_result {
  int depth = 0, iterations = 0;
  long checks = 0;
};

// Many short-lived trees of one depth: garbage as soon as they are checked.
go::task<> trees_of_depth(int depth, go::chan<depth_result> out) {
  depth_result r{depth, 1 << (max_depth - depth + min_depth), 0};
  for (int i = 0; i < r.iterations; ++i) r.checks += check(bottom_up(depth));
  co_await out.send(r);
}

int main() {
  return go::run([]() -> go::task<> {
    std::printf("stretch tree of depth %d\t check: %d\n", max_depth + 1, check(bottom_up(max_depth + 1)));
    go::ptr<node> long_lived = bottom_up(max_depth);

    auto results = go::make_chan<depth_result>();
    int n = 0;
    for (int d = min_depth; d <= max_depth; d += 2, ++n) go::spawn(trees_of_depth, d, results);
    std::vector<depth_result> by_depth(max_depth + 1);
    for (int i = 0; i < n; ++i) {
      depth_result r = co_await results.recv();
      by_depth[r.depth] = r;
    }
    for (int d = min_depth; d <= max_depth; d += 2)
      std::printf("%d\t trees of depth %d\t check: %ld\n", by_depth[d].iterations, d, by_depth[d].checks);
    std::printf("long lived tree of depth %d\t check: %d\n", max_depth, check(long_lived));

    const go::mem_stats_t st = go::mem_stats();
    std::printf("collections ran while the trees were built: %s\n", st.num_gc > 0 ? "yes" : "no");
  });
}
