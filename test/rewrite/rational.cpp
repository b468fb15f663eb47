// rational: ports Go exact arithmetic on *Rat values (`z := new(Rat).Add(x, y)`)
// where intermediate results are temporaries and only some results leave the
// function. The rewrite should move the per-term temporary of harmonic(),
// the gcd state (a copy of the operands, once per reduction) and the two
// cross products of less(); it must keep the rationals add() and mul()
// return, the sum harmonic() returns, the constant kept in a package-level
// var, and the 2/1 built as an argument of a call (no fix-it: not a
// variable's initialiser, although it does not escape).
// fixes: 4
// moved: 15
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct rat {
  long num, den;
};
struct gcd_state {
  long a, b;
};

go::ptr<rat> one_half;  // package-level

long gcd(long a, long b) {
  auto g = go::new_<gcd_state>(a < 0 ? -a : a, b < 0 ? -b : b);  // moved, once per call
  while (g->b != 0) {
    long t = g->a % g->b;
    g->a = g->b;
    g->b = t;
  }
  return g->a;
}

void reduce(go::ptr<rat> r) {
  long g = gcd(r->num, r->den);
  if (g > 1) r->num /= g, r->den /= g;
}

// Returned: escape.
go::ptr<rat> add(go::ptr<rat> x, go::ptr<rat> y) {
  auto z = go::new_<rat>(x->num * y->den + y->num * x->den, x->den * y->den);
  reduce(z);
  return z;
}
go::ptr<rat> mul(go::ptr<rat> x, go::ptr<rat> y) {
  auto z = go::new_<rat>(x->num * y->num, x->den * y->den);
  reduce(z);
  return z;
}

bool less(go::ptr<rat> x, go::ptr<rat> y) {
  auto lhs = go::new_<long>(x->num * y->den);  // moved
  auto rhs = go::new_<long>(y->num * x->den);  // moved
  return *lhs < *rhs;
}

// 1/1 + 1/2 + ... + 1/n, accumulated in place.
go::ptr<rat> harmonic(int n) {
  auto sum = go::new_<rat>(0, 1);  // returned: escapes
  for (int k = 1; k <= n; ++k) {
    auto term = go::new_<rat>(1, k);  // moved, per term
    auto next = add(sum, term);
    *sum = *next;
  }
  return sum;
}

int main() {
  one_half = go::new_<rat>(1, 2);
  auto h = harmonic(6);
  std::printf("H(6) = %ld/%ld\n", h->num, h->den);
  auto p = mul(h, one_half);
  std::printf("H(6)/2 = %ld/%ld, less than 2: %s\n", p->num, p->den, less(p, go::new_<rat>(2, 1)) ? "yes" : "no");
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
