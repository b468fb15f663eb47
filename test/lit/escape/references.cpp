// References are pointers: a reference parameter is the address of the
// caller's object, a reference variable holds the address of its referent.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:

int* g;
int* const* gpp;

// Returning a reference parameter: leaks to the result.
int& ref_ident(int& r) { return r; }  // CHECK: t.cpp:[[@LINE]]:21: leaking param: r to result ~r0 level=0

// Reading through a reference parameter: does not escape.
int ref_read(const int& r) { return r + 1; }  // CHECK: t.cpp:[[@LINE]]:25: r does not escape

// Storing the address of a reference parameter's referent in a global.
void ref_keep(int& r) { g = &r; }  // CHECK: t.cpp:[[@LINE]]:20: leaking param: r

// Returning a reference to a local: the local moves.
int& ref_local() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  return x;
}

// Returning a reference to a by-value parameter.
const int& ref_param(int v) { return v; }  // CHECK: t.cpp:[[@LINE]]:26: moved to heap: v

// A local reference bound to a local, its address returned.
int* ref_var() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  int& r = x;
  return &r;
}

// A local reference used locally: nothing moves.
int ref_var_local() {
  int x = 0;
  int& r = x;
  r = 5;
  return x;
}

// Passing a local by reference to a function that only reads it.
int call_read() {
  int x = 3;
  return ref_read(x);
}

// Passing a local by reference to a function that keeps its address.
void call_keep() {
  int x = 3;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  ref_keep(x);
}

// Passing a local by reference to a function that returns it, kept locally.
int call_ident() {
  int x = 3;
  int& y = ref_ident(x);
  return y;
}

// ...and returned.
int& call_ident_ret() {
  int x = 3;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  return ref_ident(x);
}

// A reference to a pointer: the pointer's value is stored.
void ref_to_ptr(int*& rp) { g = rp; }  // CHECK: t.cpp:[[@LINE]]:23: leaking param content: rp

// A const reference to a temporary, used locally.
int temp_ref() {
  const int& r = 42;
  return r;
}

// Storing through a reference parameter is a store through a pointer.
void ref_store(int*& out) {  // CHECK: t.cpp:[[@LINE]]:22: out does not escape
  int v = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: v
  out = &v;
}

// Rvalue references are references too.
int&& rref_ident(int&& r) { return static_cast<int&&>(r); }  // CHECK: t.cpp:[[@LINE]]:24: leaking param: r to result ~r0 level=0

// Structured bindings refer to the object they decompose.
struct Pair { int a; int b; };
int* binding() {
  Pair p{1, 2};  // CHECK: t.cpp:[[@LINE]]:8: moved to heap: p
  auto& [a, b] = p;
  return &b;
}
