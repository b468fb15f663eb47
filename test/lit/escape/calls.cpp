// Calls: summaries bottom-up over the call graph, recursion, calls the
// analysis cannot see into (no body, virtual, through a pointer).
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
#include <functional>

int* g;
void external(int* p);  // no body, no summary
int external_val(int v);

// A chain: leaf keeps, mid passes on, top calls mid with a local.
void leaf(int* p) { g = p; }    // CHECK: t.cpp:[[@LINE]]:16: leaking param: p
void mid(int* p) { leaf(p); }   // CHECK: t.cpp:[[@LINE]]:15: leaking param: p
void top() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  mid(&x);
}

// A callee that only reads: the caller's local stays.
int reader(const int* p) { return *p; }  // CHECK: t.cpp:[[@LINE]]:23: p does not escape
int call_reader() {
  int x = 0;
  return reader(&x);
}

// A function without a body: its pointer arguments escape.
void call_external() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  external(&x);
}

// ... but values without pointers do not matter.
int call_external_val() {
  int x = 0;
  return external_val(x);
}

// Passing a parameter on to a function without a body.
void pass_external(int* p) { external(p); }  // CHECK: t.cpp:[[@LINE]]:25: leaking param: p

// Mutual recursion, solved together: a leaks through b.
void rec_b(int* p, int n);
void rec_a(int* p, int n) {  // CHECK: t.cpp:[[@LINE]]:17: leaking param: p
  if (n == 0) g = p;
  else rec_b(p, n - 1);
}
void rec_b(int* p, int n) { rec_a(p, n); }  // CHECK: t.cpp:[[@LINE]]:17: leaking param: p

// Self recursion that does not leak.
int depth(int* p, int n) { return n == 0 ? *p : depth(p, n - 1); }  // CHECK: t.cpp:[[@LINE]]:16: p does not escape

// Recursion returning its parameter.
int* rec_ident(int* p, int n) { return n == 0 ? p : rec_ident(p, n - 1); }
// CHECK: t.cpp:[[@LINE-1]]:21: leaking param: p to result ~r0 level=0

// Using a summary with a result leak: the result kept locally.
int use_ident() {
  int x = 0;
  int* p = rec_ident(&x, 3);
  return *p;
}

// ... and returned.
int* use_ident_ret() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  return rec_ident(&x, 3);
}

// Virtual calls: the target is unknown, arguments escape.
struct Base {
  virtual void take(int* p);  // no body anywhere
  virtual ~Base();
};
void call_virtual(Base& b) {  // CHECK: t.cpp:[[@LINE]]:25: leaking param: b
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  b.take(&x);
}

// A virtual method with a body, called virtually: still unknown.
struct Shape {
  virtual int area(const int* scale) const { return *scale; }  // CHECK: t.cpp:[[@LINE]]:15: this does not escape
  // CHECK: t.cpp:[[@LINE-1]]:31: scale does not escape
};
int call_area(const Shape* s) {  // CHECK: t.cpp:[[@LINE]]:28: leaking param: s
  int k = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: k
  return s->area(&k);
}

// A qualified call is not virtual.
int call_area_qualified(const Shape* s) {  // CHECK: t.cpp:[[@LINE]]:38: s does not escape
  int k = 2;
  return s->Shape::area(&k);
}

// Function pointers: unknown target.
void call_fp(void (*fp)(int*)) {  // CHECK: t.cpp:[[@LINE]]:21: fp does not escape
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  fp(&x);
}

// std::function: the call goes through a pointer inside.
// (libstdc++'s operator() passes its own member to an indirect call.)
void call_function(const std::function<void(int*)>& f) {  // CHECK: t.cpp:[[@LINE]]:53: leaking param: f
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  f(&x);
}

// Variadic C functions: extra arguments escape.
int printf_like(const char* fmt, ...);
void call_variadic() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  printf_like("%p", &x);
}

// Default arguments are evaluated at the call.
int* default_keep(int* p = g) { return p; }  // CHECK: t.cpp:[[@LINE]]:24: leaking param: p to result ~r0 level=0
int* call_default() { return default_keep(); }
