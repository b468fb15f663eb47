// tree (plain C++): a small expression tree whose children are
// std::unique_ptr members, built and evaluated in one function, a tree
// built by a factory and returned, a visitor made with new/delete, and a
// node handed by value to a function that takes ownership. A check
// gocxx-escape-unique-to-stack should turn the root of eval_fixed() (its
// children stay on the heap: they are moved into the root) and the visitor
// of count_nodes() into stack objects; it must keep every child moved into
// a parent, the tree build() returns and the node sunk into consume().
// fixes: 2
// moved: 3
#include <cstdio>
#include <memory>
#include <utility>

struct node {
  char op;  // 'n' for a number
  long value;
  std::unique_ptr<node> left, right;
};

std::unique_ptr<node> leaf(long v) { return std::make_unique<node>('n', v, nullptr, nullptr); }

long eval(const node& n) {
  switch (n.op) {
    case '+': return eval(*n.left) + eval(*n.right);
    case '*': return eval(*n.left) * eval(*n.right);
    default: return n.value;
  }
}

long eval_fixed() {
  auto sum = std::make_unique<node>('+', 0, leaf(2), leaf(3));          // children moved in: kept
  auto root = std::make_unique<node>('*', 0, std::move(sum), leaf(4));  // moved: the root itself
  return eval(*root);
}

std::unique_ptr<node> build(int depth) {
  if (depth == 0) return leaf(1);
  return std::make_unique<node>('+', 0, build(depth - 1), build(depth - 1));  // returned: kept
}

struct counter {
  int nodes = 0, leaves = 0;
  void visit(const node& n) {
    nodes++;
    if (n.op == 'n') leaves++;
    if (n.left) visit(*n.left);
    if (n.right) visit(*n.right);
  }
};

int count_nodes(const node& root) {
  counter* c = new counter();  // moved
  c->visit(root);
  int r = c->nodes * 100 + c->leaves;
  delete c;
  return r;
}

long consume(std::unique_ptr<node> n) { return eval(*n) + 1; }  // takes ownership

int main() {
  std::printf("(2+3)*4 = %ld\n", eval_fixed());
  auto t = build(3);
  std::printf("build(3) = %ld, nodes/leaves %d\n", eval(*t), count_nodes(*t));
  std::printf("count again %d\n", count_nodes(*t));
  std::printf("consumed %ld\n", consume(leaf(41)));
}
