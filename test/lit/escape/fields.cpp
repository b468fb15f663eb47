// Local aggregates used only field by field get one location per field
// (checks/escape/fields.cpp): what one field holds does not move its
// siblings' targets to the heap. Any use of the whole variable (a copy,
// its address, a member call, a capture, a constructor) keeps it in one
// piece, as Go does.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
#include <gocxx/gocxx.hpp>

int* sink;
struct pair2 {
  int* a;
  int* b;
};
struct nested {
  pair2 p;
  int* c;
};
struct with_method {
  int* a;
  int* b;
  int* first() const { return a; }  // CHECK: t.cpp:[[@LINE]]:8: leaking param: this to result ~r0 level=1
};
struct built {
  int* a;
  int* b;
  built(int* x, int* y) : a(x), b(y) {}  // CHECK: t.cpp:[[@LINE]]:3: this does not escape
  // CHECK: t.cpp:[[@LINE-1]]:14: leaking param: x to result ~this level=0
  // CHECK: t.cpp:[[@LINE-2]]:22: leaking param: y to result ~this level=0
};

int split_braces() {
  int x = 1, y = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  pair2 s{&x, &y};
  sink = s.a;
  return *s.b;
}

int split_assigned() {
  int x = 1, y = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  pair2 s{};
  s.a = &x;
  s.b = &y;
  sink = s.a;
  return *s.b;
}

int split_parens() {
  int x = 1, y = 2;  // CHECK: t.cpp:[[@LINE]]:14: moved to heap: y
  pair2 s(&x, &y);
  sink = s.b;
  return *s.a;
}

// The first level splits; a nested aggregate is one location.
int split_nested() {
  int x = 1, y = 2, z = 3;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  // CHECK: t.cpp:[[@LINE-1]]:14: moved to heap: y
  nested n{{&x, &y}, &z};
  sink = n.p.b;
  return *n.c + *n.p.a;
}

// Whole uses: no split.
int copied() {
  int x = 1, y = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  // CHECK: t.cpp:[[@LINE-1]]:14: moved to heap: y
  pair2 s{&x, &y};
  pair2 t = s;
  sink = t.a;
  return *t.b;
}

int address_taken() {
  int x = 1, y = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  // CHECK: t.cpp:[[@LINE-1]]:14: moved to heap: y
  pair2 s{&x, &y};
  pair2* ps = &s;
  sink = ps->a;
  return *s.b;
}

int member_call() {
  int x = 1, y = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  // CHECK: t.cpp:[[@LINE-1]]:14: moved to heap: y
  with_method s{&x, &y};
  sink = s.first();
  return *s.b;
}

int captured() {
  int x = 1, y = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  // CHECK: t.cpp:[[@LINE-1]]:14: moved to heap: y
  pair2 s{&x, &y};
  auto f = [&s] { sink = s.a; };
  f();
  return *s.b;
}

int constructed() {
  int x = 1, y = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  // CHECK: t.cpp:[[@LINE-1]]:14: moved to heap: y
  built s(&x, &y);
  sink = s.a;
  return *s.b;
}

// A field's own address escapes: the variable moves (its storage is one).
int field_address() {
  int x = 1;
  pair2 s{&x, nullptr};  // CHECK: t.cpp:[[@LINE]]:9: moved to heap: s
  sink = reinterpret_cast<int*>(&s.b);
  return *s.a;
}
