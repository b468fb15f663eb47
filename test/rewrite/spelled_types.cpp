// spelled_types: ports Go code that declares pointer variables with their
// type spelled out (`var r *Reading = &Reading{...}`, `var s Sensor =
// &Thermo{...}` through an embedded base, `var p *Point; p = &Point{}`) and
// C++'s other ways to declare a handle: const, go::ptr<const T>, a const
// reference, direct and brace initialisation. The rewrite should move every
// one of those in calibrate() and summarize(); it must keep the reading
// that latest() returns through a spelled go::ptr<base> and the one
// published in a package-level var by publish(). The brace-initialised
// `auto span{go::new_<T>(...)}` moves too.
// fixes: 8
// moved: 8
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct reading {
  int sensor;
  double celsius;
};
struct sensor_base {
  int id = 0;
  double offset = 0;
};
struct thermo : sensor_base {
  double gain = 1.0;
};

go::ptr<const reading> published;  // package-level

double calibrate(double raw) {
  go::ptr<thermo> t = go::new_<thermo>();  // moved: spelled type
  t->offset = -0.5;
  t->gain = 1.02;
  go::ptr<sensor_base> base = go::new_<thermo>();  // moved: converted to a base handle
  base->offset = t->offset;
  const go::ptr<reading> first = go::new_<reading>(1, raw);  // moved: const handle
  go::ptr<const reading> view = go::new_<reading>(2, raw);   // moved: pointer to const
  return (first->celsius + view->celsius) / 2 * t->gain + base->offset;
}

double summarize(double a, double b) {
  go::ptr<reading> lo;
  lo = go::new_<reading>(3, a < b ? a : b);                          // moved: assigned after its declaration
  const go::ptr<reading>& hi = go::new_<reading>(4, a < b ? b : a);  // moved: bound to a const reference
  auto mid(go::new_<reading>(5, (a + b) / 2));                       // moved: direct initialisation
  auto span{go::new_<reading>(6, hi->celsius - lo->celsius)};        // moved: brace initialisation
  return mid->celsius + span->celsius;
}

// Returned as the base: escapes.
go::ptr<sensor_base> latest(int id) {
  go::ptr<thermo> t = go::new_<thermo>();
  t->id = id;
  go::ptr<sensor_base> b = t;
  return b;
}

void publish(int sensor, double c) {
  go::ptr<reading> r;
  r = go::new_<reading>(sensor, c);  // stored in a package-level var: escapes
  published = r;
}

int main() {
  std::printf("calibrated %.3f\n", calibrate(21.0));
  std::printf("summary %.2f\n", summarize(18.0, 24.0));
  auto s = latest(7);
  publish(9, 19.5);
  std::printf("latest sensor %d, published sensor %d at %.1f\n", s->id, published->sensor, published->celsius);
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
