// gocxx-escape-dangling: the address of a local or parameter outlives it.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && not %gocxx check --checks=-*,gocxx-escape-dangling t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt
// RUN: FileCheck %s --check-prefix=NEG --input-file=%t/out.txt
// RUN: cd %t && not %gocxx check --checks=-*,gocxx-escape-dangling --format=json t.cpp > %t/out.json
// RUN: FileCheck %s --check-prefix=JSON --input-file=%t/out.json
#include <gocxx/gocxx.hpp>

int* g;
void external(int* p);

// Returned.
int* ret() {
  int x = 0;
  return &x;
}
// CHECK: t.cpp:[[@LINE-3]]:7: warning: address of local variable 'x' outlives it: it is returned from 'ret' [gocxx-escape-dangling]
// CHECK: note: flow: ~r0 = &x (address-of)
// JSON: "check": "gocxx-escape-dangling"
// JSON: "message": "address of local variable 'x' outlives it: it is returned from 'ret'"
// JSON: "notes": [
// JSON: "message": "flow: ~r0 = &x (address-of)"

// A by-value parameter returned by reference.
const int& ret_param(int v) { return v; }
// CHECK: t.cpp:[[@LINE-1]]:26: warning: address of parameter 'v' outlives it: it is returned from 'ret_param'

// Stored in a global.
void to_global() {
  int y = 0;
  g = &y;
}
// CHECK: t.cpp:[[@LINE-3]]:7: warning: address of local variable 'y' outlives it: it is stored in a global variable
// CHECK: note: flow: g = &y (address-of)

// Stored in a global by a callee.
void keep(int* p) { g = p; }
void via_callee() {
  int z = 0;
  keep(&z);
}
// CHECK: t.cpp:[[@LINE-3]]:7: warning: address of local variable 'z' outlives it: it is stored in a global variable

// Sent on a channel.
go::task<> send(go::chan<int*> ch) {
  int s = 0;
  co_await ch.send(&s);
}
// CHECK: t.cpp:[[@LINE-3]]:7: warning: address of local variable 's' outlives it: it is sent on a channel

// Captured by reference in a spawned goroutine.
void spawn_ref() {
  int c = 0;
  go::spawn([&c]() -> go::task<> {
    c++;
    co_return;
  });
}
// CHECK: t.cpp:[[@LINE-6]]:7: warning: address of local variable 'c' outlives it: a spawned goroutine can reach it

// Passed to a spawned goroutine.
go::task<> worker(int* p) { co_return; }
void spawn_arg() {
  int w = 0;
  go::spawn(worker, &w);
}
// CHECK: t.cpp:[[@LINE-3]]:7: warning: address of local variable 'w' outlives it: a spawned goroutine can reach it

// Stored into a GC object.
struct Node { int* data = nullptr; };
go::ptr<Node> into_heap() {
  int d = 0;
  auto n = go::new_<Node>();
  n->data = &d;
  return n;
}
// CHECK: t.cpp:[[@LINE-5]]:7: warning: address of local variable 'd' outlives it: it is stored in the GC heap

// Stored into a slice element.
void into_slice(go::slice<int*> s) {
  int e = 0;
  s[0] = &e;
}
// CHECK: t.cpp:[[@LINE-3]]:7: warning: address of local variable 'e' outlives it: it is stored in the GC heap

// A coroutine's task returned with a reference to a local.
go::task<int> read_later(const int& r) { co_return r; }
go::task<int> task_ref() {
  int t = 0;
  return read_later(t);
}
// CHECK: t.cpp:[[@LINE-3]]:7: warning: address of local variable 't' outlives it: it is returned from 'task_ref'

// Negative cases: conservative escapes are not reported as dangling.
void unknown_call() {
  int u = 0;
  external(&u);
}
// NEG-NOT: local variable 'u'
long cast_escape() {
  int k = 0;
  return reinterpret_cast<long>(&k);
}
// NEG-NOT: local variable 'k'
int local_only() {
  int l = 0;
  int* p = &l;
  return *p;
}
// NEG-NOT: local variable 'l'
int awaited(go::chan<int> ch) {
  int a = 0;
  return a;
}
// NEG-NOT: local variable 'a'
