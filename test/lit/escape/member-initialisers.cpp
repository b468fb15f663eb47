// go::new_ of an aggregate: the members the arguments do not cover are
// initialised by their default member initialiser, in place, or
// default-constructed. A string member with or without an initialiser keeps
// nothing (the library's constructors and destructors this unit has no body
// for set the object up and tear it down); an initialiser that stores `this`
// makes the object escape, as a constructor that does would.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
#include <gocxx/gocxx.hpp>

#include <string>
#include <string_view>

struct config {
  std::string host = "localhost";
  int port = 80;
  std::string user;
  std::string_view mode = "rw";
};
int defaults() {
  auto c = go::new_<config>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<config> does not escape
  return c->port + static_cast<int>(c->host.size() + c->user.size() + c->mode.size());
}
int partly_given() {
  auto c = go::new_<config>("example.org", 8080);  // CHECK: t.cpp:[[@LINE]]:12: go::new_<config> does not escape
  return c->port;
}

// `this` in a default member initialiser is the new object.
struct self_aware {
  self_aware* self = this;
  int n = 0;
};
self_aware* kept;
void keeps_self() {
  auto s = go::new_<self_aware>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<self_aware> escapes to heap
  kept = s->self;
}

int* seen;
int global_value = 0;
struct points_at_global {
  int* p = &global_value;
};
int global_pointer() {
  auto g = go::new_<points_at_global>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<points_at_global> does not escape
  seen = g->p;
  return *g->p;
}
