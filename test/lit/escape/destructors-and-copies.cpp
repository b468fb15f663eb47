// What runs without being written: a destructor's members' and bases'
// destructors, a temporary's destructor at the end of its full-expression,
// and a defaulted copy that runs a member's own copy constructor. Each may
// publish the pointer an object holds, so an allocation it reaches escapes;
// gocxx-escape-heap-to-stack must not offer to move it (each positive case
// here was a stack-use-after-return after `gocxx fix --apply`).
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %expect_exit 1 %gocxx escape --format=go --checks=-*,gocxx-escape-heap-to-stack t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
#include <gocxx/gocxx.hpp>

#include <cstdlib>
#include <functional>
#include <optional>
#include <tuple>
#include <utility>
#include <variant>

struct T {
  int x;
};
T* published;
struct reg {
  T* p;
  ~reg() { published = p; }
};
struct holder {
  reg r;
  int y;
};
struct own_dtor {
  reg r;
  ~own_dtor() {}
};
struct derived : reg {};
struct tracker {
  T* p;
  explicit tracker(T* q) : p(q) {}
  tracker(const tracker& o) : p(o.p) { published = p; }
};
struct tracked {
  tracker t;
  int k;
};
struct plain {
  T* p;
  int k;
};

// ---- Destructors: every one escapes ----

int member_of_local() {
  auto obj = go::new_<T>(1);
  holder h{reg{obj.get()}, 1};
  return h.r.p->x;
}

int member_with_own_destructor() {
  auto obj = go::new_<T>(2);
  own_dtor h{reg{obj.get()}};
  return h.r.p->x;
}

int base_of_local() {
  auto obj = go::new_<T>(3);
  derived d{{obj.get()}};
  return d.p->x;
}

int temporary() {
  auto obj = go::new_<T>(4);
  return reg{obj.get()}.p->x;
}

int capture_called_on_the_spot() {
  auto obj = go::new_<T>(5);
  return [r = reg{obj.get()}] { return r.p->x; }();
}

int capture_of_local_closure() {
  auto obj = go::new_<T>(6);
  auto f = [r = reg{obj.get()}] { return r.p->x; };
  return f();
}

// Held by a standard library template: its destructor destroys the reg.
struct held {
  T* p;
  explicit held(T* q) : p(q) {}
  ~held() { published = p; }
};
int in_pair() {
  auto obj = go::new_<T>(20);
  std::pair<held, int> t{held(obj.get()), 1};
  return t.second;
}
int in_optional() {
  auto obj = go::new_<T>(21);
  std::optional<held> o{std::in_place, obj.get()};
  return o->p->x;
}
int in_tuple() {
  auto obj = go::new_<T>(22);
  std::tuple<held> t{held(obj.get())};
  return std::get<0>(t).p->x;
}
int in_variant() {
  auto obj = go::new_<T>(23);
  std::variant<held, int> v{std::in_place_index<0>, obj.get()};
  return v.index() == 0 ? 1 : 0;
}

// A parameter taken by value is destroyed with what the callee left in it.
void fill(reg r, T* x) { r.p = x; }
int by_value_parameter() {
  auto obj = go::new_<T>(24);
  fill(reg{nullptr}, obj.get());
  return obj->x;
}

// delete runs the destructor.
int deleted() {
  auto obj = go::new_<T>(25);
  reg* r = new reg{obj.get()};
  int x = r->p->x;
  delete r;
  return x;
}

// ---- Copies that run a member's copy constructor: every one escapes ----

// A constructor template is a user's copy too (a class with a destructor
// of its own has no implicit move: the template is chosen).
struct by_template {
  T* p;
  explicit by_template(T* q) : p(q) {}
  template <class U>
  by_template(U&& o) : p(o.p) {
    published = p;
  }
  ~by_template() {}
};
struct outer {
  by_template r;
};
int moved_through_a_template() {
  auto obj = go::new_<T>(26);
  outer a{by_template(obj.get())};
  outer b = std::move(a);
  return b.r.p->x;
}

int copied_closure() {
  auto obj = go::new_<T>(7);
  auto f = [t = tracker(obj.get())] { return t.p->x; };
  auto g = f;
  return g();
}

int copied_struct() {
  auto obj = go::new_<T>(8);
  tracked a{tracker(obj.get()), 1};
  tracked b = a;
  return b.k;
}

template <class F>
int call_copy(F f) {
  return f();
}
int closure_passed_by_value() {
  auto obj = go::new_<T>(9);
  auto l = [t = tracker(obj.get())] { return t.p->x; };
  return call_copy(l);
}

// ---- Nothing runs that publishes: the objects stay local ----

// tracker has no assignment of its own: assigning copies the pointer only.
int assigned_struct() {
  auto obj = go::new_<T>(10);  // CHECK: t.cpp:[[@LINE]]:14: go::new_<T> does not escape; it can live on the stack
  tracked a{tracker(obj.get()), 1};
  tracked b{tracker(nullptr), 2};
  b = a;
  return b.k;
}

int plain_copy() {
  auto obj = go::new_<T>(11);  // CHECK: t.cpp:[[@LINE]]:14: go::new_<T> does not escape; it can live on the stack
  plain a{obj.get(), 1};
  plain b = a;
  return b.p->x;
}

int plain_temporary() {
  auto obj = go::new_<T>(12);  // CHECK: t.cpp:[[@LINE]]:14: go::new_<T> does not escape; it can live on the stack
  return plain{obj.get(), 2}.p->x;
}

// ---- Recursion through a callback ----

// qsort has no body here but is handed a function that calls back.
struct page {
  char b[16384];
};
int compare_back(const void*, const void*);
int pair_of[2] = {2, 1};
int walk(int n) {
  auto s = go::new_<page>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<page> does not escape; it can live on the stack
  // CHECK-NEXT: t.cpp:[[@LINE-1]]:12: no fix-it: 'walk' calls through a function pointer{{.*}}
  s->b[0] = static_cast<char>(n);
  if (n > 0) std::qsort(pair_of, 2, sizeof(int), compare_back);
  return s->b[0];
}
int compare_back(const void* a, const void*) { return walk(*static_cast<const int*>(a) - 1); }

// ---- Recursion through std::function ----

// The lambda calls itself through std::function's function pointer: each
// live call would keep its 16 KiB on the stack, so no fix (a small object
// is fine, as in any recursion).
struct big {
  char b[16384];
};
long depth(int n) {
  std::function<long(int)> rec = [&](int k) -> long {
    auto s = go::new_<big>();  // CHECK: t.cpp:[[@LINE]]:14: go::new_<big> does not escape; it can live on the stack
    // CHECK-NEXT: t.cpp:[[@LINE-1]]:14: no fix-it: the lambda calls through a function pointer, a virtual function or std::function, which may call it again, and the object takes 16384 bytes: {{.*}}
    s->b[0] = static_cast<char>(k);
    auto small = go::new_<T>(k);  // CHECK: t.cpp:[[@LINE]]:18: go::new_<T> does not escape; it can live on the stack
    return k == 0 ? 0 : s->b[0] + small->x + rec(k - 1);
  };
  return rec(n);
}
