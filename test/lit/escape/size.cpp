// Size: objects over 64 KiB, and slices with a non-constant capacity or an
// array over 64 KiB, stay on the heap whatever the flow; the others may move
// to the stack (gocxx-escape-heap-to-stack).
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
// RUN: cd %t && %gocxx escape --format=go --checks=-*,gocxx-escape-heap-to-stack t.cpp > %t/h2s.txt || true
// RUN: FileCheck %s --check-prefix=H2S --input-file=%t/h2s.txt --implicit-check-not=t.cpp:
#include <gocxx/gocxx.hpp>

struct Big { char bytes[65 * 1024]; };
struct Exact { char bytes[64 * 1024]; };
struct Small { char bytes[16]; };

int big() {
  auto p = go::new_<Big>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<Big> escapes to heap
  return p->bytes[0];
}
int exact() {
  auto p = go::new_<Exact>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<Exact> does not escape
  return p->bytes[0];          // H2S: t.cpp:[[@LINE-1]]:12: go::new_<Exact> does not escape; it can live on the stack
}
int small() {
  auto p = go::new_<Small>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<Small> does not escape
  return p->bytes[0];          // H2S: t.cpp:[[@LINE-1]]:12: go::new_<Small> does not escape; it can live on the stack
}
int const_slice() {
  auto s = go::make_slice<int>(16, 32);  // CHECK: t.cpp:[[@LINE]]:12: go::make_slice<int> does not escape
  return s[0];                           // H2S: t.cpp:[[@LINE-1]]:12: go::make_slice<int> does not escape; it can live on the stack
}
int big_const_slice() {
  auto s = go::make_slice<long>(10000);  // CHECK: t.cpp:[[@LINE]]:12: go::make_slice<long> escapes to heap
  return static_cast<int>(s[0]);
}
int var_slice(unsigned n) {
  auto s = go::make_slice<int>(n);  // CHECK: t.cpp:[[@LINE]]:12: go::make_slice<int> escapes to heap
  return s[0];
}
constexpr unsigned kLen = 8;
int constexpr_slice() {
  auto s = go::make_slice<int>(kLen * 2);  // CHECK: t.cpp:[[@LINE]]:12: go::make_slice<int> does not escape
  return s[0];                             // H2S: t.cpp:[[@LINE-1]]:12: go::make_slice<int> does not escape; it can live on the stack
}
int var_len_const_cap(unsigned n) {
  auto s = go::make_slice<int>(n, 64);  // CHECK: t.cpp:[[@LINE]]:12: go::make_slice<int> does not escape
  return s[0];                          // H2S: t.cpp:[[@LINE-1]]:12: go::make_slice<int> does not escape; it can live on the stack
}
int var_cap(unsigned n) {
  auto s = go::make_slice<int>(4, n);  // CHECK: t.cpp:[[@LINE]]:12: go::make_slice<int> escapes to heap
  return s[0];
}
