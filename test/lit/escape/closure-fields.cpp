// A local closure only ever called, and a lambda called on the spot, get one
// location per capture (checks/escape/graph_builder.cpp, "closures"; the
// split in fields.cpp): what one capture leaks does not move the other
// captures' variables to the heap. Go's closure is one location, so each
// positive case here is one where Go's -m says more (test/escape lists
// the paired case as MORE-PRECISE). Any use of the closure whole -- a copy,
// a capture by another lambda, a call through a template, go::spawn --
// keeps it one location.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
#include <gocxx/gocxx.hpp>

int* sink;

// ---- Split: only the leaking capture moves ----

void by_reference() {
  int a = 1, b = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: a
  auto f = [&a, &b] { sink = &a; b = 3; };
  f();
  f();
}

void by_copy() {
  int a = 1, b = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: a
  int* p = &a;
  int* q = &b;
  auto f = [p, q] { sink = p; *q = 3; };
  f();
}

void default_capture() {
  int a = 1, b = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: a
  auto f = [&] { sink = &a; b = 3; };
  f();
}

void init_capture() {
  int a = 1, b = 2;  // CHECK: t.cpp:[[@LINE]]:14: moved to heap: b
  auto f = [p = &a, q = &b] { sink = q; return *p; };
  f();
}

void on_the_spot() {
  int a = 1, b = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: a
  [&] { sink = &a; b = 3; }();
}

void through_result() {
  int a = 1, b = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: a
  auto f = [&a, &b] { b = 1; return &a; };
  sink = f();
}

// A closure whose result is only read: nothing moves.
int read_only() {
  int a = 1, b = 2;
  auto f = [&a, &b] { return a + b; };
  return f();
}

// ---- Whole: every capture moves with the one that leaks ----

void copied() {
  int a = 1, b = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: a
  // CHECK: t.cpp:[[@LINE-1]]:14: moved to heap: b
  auto f = [&a, &b] { sink = &a; b = 3; };
  auto g = f;
  g();
}

void captured_by_another() {
  int a = 1, b = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: a
  // CHECK: t.cpp:[[@LINE-1]]:14: moved to heap: b
  auto f = [&a, &b] { sink = &a; b = 3; };
  auto g = [&] { f(); };
  g();
}

template <class F>
void run(F& f) {  // CHECK: t.cpp:[[@LINE]]:13: leaking param content: f
  f();
}
void through_template() {
  int a = 1, b = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: a
  // CHECK: t.cpp:[[@LINE-1]]:14: moved to heap: b
  auto f = [&a, &b] { sink = &a; b = 3; };
  run(f);
}

void spawned() {
  int a = 1, b = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: a
  // CHECK: t.cpp:[[@LINE-1]]:14: moved to heap: b
  auto f = [&a, &b]() -> go::task<> {  // CHECK: t.cpp:[[@LINE]]:8: moved to heap: f
    b = a;
    co_return;
  };
  go::spawn(f);
}

// A closure with a destructor to run (a std::string captured by copy) is
// not split: its destruction sees it whole.
void with_destructor() {
  int a = 1, b = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: a
  // CHECK: t.cpp:[[@LINE-1]]:14: moved to heap: b
  std::string s = "x";
  auto f = [&a, &b, s] { sink = &a; b = static_cast<int>(s.size()); };
  f();
}

// A local aggregate seen from a closure through an implicit capture is
// whole: the capture is a use of the variable.
void aggregate_captured_implicitly() {
  struct two {
    int* x;
    int* y;
  };
  int a = 1, b = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: a
  // CHECK: t.cpp:[[@LINE-1]]:14: moved to heap: b
  two s;
  s.x = &a;
  s.y = &b;
  auto f = [&] { sink = s.x; };
  f();
}

// `this` is a capture like the others.
struct counter {
  int v = 0;
  int* peek() {  // CHECK: t.cpp:[[@LINE]]:8: leaking param: this to result ~r0 level=0
    int a = 1;
    auto f = [this, &a] { a = 2; return &v; };
    return f();
  }
};

// A coroutine lambda's frame keeps the closure: every field of it.
go::task<> returned_task() {
  int a = 0, b = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: a
  // CHECK: t.cpp:[[@LINE-1]]:14: moved to heap: b
  auto body = [&a, &b]() -> go::task<> {  // CHECK: t.cpp:[[@LINE]]:8: moved to heap: body
    a = b;
    co_return;
  };
  return body();
}
