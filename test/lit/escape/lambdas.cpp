// Lambdas: a by-reference capture takes the address of the variable; the
// closure is a value holding those addresses (and copies of the rest).
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
#include <functional>

int* g;
std::function<int()> kept;

// A by-reference capture called in place: nothing escapes.
int called_here() {
  int x = 1;
  auto f = [&x] { return x + 1; };
  return f();
}

// A by-reference capture whose closure stores the address in a global.
void stores_global() {
  int x = 1;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  auto f = [&x] { g = &x; };
  f();
}

// A by-value capture: the closure has its own copy.
void by_value() {
  int x = 1;
  auto f = [x]() mutable { x++; };
  f();
}

// A closure returned with a by-reference capture: the variable moves.
auto returns_closure() {
  int x = 1;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  return [&x] { return x; };
}

// ... with a by-value capture: nothing moves.
auto returns_value_closure() {
  int x = 1;
  return [x] { return x; };
}

// A closure stored in a std::function kept in a global.
void to_std_function() {
  int x = 1;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  kept = [&x] { return x; };
}

// A lambda parameter leaking to its result.
auto ident = [](int* p) { return p; };  // CHECK: t.cpp:[[@LINE]]:22: leaking param: p to result ~r0 level=0

// A generic lambda, instantiated once.
int generic() {
  auto first = [](auto* p, auto* q) { return *p + *q; };  // CHECK: t.cpp:[[@LINE]]:25: p does not escape
  // CHECK: t.cpp:[[@LINE-1]]:34: q does not escape
  int a = 1, b = 2;
  return first(&a, &b);
}

// Default capture by reference. A closure only ever called has a location
// per capture (Go's closure is one): y stays where it is. Go's -m would
// say "moved to heap: y" too.
void default_ref() {
  int x = 1;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  int y = 2;
  auto f = [&] { g = &x; return y; };
  f();
}

// The same closure copied: the copy is one object, and y moves with x.
void default_ref_copied() {
  int x = 1;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  int y = 2;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: y
  auto f = [&] { g = &x; return y; };
  auto h = f;
  h();
}

// Init capture of an address.
void init_capture() {
  int x = 1;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  auto f = [p = &x] { g = p; };
  f();
}

// Init capture of an address, only read.
int init_capture_read() {
  int x = 1;
  auto f = [p = &x] { return *p; };
  return f();
}

// A closure passed to a template that calls it. Reported once at the
// template's spelling, the worst over its instantiations.
template <class F>
void call_it(F f) { f(); }  // CHECK: t.cpp:[[@LINE]]:16: leaking param: f
void via_template() {
  int x = 1;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  call_it([&x] { g = &x; });
}
int via_template_read() {
  int x = 1;
  int r = 0;
  call_it([&x, &r] { r = x; });
  return r;
}

// Capturing `this`.
struct Widget {
  int v = 0;
  auto getter() { return [this] { return v; }; }  // CHECK: t.cpp:[[@LINE]]:8: leaking param: this to result ~r0 level=0
  void publish();
};
Widget* last_widget;
void Widget::publish() {  // CHECK: t.cpp:[[@LINE]]:14: leaking param: this
  auto f = [this] { last_widget = this; };
  f();
}

// A nested lambda reaching a variable two levels up.
void nested() {
  int x = 1;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  auto outer = [&x] {
    auto inner = [&x] { g = &x; };
    inner();
  };
  outer();
}

// Immediately invoked.
void iife() {
  int x = 1;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  [&] { g = &x; }();
}
