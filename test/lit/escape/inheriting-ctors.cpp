// An inheriting constructor (`using Base::Base;`) runs the base's
// constructor on the same arguments: what the base stores, the derived
// object holds. The standard library builds std::optional and std::variant
// this way, so a handle kept in one and read back out escapes with it.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
#include <gocxx/gocxx.hpp>

#include <optional>
#include <variant>

struct point {
  int x = 0, y = 0;
};
go::ptr<point> g;

struct base {
  // CHECK: t.cpp:[[@LINE+2]]:12: this does not escape
  // CHECK: t.cpp:[[@LINE+1]]:32: leaking param: q to result ~this level=0
  explicit base(go::ptr<point> q) : kept(q) {}
  go::ptr<point> kept;
};
struct derived : base {
  using base::base;
};
void inherited(go::ptr<point> p) {  // CHECK: t.cpp:[[@LINE]]:31: leaking param: p
  derived d(p);
  g = d.kept;
}

// The base keeps nothing: neither does the derived.
struct reader {
  // CHECK: t.cpp:[[@LINE+2]]:12: this does not escape
  // CHECK: t.cpp:[[@LINE+1]]:34: q does not escape
  explicit reader(go::ptr<point> q) : x(q->x) {}
  int x;
};
struct derived_reader : reader {
  using reader::reader;
};
int inherited_reader(go::ptr<point> p) {  // CHECK: t.cpp:[[@LINE]]:37: p does not escape
  derived_reader d(p);
  return d.x;
}

void through_optional() {
  auto p = go::new_<point>(1, 2);  // CHECK: t.cpp:[[@LINE]]:12: go::new_<point> escapes to heap
  std::optional<go::ptr<point>> o = p;
  g = *o;
}

void through_variant() {
  auto p = go::new_<point>(1, 2);  // CHECK: t.cpp:[[@LINE]]:12: go::new_<point> escapes to heap
  std::variant<int, go::ptr<point>> v = p;
  g = std::get<1>(v);
}

// Kept in an optional that dies with the function: does not escape.
int optional_local() {
  auto p = go::new_<point>(1, 2);  // CHECK: t.cpp:[[@LINE]]:12: go::new_<point> does not escape
  std::optional<go::ptr<point>> o = p;
  return (*o)->x;
}
