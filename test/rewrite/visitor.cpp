// visitor: ports a Go AST walk with visitor structs (`v := &counter{}`;
// `ast.Walk(v, node)`) and per-node temporaries. The rewrite should move the
// counting visitor and the depth visitor of stats() and the per-node label
// temporary made for each node the printing visitor visits; it must keep the
// AST itself (returned by parse_fixed()) and the nodes the collecting
// visitor appends to a slice that outlives the walk.
// fixes: 3
// moved: 7
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct node {
  const char* kind;
  int value;
  go::ptr<node> kids[3];
};

go::ptr<node> leaf(const char* kind, int v) { return go::new_<node>(kind, v); }

// The tree is returned: every node escapes.
go::ptr<node> parse_fixed() {
  auto call = go::new_<node>("call", 0);
  call->kids[0] = leaf("ident", 1);
  call->kids[1] = leaf("lit", 42);
  auto body = go::new_<node>("block", 0);
  body->kids[0] = call;
  body->kids[1] = leaf("lit", 7);
  return body;
}

template <class V>
void walk(go::ptr<node> n, V& v, int depth = 0) {
  if (!n) return;
  v.visit(n, depth);
  for (auto& k : n->kids) walk(k, v, depth + 1);
}

struct counter {
  int nodes = 0, literals = 0;
  void visit(go::ptr<node> n, int) {
    nodes++;
    if (n->kind[0] == 'l') literals++;
  }
};

struct depth_meter {
  int max_depth = 0;
  void visit(go::ptr<node>, int d) {
    if (d > max_depth) max_depth = d;
  }
};

struct label {
  const char* kind;
  int value;
  int indent;
};

struct printer {
  void visit(go::ptr<node> n, int d) {
    auto l = go::new_<label>(n->kind, n->value, 2 * d);  // moved, once per node
    std::printf("%*s%s(%d)\n", l->indent, "", l->kind, l->value);
  }
};

// Keeps what it visits: the nodes are appended to a slice.
struct collector {
  go::slice<go::ptr<node>> literals;
  void visit(go::ptr<node> n, int) {
    if (n->kind[0] == 'l') literals = go::append(literals, n);
  }
};

void stats(go::ptr<node> root) {
  auto c = go::new_<counter>();      // moved
  auto d = go::new_<depth_meter>();  // moved
  walk(root, *c);
  walk(root, *d);
  std::printf("%d nodes, %d literals, depth %d\n", c->nodes, c->literals, d->max_depth);
}

int main() {
  auto root = parse_fixed();
  printer p;
  walk(root, p);
  stats(root);
  collector col;
  walk(root, col);
  int total = 0;
  for (auto n : col.literals) total += n->value;
  std::printf("literal sum %d\n", total);
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
