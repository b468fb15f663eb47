// alloc_heavy: an allocation-heavy gocxx program written the way a Go
// programmer writes Go -- `p := &T{...}` (go::new_<T>(...)) for every
// temporary -- to measure what gocxx-escape-heap-to-stack's rewrite buys.
// bench/rewrite/heap_to_stack.py builds it as written and after
// `gocxx fix --checks=-*,gocxx-escape-heap-to-stack --apply`, runs both and
// compares their output (which must be identical) and their time.
//
// Per iteration i (the iteration count is argv[1]):
//   1. vector math: a particle (position, velocity, acceleration: three
//      go::new_<vec3>) advanced a few steps by helpers that read and write
//      through go::ptr parameters without keeping them;
//   2. complex math: a Mandelbrot point, with its c and z and a scratch
//      square per step as go::new_<cplx>;
//   3. a parser state and a token for one input line (go::new_<parser>,
//      go::new_<token>) that sum the numbers of the line;
//   4. binary-trees-like garbage: a fixed-shape tree of 7 nodes built from
//      named go::new_<node> locals, checked by a function that does not
//      keep its argument, and dropped; and a 4-cell list built the same way
//      and walked.
// The allocations of 1-4 do not escape (`gocxx escape -m=2` explains each
// verdict): the rewrite moves all 19 sites to the stack (go::local<T>).
// The nodes are built with explicit arguments, go::new_<node>(nullptr,
// nullptr, v): a bare go::new_<node>() of a struct holding go::ptr members
// is reported as escaping today (docs/benchmarks.md, "The heap-to-stack
// rewrite").
//
// Allocations that really escape, and stay on the GC heap after the rewrite:
//   - a long-lived tree built once by a recursive builder (bottom_up returns
//     the nodes it allocates) and checked at the end;
//   - every 256 iterations a small tree from bottom_up, checked and dropped;
//   - every 1024 iterations a history record pushed onto a list that lives
//     across iterations;
//   - every 4096 iterations a summary sent over a channel to a collector
//     goroutine.
//
// stdout: the checksum (identical before and after the rewrite);
// stderr: go::mem_stats().mallocs at the end, "mallocs: N".
#include <gocxx/gocxx.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

// ---- checksum ---------------------------------------------------------------

struct hasher {
  std::uint64_t h = 1469598103934665603ull;
  void add(std::uint64_t v) {
    h ^= v;
    h *= 1099511628211ull;
  }
};

// ---- 1. vector math -----------------------------------------------------------

struct vec3 {
  double x = 0, y = 0, z = 0;
};

double dot(go::ptr<vec3> a, go::ptr<vec3> b) { return a->x * b->x + a->y * b->y + a->z * b->z; }

// dst += a * s
void add_scaled(go::ptr<vec3> dst, go::ptr<vec3> a, double s) {
  dst->x += a->x * s;
  dst->y += a->y * s;
  dst->z += a->z * s;
}

// acc = -k * pos (a spring towards the origin) + drag * vel
void spring_force(go::ptr<vec3> acc, go::ptr<vec3> pos, go::ptr<vec3> vel) {
  acc->x = -0.5 * pos->x - 0.125 * vel->x;
  acc->y = -0.5 * pos->y - 0.125 * vel->y;
  acc->z = -0.5 * pos->z - 0.125 * vel->z;
}

// A particle advanced 4 steps; returns its energy, quantised.
std::uint64_t particle(long i) {
  auto pos = go::new_<vec3>(double(i % 17) - 8, double(i % 13) - 6, double(i % 11) - 5);
  auto vel = go::new_<vec3>(double(i % 7) * 0.25, -double(i % 5) * 0.5, 1.0);
  auto acc = go::new_<vec3>();
  for (int step = 0; step < 4; ++step) {
    spring_force(acc, pos, vel);
    add_scaled(vel, acc, 0.0625);
    add_scaled(pos, vel, 0.0625);
  }
  double energy = 0.5 * dot(vel, vel) + 0.25 * dot(pos, pos);
  return static_cast<std::uint64_t>(energy * 1024.0);
}

// ---- 2. complex math ----------------------------------------------------------

struct cplx {
  double re = 0, im = 0;
};

// dst = a * a
void square(go::ptr<cplx> dst, go::ptr<cplx> a) {
  dst->re = a->re * a->re - a->im * a->im;
  dst->im = 2 * a->re * a->im;
}

// Escape-time iterations (at most 12) of the point c = (re, im).
int mandel_point(double re, double im) {
  auto c = go::new_<cplx>(re, im);
  auto z = go::new_<cplx>();
  int n = 0;
  for (; n < 12; ++n) {
    auto sq = go::new_<cplx>();
    square(sq, z);
    z->re = sq->re + c->re;
    z->im = sq->im + c->im;
    if (z->re * z->re + z->im * z->im > 4) break;
  }
  return n;
}

std::uint64_t mandel(long i) {
  double re = -2.0 + double(i % 64) / 24.0;
  double im = -1.25 + double((i / 64) % 48) / 19.0;
  return static_cast<std::uint64_t>(mandel_point(re, im));
}

// ---- 3. a parser state per line ----------------------------------------------

struct token {
  int kind = 0;  // 0: end, 1: number, 2: name
  long value = 0;
};

struct parser {
  explicit parser(const std::string& text) : s(text.data()), len(static_cast<int>(text.size())) {}
  const char* s;
  int len;
  int pos = 0;

  // Reads the next name or number into t; false at the end of the line.
  bool next(go::ptr<token> t) {
    while (pos < len && (s[pos] == ',' || s[pos] == '=' || s[pos] == ' ')) ++pos;
    if (pos >= len) {
      t->kind = 0;
      return false;
    }
    if (s[pos] == '-' || (s[pos] >= '0' && s[pos] <= '9')) {
      bool neg = s[pos] == '-';
      if (neg) ++pos;
      long v = 0;
      while (pos < len && s[pos] >= '0' && s[pos] <= '9') v = v * 10 + (s[pos++] - '0');
      t->kind = 1;
      t->value = neg ? -v : v;
      return true;
    }
    long h = 0;
    while (pos < len && s[pos] != '=' && s[pos] != ',') h = h * 31 + s[pos++];
    t->kind = 2;
    t->value = h;
    return true;
  }
};

std::uint64_t parse_line(const std::string& line) {
  auto p = go::new_<parser>(line);
  auto t = go::new_<token>();
  long sum = 0, names = 0;
  while (p->next(t)) {
    if (t->kind == 1)
      sum += t->value;
    else
      names ^= t->value;
  }
  return static_cast<std::uint64_t>(sum * 7 + names);
}

std::vector<std::string> make_lines() {
  std::vector<std::string> lines;
  for (int k = 0; k < 64; ++k)
    lines.push_back("x=" + std::to_string(k * 37 - 500) + ",y=" + std::to_string(k * k) + ",w=-" +
                    std::to_string(k + 3));
  return lines;
}

// ---- 4. short-lived nodes -------------------------------------------------------

struct node {
  go::ptr<node> left, right;
  long value = 0;
};

// Reads the tree; keeps nothing.
long check(go::ptr<node> n) {
  if (!n->left) return n->value;
  return n->value + 3 * check(n->left) - check(n->right);
}

// A fixed-shape tree of 7 nodes, built, checked and dropped.
long small_tree(long i) {
  auto a = go::new_<node>(nullptr, nullptr, i & 7);
  auto b = go::new_<node>(nullptr, nullptr, i & 15);
  auto c = go::new_<node>(nullptr, nullptr, i % 5);
  auto d = go::new_<node>(nullptr, nullptr, i % 9);
  auto ab = go::new_<node>(a, b, 1);
  auto cd = go::new_<node>(c, d, 2);
  auto root = go::new_<node>(ab, cd, i % 3);
  return check(root);
}

struct cell {
  long value = 0;
  go::ptr<cell> next;
};

// A 4-cell list, built, walked and dropped.
long small_list(long i) {
  auto c1 = go::new_<cell>(i % 10, nullptr);
  auto c2 = go::new_<cell>(i % 100, c1);
  auto c3 = go::new_<cell>(i % 1000, c2);
  auto head = go::new_<cell>(i % 7, c3);
  long sum = 0;
  for (go::ptr<cell> c = head; c; c = c->next) sum = sum * 3 + c->value;
  return sum;
}

// ---- allocations that escape ---------------------------------------------------

// The recursive builder returns what it allocates: every node escapes.
go::ptr<node> bottom_up(int depth, long v) {
  if (depth <= 0) return go::new_<node>(nullptr, nullptr, v);
  return go::new_<node>(bottom_up(depth - 1, v + 1), bottom_up(depth - 1, v * 2), v);
}

struct record {
  long iteration = 0;
  std::uint64_t checksum = 0;
  go::ptr<record> prev;
};

struct summary {
  long first = 0, last = 0;
  std::uint64_t checksum = 0;
};

// Receives the summaries and folds them, as a logger goroutine would.
go::task<> collector(go::chan<go::ptr<summary>> in, go::chan<std::uint64_t> done) {
  hasher h;
  while (auto s = co_await in.next()) {
    h.add(static_cast<std::uint64_t>((*s)->first));
    h.add(static_cast<std::uint64_t>((*s)->last));
    h.add((*s)->checksum);
  }
  co_await done.send(h.h);
}

}  // namespace

int main(int argc, char** argv) {
  long iterations = argc > 1 ? std::atol(argv[1]) : 600000;
  if (iterations <= 0) {
    std::fprintf(stderr, "usage: %s [ITERATIONS]\n", argv[0]);
    return 2;
  }
  return go::run([iterations]() -> go::task<> {
    const std::vector<std::string> lines = make_lines();
    go::ptr<node> long_lived = bottom_up(10, 1);

    auto summaries = go::make_chan<go::ptr<summary>>(16);
    auto done = go::make_chan<std::uint64_t>();
    go::spawn(collector, summaries, done);

    hasher h, chunk;
    go::ptr<record> history;
    long chunk_start = 0;
    for (long i = 0; i < iterations; ++i) {
      chunk.add(particle(i));
      chunk.add(mandel(i));
      chunk.add(parse_line(lines[static_cast<std::size_t>(i % 64)]));
      chunk.add(static_cast<std::uint64_t>(small_tree(i)));
      chunk.add(static_cast<std::uint64_t>(small_list(i)));
      if (i % 256 == 255) chunk.add(static_cast<std::uint64_t>(check(bottom_up(3, i))));
      if (i % 1024 == 1023) history = go::new_<record>(i, chunk.h, history);
      if (i % 4096 == 4095 || i == iterations - 1) {
        co_await summaries.send(go::new_<summary>(chunk_start, i, chunk.h));
        h.add(chunk.h);
        chunk = hasher{};
        chunk_start = i + 1;
      }
    }
    summaries.close();
    std::uint64_t collected = co_await done.recv();

    long records = 0;
    for (go::ptr<record> r = history; r; r = r->prev) {
      h.add(r->checksum);
      ++records;
    }
    h.add(static_cast<std::uint64_t>(check(long_lived)));
    std::printf("iterations %ld records %ld checksum %016llx collected %016llx\n", iterations, records,
                static_cast<unsigned long long>(h.h), static_cast<unsigned long long>(collected));
    std::fprintf(stderr, "mallocs: %llu\n", static_cast<unsigned long long>(go::mem_stats().mallocs));
  });
}
