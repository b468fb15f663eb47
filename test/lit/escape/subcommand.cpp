// `gocxx escape` runs the whole family (--checks narrows it); the
// exit status follows the warnings (heap-to-stack, dangling), not the remarks;
// `// gocxx:ignore[...]` silences one finding.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && not %gocxx escape t.cpp > %t/default.txt
// RUN: FileCheck %s --check-prefix=DEFAULT --input-file=%t/default.txt
// RUN: cd %t && not %gocxx escape --checks=-*,gocxx-escape-heap-to-stack,gocxx-escape-dangling t.cpp > %t/m0.txt
// RUN: FileCheck %s --check-prefix=M0 --input-file=%t/m0.txt --implicit-check-not=remark --implicit-check-not="moved to heap"
// RUN: cd %t && %gocxx escape -m --checks=-*,gocxx-escape-report t.cpp > %t/report.txt
// RUN: FileCheck %s --check-prefix=REPORT --input-file=%t/report.txt
// RUN: cd %t && %gocxx check t.cpp --checks=-*,gocxx-escape-report --format=text > %t/check.txt
// RUN: FileCheck %s --check-prefix=CHECK-SUB --input-file=%t/check.txt --allow-empty
#include <gocxx/gocxx.hpp>

struct Point { int x = 0; };
int* g;

int local() {
  auto p = go::new_<Point>();
  return p->x;
}
// DEFAULT: t.cpp:[[@LINE-3]]:12: go::new_<Point> does not escape; it can live on the stack
// DEFAULT: t.cpp:[[@LINE-4]]:12: go::new_<Point> does not escape
// M0: t.cpp:[[@LINE-5]]:12: go::new_<Point> does not escape; it can live on the stack
// REPORT: t.cpp:[[@LINE-6]]:12: go::new_<Point> does not escape
// CHECK-SUB: t.cpp:[[@LINE-7]]:12: remark: go::new_<Point> does not escape

void keep() {
  int x = 0;
  g = &x;
}
// DEFAULT: t.cpp:[[@LINE-3]]:7: address of local variable 'x' outlives it: it is stored in a global variable
// DEFAULT: t.cpp:[[@LINE-4]]:7: moved to heap: x
// M0: t.cpp:[[@LINE-5]]:7: address of local variable 'x' outlives it
// REPORT: t.cpp:[[@LINE-6]]:7: moved to heap: x

void keep_ignored() {
  int y = 0;  // gocxx:ignore[gocxx-escape-dangling]
  g = &y;
}
// DEFAULT-NOT: local variable 'y'
// DEFAULT: t.cpp:[[@LINE-4]]:7: moved to heap: y
