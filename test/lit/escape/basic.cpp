// Locals, parameters, results and globals: Go's basic verdicts.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
// RUN: cd %t && %gocxx escape -m --format=json --checks=-*,gocxx-escape-report t.cpp > %t/out.json
// RUN: FileCheck %s --check-prefix=JSON --input-file=%t/out.json

int* global_p;
int global_v;

// A local whose address is returned.
int* ret_addr() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  return &x;
}
// JSON: "check": "gocxx-escape-report"
// JSON: "severity": "remark"
// JSON: "message": "moved to heap: x"
// JSON: "verdict": "moved-to-heap"

// A local whose address is stored in a global.
void to_global() {
  int y = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: y
  global_p = &y;
}

// A local whose address stays local.
int stays() {
  int z = 1;
  int* p = &z;
  return *p;
}

// Copying a value out never moves anything.
int copy_out() {
  int z = 1;
  int w = z;
  global_v = w;
  return w;
}

// A parameter returned as is.
int* ident(int* p) { return p; }  // CHECK: t.cpp:[[@LINE]]:17: leaking param: p to result ~r0 level=0
// JSON: "message": "leaking param: p to result ~r0 level=0"
// JSON: "name": "p"
// JSON-NEXT: "verdict": "leaking-param"

// A parameter stored in a global.
void keep(int* p) { global_p = p; }  // CHECK: t.cpp:[[@LINE]]:16: leaking param: p

// A parameter only read through.
int read(int* p) { return *p; }  // CHECK: t.cpp:[[@LINE]]:15: p does not escape
// JSON: "message": "p does not escape"
// JSON: "verdict": "param-does-not-escape"

// What a parameter points to is stored in a global: its content leaks.
void keep_content(int** pp) { global_p = *pp; }  // CHECK: t.cpp:[[@LINE]]:25: leaking param content: pp

// A parameter dereferenced and returned: level 1.
int* load(int** pp) { return *pp; }  // CHECK: t.cpp:[[@LINE]]:17: leaking param: pp to result ~r0 level=1

// Two parameters, one leaks.
int* first(int* a, int* b) { return a; }  // CHECK: t.cpp:[[@LINE]]:17: leaking param: a to result ~r0 level=0
// CHECK: t.cpp:[[@LINE-1]]:25: b does not escape

// Parameters without pointers are not reported.
int add(int a, int b) { return a + b; }

// A by-value parameter whose address is returned is moved to the heap.
int* param_addr(int v) { return &v; }  // CHECK: t.cpp:[[@LINE]]:21: moved to heap: v

// The address of a parameter that does not leave.
int param_local(int v) {
  int* p = &v;
  return *p;
}

// A pointer to a pointer to a local, returned: both move.
int** two_levels() {
  int a = 0;    // CHECK: t.cpp:[[@LINE]]:7: moved to heap: a
  int* pa = &a; // CHECK: t.cpp:[[@LINE]]:8: moved to heap: pa
  return &pa;
}

// A local pointer to a local, the pointer returned by value.
int* via_var() {
  int a = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: a
  int* p = &a;
  int* q = p;
  return q;
}

// A static local is a global: storing in it makes the local escape.
void static_local() {
  static int* keep;
  int b = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: b
  keep = &b;
}

// Conditional operator: either branch may flow.
int* pick(bool c, int* p, int* q) { return c ? p : q; }
// CHECK: t.cpp:[[@LINE-1]]:24: leaking param: p to result ~r0 level=0
// CHECK: t.cpp:[[@LINE-2]]:32: leaking param: q to result ~r0 level=0

// Arrays: the address of an element is the address of the array.
int* array_elem() {
  int arr[4] = {};  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: arr
  return &arr[2];
}

// An array decays to a pointer to its first element.
int* array_decay() {
  int arr[4] = {};  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: arr
  return arr;
}

// Reading an array through a local pointer: nothing escapes.
int array_local() {
  int arr[4] = {1, 2, 3, 4};
  int* p = arr;
  return p[1];
}

// Store through a parameter: Go treats it as a store to the heap.
void store_through(int** out) {  // CHECK: t.cpp:[[@LINE]]:26: out does not escape
  int v = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: v
  *out = &v;
}

// Null pointers are not addresses.
int* null_ret() { return nullptr; }
