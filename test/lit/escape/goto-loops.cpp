// Loops made by goto (Go: a "looping" label raises the loop depth): after a
// label that a later goto jumps back to, the rest of its block is one level
// deeper, so an object kept from one iteration to the next escapes and one
// used within an iteration does not. A forward goto (an error exit) makes
// no loop; with a computed goto every label whose address is taken loops.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
#include <gocxx/gocxx.hpp>

// Kept across iterations through a variable declared before the label.
int kept_across(int n) {
  int* last = nullptr;
  int i = 0;
again:
  go::ptr<int> z = go::new_<int>(i);  // CHECK: t.cpp:[[@LINE]]:20: go::new_<int> escapes to heap
  if (last) i += *last;
  last = z.get();
  if (++i < n) goto again;
  return *last;
}

// The same inside a nested block: the label's block is what loops.
int kept_in_block(int n) {
  int r = 0;
  {
    int* last = nullptr;
    int i = 0;
  top:
    int v = i;  // CHECK: t.cpp:[[@LINE]]:9: moved to heap: v
    if (last) v += *last;
    last = &v;
    if (++i < n) goto top;
    r = *last;
  }
  return r;
}

// Used within one iteration only.
int within(int n) {
  int i = 0, sum = 0;
again:
  {
    go::ptr<int> t = go::new_<int>(i);  // CHECK: t.cpp:[[@LINE]]:22: go::new_<int> does not escape
    sum += *t;
  }
  if (++i < n) goto again;
  return sum;
}

// A forward goto is an exit, not a loop.
int forward(bool fail) {
  int* out = nullptr;
  go::ptr<int> x = go::new_<int>(1);  // CHECK: t.cpp:[[@LINE]]:20: go::new_<int> does not escape
  if (fail) goto done;
  out = x.get();
done:
  return out ? *out : 0;
}

// A computed goto: the labels whose address is taken loop.
int computed(int n) {
  void* next = &&body;
  int* last = nullptr;
  int i = 0;
body:
  int v = i;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: v
  if (last) v += *last;
  last = &v;
  next = ++i < n ? &&body : &&out;
  goto* next;
out:
  return *last;
}
