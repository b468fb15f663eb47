// geometry (plain C++): helpers that heap-allocate short-lived values with
// std::make_unique although the object never leaves the function, next to a
// factory that returns ownership and shapes destroyed through a base
// pointer. A check gocxx-escape-unique-to-stack should turn the make_unique
// of dist(), the two per-iteration vertices of perimeter() and the unit
// vector of main() into stack objects; it must keep the vector midpoint()
// returns, the shapes moved into a std::vector and the shape owned through
// a std::unique_ptr<shape> (deleted through the base: a virtual destructor).
// fixes: 4
// moved: 14
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

struct vec2 {
  double x, y;
};

struct shape {
  virtual ~shape() = default;
  virtual double area() const = 0;
};
struct circle : shape {
  explicit circle(double r) : r(r) {}
  double area() const override { return 3.14159265 * r * r; }
  double r;
};
struct square : shape {
  explicit square(double s) : s(s) {}
  double area() const override { return s * s; }
  double s;
};

double dist(const vec2& a, const vec2& b) {
  auto d = std::make_unique<vec2>(b.x - a.x, b.y - a.y);  // moved
  return std::sqrt(d->x * d->x + d->y * d->y);
}

// Ownership returned: kept.
std::unique_ptr<vec2> midpoint(const vec2& a, const vec2& b) {
  return std::make_unique<vec2>((a.x + b.x) / 2, (a.y + b.y) / 2);
}

double perimeter(const double* xs, const double* ys, int n) {
  double total = 0;
  for (int i = 0; i < n; ++i) {
    auto a = std::make_unique<vec2>(xs[i], ys[i]);                      // moved, per iteration
    auto b = std::make_unique<vec2>(xs[(i + 1) % n], ys[(i + 1) % n]);  // moved, per iteration
    total += dist(*a, *b);
  }
  return total;
}

double total_area() {
  std::vector<std::unique_ptr<shape>> shapes;
  shapes.reserve(4);
  shapes.push_back(std::make_unique<circle>(1.0));               // moved into a container: kept
  shapes.push_back(std::make_unique<square>(2.0));               // kept
  std::unique_ptr<shape> extra = std::make_unique<square>(3.0);  // deleted through the base: kept
  double a = extra->area();
  for (const auto& s : shapes) a += s->area();
  return a;
}

int main() {
  const double xs[] = {0, 3, 3, 0};
  const double ys[] = {0, 0, 4, 4};
  std::printf("perimeter %.3f\n", perimeter(xs, ys, 4));
  auto unit = std::make_unique<vec2>(1.0, 1.0);  // moved
  auto mid = midpoint(*unit, vec2{3, 5});
  std::printf("mid (%.1f, %.1f), |unit| %.4f\n", mid->x, mid->y, dist(vec2{0, 0}, *unit));
  std::printf("total area %.3f\n", total_area());
}
