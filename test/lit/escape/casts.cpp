// Casts and pointer arithmetic: conservatively, the pointer escapes.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
#include <cstdint>

struct Base { int b = 0; virtual ~Base() = default; };
struct Derived : Base { int d = 0; };

// reinterpret_cast: escapes.
long as_long() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  return reinterpret_cast<std::intptr_t>(&x);
}

// A C-style cast between pointer types: escapes.
char first_byte() {
  int x = 0x41;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  return *(char*)&x;
}

// static_cast from void*: escapes.
int from_void() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  void* v = &x;
  return *static_cast<int*>(v);
}

// Implicit conversion to void* alone: follows the pointer.
bool to_void() {
  int x = 0;
  const void* v = &x;
  return v != nullptr;
}

// const_cast keeps following the pointer.
int un_const() {
  const int x = 0;
  int* p = const_cast<int*>(&x);
  return *p;
}

// Derived-to-base and back: the same object.
int up_down() {
  Derived d;
  Base* b = &d;
  Derived* e = static_cast<Derived*>(b);
  return e->d;
}
int dyn() {
  Derived d;
  Base* b = &d;
  auto* e = dynamic_cast<Derived*>(b);
  return e ? e->d : 0;
}

// Pointer arithmetic: escapes.
int arith() {
  int arr[4] = {1, 2, 3, 4};  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: arr
  int* p = arr + 1;
  return *p;
}
int incr() {
  int arr[4] = {1, 2, 3, 4};  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: arr
  int* p = arr;
  ++p;
  return *p;
}
int compound() {
  int arr[4] = {1, 2, 3, 4};  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: arr
  int* p = arr;
  p += 2;
  return *p;
}

// Subscripts are not arithmetic: the element is in the same object.
int subscript() {
  int arr[4] = {1, 2, 3, 4};
  int* p = arr;
  return p[2];
}

// Pointer difference yields an integer: nothing escapes.
long diff() {
  int arr[4] = {};
  int* a = &arr[0];
  int* b = &arr[3];
  return b - a;
}

// A parameter cast to an integer.
std::uintptr_t addr_of(int* p) { return reinterpret_cast<std::uintptr_t>(p); }  // CHECK: t.cpp:[[@LINE]]:29: leaking param: p

// Pointer comparison: nothing escapes.
bool same(int* a, int* b) { return a == b; }  // CHECK: t.cpp:[[@LINE]]:16: a does not escape
// CHECK: t.cpp:[[@LINE-1]]:24: b does not escape
