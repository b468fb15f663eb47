// small_tree: ports two Go tree idioms. eval_fixed() builds the expression
// tree of (2+3)*(7-4) from literal nodes and evaluates it before returning
// (every &Expr{...} stays on the stack in Go); bst_insert() grows a binary
// search tree (`n.left = insert(n.left, v)`) whose nodes the returned root
// keeps. The rewrite should move the seven nodes of eval_fixed() and the
// explicit traversal stack of in_order(); it must keep every BST node and
// the root remembered in a package-level var. The leaves spell their nil
// children out: some builds of gocxx count a go::new_ that leaves a go::ptr
// member to its default as escaping.
// fixes: 8
// moved: 9
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct expr {
  char op;  // 'n' for a number
  long value;
  go::ptr<expr> left, right;
};

long eval(go::ptr<expr> e) {
  switch (e->op) {
    case '+': return eval(e->left) + eval(e->right);
    case '-': return eval(e->left) - eval(e->right);
    case '*': return eval(e->left) * eval(e->right);
    default: return e->value;
  }
}

int depth(go::ptr<expr> e) {
  if (!e) return 0;
  int l = depth(e->left), r = depth(e->right);
  return 1 + (l > r ? l : r);
}

long eval_fixed() {
  auto two = go::new_<expr>('n', 2, nullptr, nullptr);    // moved
  auto three = go::new_<expr>('n', 3, nullptr, nullptr);  // moved
  auto seven = go::new_<expr>('n', 7, nullptr, nullptr);  // moved
  auto four = go::new_<expr>('n', 4, nullptr, nullptr);   // moved
  auto sum = go::new_<expr>('+', 0, two, three);          // moved
  auto diff = go::new_<expr>('-', 0, seven, four);        // moved
  auto prod = go::new_<expr>('*', 0, sum, diff);          // moved
  std::printf("tree depth %d\n", depth(prod));
  return eval(prod);
}

struct bst {
  int key;
  go::ptr<bst> left, right;
};

go::ptr<bst> last_root;  // package-level

// Stores into the tree: every node escapes.
go::ptr<bst> bst_insert(go::ptr<bst> n, int key) {
  if (!n) return go::new_<bst>(key);
  if (key < n->key)
    n->left = bst_insert(n->left, key);
  else
    n->right = bst_insert(n->right, key);
  return n;
}

struct walk_stack {
  go::ptr<bst> items[32];
  int n = 0;
};

// Iterative in-order walk with an explicit stack object.
void in_order(go::ptr<bst> root) {
  auto st = go::new_<walk_stack>();  // moved, once per call
  auto cur = root;
  while (cur || st->n > 0) {
    while (cur) {
      st->items[st->n++] = cur;
      cur = cur->left;
    }
    cur = st->items[--st->n];
    std::printf(" %d", cur->key);
    cur = cur->right;
  }
  std::printf("\n");
}

int main() {
  std::printf("(2+3)*(7-4) = %ld\n", eval_fixed());
  go::ptr<bst> root;
  for (int k : {50, 30, 70, 20, 40, 60, 80, 35}) root = bst_insert(root, k);
  last_root = root;
  std::printf("in order:");
  in_order(root);
  std::printf("in order again:");
  in_order(last_root);
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
