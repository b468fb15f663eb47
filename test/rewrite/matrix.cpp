// matrix: ports Go 3x3 matrix code that multiplies into scratch *Mat values
// (`tmp := new(Mat3); tmp.Mul(r, a); *r = *tmp`). The rewrite should move the
// scratch matrix of each power() iteration, the 2x2 minors of each det()
// column, the product of trace_of_product() (a spelled go::ptr<mat3>) and
// the generator of rotation(), only read by power(); it must keep the
// matrices identity() and power() return and the rotations and the shear
// cached in a package-level map.
// fixes: 4
// moved: 12
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct mat3 {
  long m[9];
};
struct mat2 {
  long a, b, c, d;
};

go::map<int, go::ptr<mat3>> rotation_cache;  // package-level: its values stay on the heap

void mul_into(go::ptr<mat3> dst, go::ptr<mat3> a, go::ptr<mat3> b) {
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      long s = 0;
      for (int k = 0; k < 3; ++k) s += a->m[i * 3 + k] * b->m[k * 3 + j];
      dst->m[i * 3 + j] = s;
    }
}

go::ptr<mat3> identity() {
  auto r = go::new_<mat3>();  // returned: escapes
  r->m[0] = r->m[4] = r->m[8] = 1;
  return r;
}

go::ptr<mat3> power(go::ptr<mat3> a, int n) {
  auto r = identity();
  for (int i = 0; i < n; ++i) {
    auto tmp = go::new_<mat3>();  // moved, each iteration
    mul_into(tmp, r, a);
    *r = *tmp;
  }
  return r;
}

long det(go::ptr<mat3> a) {
  long d = 0;
  for (int col = 0; col < 3; ++col) {
    int c0 = col == 0 ? 1 : 0, c1 = col == 2 ? 1 : 2;
    auto mn = go::new_<mat2>(a->m[3 + c0], a->m[3 + c1], a->m[6 + c0], a->m[6 + c1]);  // moved
    long minor = mn->a * mn->d - mn->b * mn->c;
    d += (col % 2 == 0 ? 1 : -1) * a->m[col] * minor;
  }
  return d;
}

long trace_of_product(go::ptr<mat3> a, go::ptr<mat3> b) {
  go::ptr<mat3> t = go::new_<mat3>();  // moved
  mul_into(t, a, b);
  return t->m[0] + t->m[4] + t->m[8];
}

// A quarter turn about the z axis, k times; cached: escapes into the map.
go::ptr<mat3> rotation(int k) {
  if (rotation_cache == nullptr) rotation_cache = go::make_map<int, go::ptr<mat3>>();
  if (auto hit = rotation_cache.get(k)) return *hit;
  auto q = go::new_<mat3>(mat3{{0, -1, 0, 1, 0, 0, 0, 0, 1}});  // moved: power() only reads it
  auto m = power(q, k);
  rotation_cache.set(k, m);
  return m;
}

void print(const char* name, go::ptr<mat3> a) {
  std::printf("%s:", name);
  for (long v : a->m) std::printf(" %ld", v);
  std::printf("\n");
}

int main() {
  auto r1 = rotation(1);
  auto r1_again = rotation(1);
  std::printf("cached: %s\n", r1 == r1_again ? "yes" : "no");
  auto shear = go::new_<mat3>(mat3{{1, 2, 0, 0, 1, 3, 4, 0, 1}});  // stored in the map below: escapes
  rotation_cache.set(100, shear);
  print("r1", r1);
  print("shear^3", power(shear, 3));
  std::printf("det(shear) %ld det(r1) %ld\n", det(shear), det(r1));
  std::printf("trace(r1*shear) %ld\n", trace_of_product(r1, shear));
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
