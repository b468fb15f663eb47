// Every way an object's address can leave its own constructor: stored in a
// global, pushed into a container, passed to a function without a body,
// captured by a lambda stored globally, by a base class's constructor (an
// aggregate's too), through a reference or pointer member read back out.
// A self-pointer that stays inside the object does not move it to the heap.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt
#include <gocxx/gocxx.hpp>

#include <functional>
#include <vector>

void* registry;
std::vector<void*> all;
std::function<void()> callback;
void enroll(void* p);  // no body

struct in_global { int v = 0; in_global() { registry = this; } };
struct in_vector { int v = 0; in_vector() { all.push_back(this); } };
struct to_unknown { int v = 0; to_unknown() { enroll(this); } };
struct in_callback { int v = 0; in_callback() { callback = [this] { ++v; }; } };
struct base { base() { registry = this; } };
struct derived : base { int v = 0; };  // an aggregate: base() runs in place
struct by_ref_member { int v = 0; by_ref_member& me; by_ref_member() : me(*this) { registry = &me; } };
struct by_ptr_member { int v = 0; by_ptr_member* me; by_ptr_member() : me(this) { registry = me; } };
struct self_only { int v = 0; self_only* self; self_only() : self(this) {} };

void make_all() {
  auto a = go::new_<in_global>();      // CHECK: t.cpp:[[@LINE]]:12: go::new_<in_global> escapes to heap
  auto b = go::new_<in_vector>();      // CHECK: t.cpp:[[@LINE]]:12: go::new_<in_vector> escapes to heap
  auto c = go::new_<to_unknown>();     // CHECK: t.cpp:[[@LINE]]:12: go::new_<to_unknown> escapes to heap
  auto d = go::new_<in_callback>();    // CHECK: t.cpp:[[@LINE]]:12: go::new_<in_callback> escapes to heap
  auto e = go::new_<derived>();        // CHECK: t.cpp:[[@LINE]]:12: go::new_<derived> escapes to heap
  auto f = go::new_<by_ref_member>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<by_ref_member> escapes to heap
  auto g = go::new_<by_ptr_member>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<by_ptr_member> escapes to heap
  auto h = go::new_<self_only>();      // CHECK: t.cpp:[[@LINE]]:12: go::new_<self_only> does not escape
  (void)a, (void)b, (void)c, (void)d, (void)e, (void)f, (void)g, (void)h;
}

// The same as locals: moved to the heap, but for the self-pointer.
void locals() {
  derived x;    // CHECK: t.cpp:[[@LINE]]:11: moved to heap: x
  self_only y;  // CHECK-NOT: t.cpp:[[@LINE]]:{{.*}}moved to heap
  (void)x, (void)y;
}

// A self-pointer read back out by the caller: the object escapes then.
void* read_out() {
  auto s = go::new_<self_only>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<self_only> escapes to heap
  return s->self;
}
