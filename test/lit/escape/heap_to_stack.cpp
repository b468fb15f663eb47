// gocxx-escape-heap-to-stack: a go::new_ whose object does not escape.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && not %gocxx check --checks=-*,gocxx-escape-heap-to-stack t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=warning:
// RUN: cd %t && not %gocxx check --checks=-*,gocxx-escape-heap-to-stack --format=json t.cpp > %t/out.json
// RUN: FileCheck %s --check-prefix=JSON --input-file=%t/out.json
#include <gocxx/gocxx.hpp>

struct Point { int x = 0, y = 0; };
struct Pair { go::ptr<Point> a, b; };
go::ptr<Point> keep;
void external(Point* p);
int read(go::ptr<Point> p) { return p->x; }

int local() {
  auto p = go::new_<Point>(1, 2);
  return p->x + p->y;
}
// CHECK: t.cpp:[[@LINE-3]]:12: warning: go::new_<Point> does not escape; it can live on the stack [gocxx-escape-heap-to-stack]
// JSON: "check": "gocxx-escape-heap-to-stack"
// JSON: "message": "go::new_<Point> does not escape; it can live on the stack"
// JSON: "verdict": "does-not-escape"

int passed_to_reader() { return read(go::new_<Point>()); }
// CHECK: t.cpp:[[@LINE-1]]:38: warning: go::new_<Point> does not escape; it can live on the stack

int in_local_struct() {
  Pair pr{go::new_<Point>(), go::new_<Point>()};
  return pr.a->x + pr.b->y;
}
// CHECK: t.cpp:[[@LINE-3]]:11: warning: go::new_<Point> does not escape
// CHECK: t.cpp:[[@LINE-4]]:30: warning: go::new_<Point> does not escape

// Negative cases.
go::ptr<Point> returned() { return go::new_<Point>(); }
void global() { keep = go::new_<Point>(); }
void unknown() {
  auto p = go::new_<Point>();
  external(p.get());
}
go::task<> sent(go::chan<go::ptr<Point>> ch) { co_await ch.send(go::new_<Point>()); }
void spawned() {
  auto p = go::new_<Point>();
  go::spawn([p]() -> go::task<> { co_return; });
}
go::ptr<Point> through_struct() {
  Pair pr{go::new_<Point>(), nullptr};
  return pr.a;
}
