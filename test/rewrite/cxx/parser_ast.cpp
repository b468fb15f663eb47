// parser_ast (plain C++): a recursive-descent parser for integer
// expressions with one-letter variables. It builds an AST of std::unique_ptr
// nodes, evaluates it with a non-virtual visitor made with new/delete (an
// early return deletes it first) and prints it through a fixed-size text
// buffer. A check gocxx-escape-unique-to-stack should turn the small
// per-call depth tracker of the (mutually recursive) parse_sum() and the
// evaluator of evaluate() into stack objects; it must keep every node
// returned or moved into a parent (or carried to the next iteration through
// `lhs`), the 320-byte trace frame of the recursive parse_sum(), the
// diagnostic deleted through its base, and the source copy whose length is
// only known at run time. The printer of to_text() stays too: its buffer is
// written through pointer arithmetic (buf + len), which the analysis does not
// follow.
// fixes: 2
// moved: 15
#include <cctype>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

struct node {
  char op;  // 'n' number, 'v' variable, else + - * /
  long value;
  std::unique_ptr<node> lhs, rhs;
};

struct cursor {
  const char* src;
  std::size_t pos;
  int max_depth;
};

struct depth_tracker {
  int depth;
  int terms;
};

struct trace_frame {
  char text[320];
};

void skip_ws(cursor& c) {
  while (c.src[c.pos] == ' ') ++c.pos;
}

std::unique_ptr<node> parse_sum(cursor& c, int depth);

std::unique_ptr<node> parse_atom(cursor& c, int depth) {
  skip_ws(c);
  char ch = c.src[c.pos];
  if (ch == '(') {
    ++c.pos;
    auto inner = parse_sum(c, depth + 1);
    skip_ws(c);
    ++c.pos;  // ')'
    return inner;
  }
  if (std::isalpha(static_cast<unsigned char>(ch))) {
    ++c.pos;
    return std::make_unique<node>('v', ch - 'a', nullptr, nullptr);  // kept: returned
  }
  long v = 0;
  while (std::isdigit(static_cast<unsigned char>(c.src[c.pos]))) v = v * 10 + (c.src[c.pos++] - '0');
  auto num = std::make_unique<node>('n', v, nullptr, nullptr);  // kept: returned
  return num;
}

std::unique_ptr<node> parse_product(cursor& c, int depth) {
  auto lhs = parse_atom(c, depth);
  for (;;) {
    skip_ws(c);
    char op = c.src[c.pos];
    if (op != '*' && op != '/') return lhs;
    ++c.pos;
    auto parent = std::make_unique<node>(op, 0, std::move(lhs), parse_atom(c, depth));  // kept: lives on in lhs
    lhs = std::move(parent);
  }
}

std::unique_ptr<node> parse_sum(cursor& c, int depth) {
  auto track = std::make_unique<depth_tracker>(depth, 1);  // moved: 8 bytes, fine in a recursive function
  auto trace = std::make_unique<trace_frame>();            // kept: 320 bytes in a recursive function
  std::snprintf(trace->text, sizeof trace->text, "sum@%zu depth %d", c.pos, track->depth);
  auto lhs = parse_product(c, depth);
  for (;;) {
    skip_ws(c);
    char op = c.src[c.pos];
    if (op != '+' && op != '-') break;
    ++c.pos;
    track->terms++;
    lhs = std::make_unique<node>(op, 0, std::move(lhs), parse_product(c, depth));  // kept: assigned to lhs
  }
  if (track->depth > c.max_depth) c.max_depth = track->depth;
  if (track->terms > 2) std::printf("  %s: %d terms\n", trace->text, track->terms);
  return lhs;
}

struct evaluator {
  long vars[26];
  int visits;
  long eval(const node& n) {
    visits++;
    switch (n.op) {
      case 'n': return n.value;
      case 'v': return vars[n.value];
      case '+': return eval(*n.lhs) + eval(*n.rhs);
      case '-': return eval(*n.lhs) - eval(*n.rhs);
      case '*': return eval(*n.lhs) * eval(*n.rhs);
      default: {
        long d = eval(*n.rhs);
        return d == 0 ? 0 : eval(*n.lhs) / d;
      }
    }
  }
};

long evaluate(const node* root, int& visits) {
  evaluator* ev = new evaluator{};  // moved: deleted on both paths out
  if (root == nullptr) {
    delete ev;
    return 0;
  }
  for (int i = 0; i < 26; ++i) ev->vars[i] = i + 1;
  long r = ev->eval(*root);
  visits = ev->visits;
  delete ev;
  return r;
}

struct printer {
  char buf[256];
  std::size_t len;
  void put(char ch) {
    if (len + 1 < sizeof buf) buf[len++] = ch, buf[len] = '\0';
  }
  void emit(const node& n) {
    if (n.op == 'n') {
      len += std::snprintf(buf + len, sizeof buf - len, "%ld", n.value);
    } else if (n.op == 'v') {
      put(static_cast<char>('a' + n.value));
    } else {
      put('(');
      emit(*n.lhs);
      put(n.op);
      emit(*n.rhs);
      put(')');
    }
  }
};

std::string to_text(const node& root) {
  auto pr = std::make_unique<printer>();  // kept: pointer arithmetic on its buffer (buf + len)
  pr->emit(root);
  return std::string(pr->buf, pr->len);
}

struct diagnostic {
  virtual ~diagnostic() = default;
  virtual void print() const = 0;
};
struct depth_note : diagnostic {
  int depth;
  explicit depth_note(int d) : depth(d) {}
  void print() const override { std::printf("  note: nesting depth %d\n", depth); }
};

int main() {
  const char* inputs[] = {"1 + 2 * 3", "(a + b) * (c - 4) / 2", "x * (y + (z - 3 * (w + 1))) - 7 + q", "8 / (b - 2)"};
  int total_visits = 0;
  for (const char* in : inputs) {
    std::size_t n = std::strlen(in);
    auto src = std::make_unique<char[]>(n + 1);  // kept: an array
    std::memcpy(src.get(), in, n + 1);
    cursor c{src.get(), 0, 0};
    auto tree = parse_sum(c, 0);
    int visits = 0;
    long v = evaluate(tree.get(), visits);
    total_visits += visits;
    std::printf("%s = %ld (%d visits)\n", to_text(*tree).c_str(), v, visits);
    if (c.max_depth > 1) {
      diagnostic* d = new depth_note(c.max_depth);  // kept: deleted through the base
      d->print();
      delete d;
    }
  }
  int none = 0;
  std::printf("empty tree = %ld; %d visits in all\n", evaluate(nullptr, none), total_visits);
}
