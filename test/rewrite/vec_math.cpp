// vec_math: ports Go geometry helpers that build temporary *Vec values
// (`d := &Vec{b.X - a.X, b.Y - a.Y}; return d.Len()`). The rewrite should
// move the temporaries of dist() and centroid_dist(), the two per-iteration
// vectors of polyline_length() and the `unit` vector of main; it must keep
// the vectors returned by midpoint() and scaled() and the global origin.
// fixes: 5
// moved: 12
#include <gocxx/gocxx.hpp>

#include <cmath>
#include <cstdio>

struct vec2 {
  double x = 0, y = 0;
};

go::ptr<vec2> origin;  // a package-level var: what it holds stays on the heap

double length(go::ptr<vec2> v) { return std::sqrt(v->x * v->x + v->y * v->y); }

double dist(go::ptr<vec2> a, go::ptr<vec2> b) {
  auto d = go::new_<vec2>(b->x - a->x, b->y - a->y);  // moved
  return length(d);
}

// Returned: escapes.
go::ptr<vec2> midpoint(go::ptr<vec2> a, go::ptr<vec2> b) {
  return go::new_<vec2>((a->x + b->x) / 2, (a->y + b->y) / 2);
}

// Returned through a variable: escapes.
go::ptr<vec2> scaled(go::ptr<vec2> v, double k) {
  auto r = go::new_<vec2>(v->x * k, v->y * k);
  return r;
}

double polyline_length(go::slice<double> xs, go::slice<double> ys) {
  double total = 0;
  for (std::size_t i = 1; i < xs.len(); ++i) {
    auto a = go::new_<vec2>(xs[i - 1], ys[i - 1]);  // moved, each iteration
    auto b = go::new_<vec2>(xs[i], ys[i]);          // moved, each iteration
    total += dist(a, b);
  }
  return total;
}

double centroid_dist(go::slice<double> xs, go::slice<double> ys) {
  auto c = go::new_<vec2>();  // moved
  for (std::size_t i = 0; i < xs.len(); ++i) {
    c->x += xs[i] / static_cast<double>(xs.len());
    c->y += ys[i] / static_cast<double>(ys.len());
  }
  return dist(origin, c);
}

int main() {
  origin = go::new_<vec2>(0, 0);
  go::slice<double> xs{0, 3, 3, 0};
  go::slice<double> ys{0, 4, 8, 8};
  std::printf("polyline %.3f\n", polyline_length(xs, ys));
  std::printf("centroid distance %.3f\n", centroid_dist(xs, ys));

  auto unit = go::new_<vec2>(1, 1);  // moved: only read
  auto big = scaled(unit, 3);
  auto mid = midpoint(origin, big);
  std::printf("scaled (%.1f, %.1f) mid (%.1f, %.1f) |unit| %.4f\n", big->x, big->y, mid->x, mid->y, length(unit));
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
