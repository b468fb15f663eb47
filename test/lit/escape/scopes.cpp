// Scopes and loops: a variable of an inner scope whose address is kept by a
// variable of an outer scope outlives its scope (Go: loop depth; C++: every
// block, since the object dies at the end of its block).
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
#include <gocxx/gocxx.hpp>

struct Point { int x = 0; };

// A loop variable's address kept outside the loop.
int loop_keep() {
  int* last = nullptr;
  for (int i = 0; i < 3; ++i) {
    int v = i;  // CHECK: t.cpp:[[@LINE]]:9: moved to heap: v
    last = &v;
  }
  return last ? 1 : 0;
}

// Inside the loop only: nothing moves.
int loop_local() {
  int s = 0;
  for (int i = 0; i < 3; ++i) {
    int v = i;
    int* p = &v;
    s += *p;
  }
  return s;
}

// An inner block.
int block_keep() {
  int* p = nullptr;
  {
    int v = 1;  // CHECK: t.cpp:[[@LINE]]:9: moved to heap: v
    p = &v;
  }
  return p != nullptr;
}

// An allocation in a loop kept outside: escapes.
int alloc_loop() {
  go::ptr<Point> keep;
  for (int i = 0; i < 3; ++i) {
    auto p = go::new_<Point>();  // CHECK: t.cpp:[[@LINE]]:14: go::new_<Point> escapes to heap
    keep = p;
  }
  return keep->x;
}

// An allocation in a loop, used in the iteration: does not escape.
int alloc_loop_local() {
  int s = 0;
  for (int i = 0; i < 3; ++i) {
    auto p = go::new_<Point>();  // CHECK: t.cpp:[[@LINE]]:14: go::new_<Point> does not escape
    s += p->x;
  }
  return s;
}

// Same scope, declared later: fine.
int same_scope() {
  int* p;
  int v = 0;
  p = &v;
  return *p;
}

// while and if scopes.
int while_keep(int n) {
  int* p = nullptr;
  while (n-- > 0) {
    int v = n;  // CHECK: t.cpp:[[@LINE]]:9: moved to heap: v
    p = &v;
  }
  if (n) {
    int w = 0;
    int* q = &w;
    return *q;
  }
  return p != nullptr;
}

// A range-for over an array: the element reference is local.
int range_for() {
  int arr[3] = {1, 2, 3};
  int s = 0;
  for (int& e : arr) s += e;
  return s;
}
