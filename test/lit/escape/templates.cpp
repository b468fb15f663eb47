// Templates: each instantiation is analysed; the report names the spelling
// once, with the worst verdict over the instantiations.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
#include <gocxx/gocxx.hpp>

int* gi;
double* gd;

// Instantiated twice, the same verdict: one line.
template <class T>
T* ident(T* p) { return p; }  // CHECK: t.cpp:[[@LINE]]:13: leaking param: p to result ~r0 level=0
int* use_ident_int(int* p) { return ident(p); }  // CHECK: t.cpp:[[@LINE]]:25: leaking param: p to result ~r0 level=0
double* use_ident_double(double* p) { return ident(p); }  // CHECK: t.cpp:[[@LINE]]:34: leaking param: p to result ~r0 level=0

// Instantiations that differ: the worst wins.
template <class T>
void maybe_keep(T* p) {  // CHECK: t.cpp:[[@LINE]]:20: leaking param: p
  if constexpr (sizeof(T) == sizeof(int)) gi = p;
}
void use_maybe_keep() {
  int a = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: a
  double b = 0;
  maybe_keep(&a);
  maybe_keep(&b);
}

// A template never instantiated: nothing to say.
template <class T>
T* never(T* p) { return p; }

// An allocation in a template: escapes in one instantiation.
template <class T>
go::ptr<T> alloc(bool keep) {
  auto p = go::new_<T>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<T> escapes to heap
  if (keep) return p;
  return nullptr;
}
void use_alloc() {
  alloc<int>(true);
  alloc<double>(false);
}

// An allocation in a template that never escapes.
template <class T>
T local_alloc() {
  auto p = go::new_<T>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<T> does not escape
  return *p;
}
int use_local_alloc() { return local_alloc<int>() + static_cast<int>(local_alloc<long>()); }

// A class template's member.
template <class T>
struct Cell {
  T* p = nullptr;
  T* get() const { return p; }  // CHECK: t.cpp:[[@LINE]]:6: leaking param: this to result ~r0 level=1
};
int use_cell() {
  int x = 0;
  Cell<int> c{&x};
  return *c.get();
}
int* use_cell_ret() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  Cell<int> c{&x};
  return c.get();
}

// A variadic template forwarding its arguments.
template <class... A>
int count(A*... ps) { return sizeof...(ps); }  // CHECK: t.cpp:[[@LINE]]:17: ps does not escape
int use_count() {
  int a = 0, b = 0;
  return count(&a, &b);
}
