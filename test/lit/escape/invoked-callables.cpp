// Callables the runtime calls: go::defer runs its function at the end of the
// scope, once::call and go::blocking during the call. What the function's
// body does with its captures counts where the callable is given: a virtual
// call through a by-reference capture leaks what it is given (Go: a call
// through an interface), as does a store into a global; a body that only
// reads and writes through its captures leaks nothing. A callable the
// analysis cannot name (a std::function) leaks what it holds.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
#include <gocxx/gocxx.hpp>

#include <functional>

struct sink {
  virtual void take(int* p) = 0;
  virtual ~sink() = default;
};
int* global;
int read(const int& v) { return v; }  // CHECK: t.cpp:[[@LINE]]:21: v does not escape

// A virtual call in a deferred lambda, by reference and by value.
void deferred_virtual(sink* s) {      // CHECK: t.cpp:[[@LINE]]:29: leaking param: s
  go::ptr<int> x = go::new_<int>(1);  // CHECK: t.cpp:[[@LINE]]:20: go::new_<int> escapes to heap
  go::defer d([&] { s->take(x.get()); });
}
void deferred_by_value(sink* s) {     // CHECK: t.cpp:[[@LINE]]:30: leaking param: s
  go::ptr<int> x = go::new_<int>(1);  // CHECK: t.cpp:[[@LINE]]:20: go::new_<int> escapes to heap
  go::defer d([s, x] { s->take(x.get()); });
}

// A deferred lambda kept in a variable first.
void deferred_named() {
  go::ptr<int> x = go::new_<int>(1);  // CHECK: t.cpp:[[@LINE]]:20: go::new_<int> escapes to heap
  auto keep = [&] { global = x.get(); };
  go::defer d(keep);
}

// A deferred function object with one operator().
struct publish {
  int** to;
  void operator()() const { global = *to; }  // CHECK: t.cpp:[[@LINE]]:8: leaking param content: this
};
void deferred_functor() {
  go::ptr<int> x = go::new_<int>(1);  // CHECK: t.cpp:[[@LINE]]:20: go::new_<int> escapes to heap
  int* raw = x.get();  // its value leaks, not its address
  go::defer d(publish{&raw});
}

// once::call runs its function during the call.
go::task<> once_leaky(go::once& o) {  // CHECK: t.cpp:[[@LINE]]:33: leaking param: o to result ~r0 level=0
  go::ptr<int> z = go::new_<int>(1);  // CHECK: t.cpp:[[@LINE]]:20: go::new_<int> escapes to heap
  co_await o.call([&] { global = z.get(); });
}

// Negative: bodies that only read and write through their captures.
void deferred_benign() {
  go::ptr<int> x = go::new_<int>(1);  // CHECK: t.cpp:[[@LINE]]:20: go::new_<int> does not escape
  go::defer d([&] { *x = read(*x); });
}
go::task<> once_benign(go::once& o) {  // CHECK: t.cpp:[[@LINE]]:34: leaking param: o to result ~r0 level=0
  go::ptr<int> y = go::new_<int>(1);   // CHECK: t.cpp:[[@LINE]]:20: go::new_<int> does not escape
  co_await o.call([&] { *y = 2; });
}

// A std::function: its call is not followed, so what it holds leaks.
void deferred_function() {
  // CHECK: t.cpp:[[@LINE+1]]:16: moved to heap: x
  go::ptr<int> x = go::new_<int>(1);  // CHECK: t.cpp:[[@LINE]]:20: go::new_<int> escapes to heap
  std::function<void()> f = [&] { *x = 1; };  // CHECK: t.cpp:[[@LINE]]:25: moved to heap: f
  go::defer d(f);  // the temporary copy of f it is given escapes, not d
}
