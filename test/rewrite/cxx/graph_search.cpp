// graph_search (plain C++): breadth-first search, Dijkstra and a recursive
// depth-first walk over a small generated graph, with per-search state in
// fixed-size structs. A check gocxx-escape-unique-to-stack should turn the
// visit state of bfs_dist() (make_unique), the frontier of dijkstra()
// (new/delete, two early returns delete it first) and the small per-call
// frame of the recursive dfs_reach() into stack objects; it must keep the
// graph make_graph() returns, the 400-byte trail of the recursive
// dfs_reach(), the route carried across iterations by `best`, the route
// cached in a global pointer and the run-time-sized component labels.
// fixes: 3
// moved: 57
#include <cstdio>
#include <memory>
#include <vector>

constexpr int N = 24;

struct graph {
  std::vector<std::vector<std::pair<int, int>>> adj;  // (to, weight)
};
struct visit_state {
  int dist[N];
  int queue[N];
  int head, tail;
};
struct frontier {
  long best[N];
  bool done[N];
  int settled;
};
struct dfs_frame {
  int node;
  int fanout;
};
struct trail {
  int nodes[100];
};
struct route {
  int to;
  long cost;
};

route* g_cached = nullptr;  // the cheapest route found, owned by main

std::unique_ptr<graph> make_graph(int seed) {
  auto g = std::make_unique<graph>();  // kept: returned
  g->adj.resize(N);
  for (int v = 0; v < N; ++v)
    for (int k = 1; k <= 2; ++k) {
      int to = (v * (seed + k) + k * 5) % N;
      if (to != v && v % 7 != 6) g->adj[v].push_back({to, (v + to * k) % 9 + 1});
    }
  return g;
}

int bfs_dist(const graph& g, int src, int dst) {
  auto st = std::make_unique<visit_state>();  // moved, per search
  for (int& d : st->dist) d = -1;
  st->dist[src] = 0;
  st->queue[st->tail++] = src;
  while (st->head < st->tail) {
    int v = st->queue[st->head++];
    for (auto [to, w] : g.adj[v])
      if (st->dist[to] < 0) st->dist[to] = st->dist[v] + 1, st->queue[st->tail++] = to;
  }
  return st->dist[dst];
}

long dijkstra(const graph& g, int src, int dst) {
  frontier* f = new frontier{};  // moved: deleted on every path out
  if (src == dst) {
    delete f;
    return 0;
  }
  for (long& b : f->best) b = -1;
  f->best[src] = 0;
  for (;;) {
    int v = -1;
    for (int u = 0; u < N; ++u)
      if (!f->done[u] && f->best[u] >= 0 && (v < 0 || f->best[u] < f->best[v])) v = u;
    if (v < 0) break;
    f->done[v] = true;
    f->settled++;
    for (auto [to, w] : g.adj[v])
      if (f->best[to] < 0 || f->best[v] + w < f->best[to]) f->best[to] = f->best[v] + w;
  }
  if (f->best[dst] < 0) {
    delete f;
    return -1;
  }
  long r = f->best[dst] * 100 + f->settled;
  delete f;
  return r;
}

int dfs_reach(const graph& g, int v, std::vector<bool>& seen, long& checksum) {
  auto fr = std::make_unique<dfs_frame>(v, 0);  // moved: 8 bytes, fine in a recursive function
  auto tr = std::make_unique<trail>();          // kept: 400 bytes in a recursive function
  seen[v] = true;
  int count = 1;
  for (auto [to, w] : g.adj[fr->node])
    if (!seen[to]) {
      tr->nodes[fr->fanout++] = to;
      count += dfs_reach(g, to, seen, checksum);
    }
  for (int i = 0; i < fr->fanout; ++i) checksum = checksum * 31 % 1000003 + tr->nodes[i] * (i + 1);
  return count;
}

int components(const graph& g) {
  auto label = std::make_unique<int[]>(N);  // kept: an array
  for (int v = 0; v < N; ++v) label[v] = v;
  for (bool changed = true; changed;) {
    changed = false;
    for (int v = 0; v < N; ++v)
      for (auto [to, w] : g.adj[v]) {
        int m = label[v] < label[to] ? label[v] : label[to];
        if (label[v] != m || label[to] != m) label[v] = label[to] = m, changed = true;
      }
  }
  int n = 0;
  for (int v = 0; v < N; ++v) n += label[v] == v;
  return n;
}

int main() {
  for (int seed = 1; seed <= 3; ++seed) {
    auto g = make_graph(seed);
    std::vector<bool> seen(N, false);
    long checksum = 0;
    int reach = dfs_reach(*g, 0, seen, checksum);
    std::unique_ptr<route> best;
    for (int dst = 1; dst < N; dst += 5) {
      long d = dijkstra(*g, 0, dst);
      if (d < 0) continue;
      auto r = std::make_unique<route>(dst, d / 100);  // kept: carried on by best
      if (!best || r->cost < best->cost) best = std::move(r);
    }
    std::printf("seed %d: bfs 0->%d %d hops, dijkstra 0->0 %ld, reach %d (%ld), components %d", seed, N - 1,
                bfs_dist(*g, 0, N - 1), dijkstra(*g, 0, 0), reach, checksum, components(*g));
    if (best) std::printf(", best route to %d costs %ld", best->to, best->cost);
    std::printf("\n");
    if (best && (!g_cached || best->cost < g_cached->cost)) {
      delete g_cached;
      g_cached = new route{best->to, best->cost};  // kept: stored in a global
    }
  }
  if (g_cached) std::printf("cached route to %d costs %ld\n", g_cached->to, g_cached->cost);
  delete g_cached;
}
