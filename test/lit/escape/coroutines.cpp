// go::task coroutines: parameters and locals live in the frame, which the
// task keeps: parameters flow to the result (the task).
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
#include <gocxx/gocxx.hpp>

int* g;

// A reference parameter is kept by the frame: it leaks to the task.
go::task<int> read_later(const int& r) { co_return r; }  // CHECK: t.cpp:[[@LINE]]:37: leaking param: r to result ~r0 level=0

// Awaited at once: the task is a temporary, nothing escapes.
go::task<int> await_now() {
  int x = 1;
  co_return co_await read_later(x);
}

// The task returned with a reference to a local in its frame: the local moves.
go::task<int> returns_task() {
  int x = 1;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  return read_later(x);
}

// A coroutine co_returning a pointer parameter.
go::task<int*> pass(int* p) { co_return p; }  // CHECK: t.cpp:[[@LINE]]:26: leaking param: p to result ~r0 level=0

// A coroutine storing a parameter in a global.
go::task<> keep(int* p) {  // CHECK: t.cpp:[[@LINE]]:22: leaking param: p
  g = p;
  co_return;
}

// Locals of a coroutine whose address is co_returned.
go::task<int*> local_addr() {
  int x = 1;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  co_return &x;
}

// A local used across a suspension point stays in the frame.
go::task<int> across_await(go::chan<int> ch) {  // CHECK: t.cpp:[[@LINE]]:42: leaking param: ch to result ~r0 level=0
  int x = 1;
  int* p = &x;
  *p += co_await ch.recv();
  co_return x;
}

// A lambda coroutine capturing by reference, spawned: the variable moves.
void spawn_ref_lambda() {
  int n = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: n
  go::spawn([&n]() -> go::task<> {
    n = 1;
    co_return;
  });
}

// A lambda coroutine capturing by reference, awaited at once.
go::task<> await_ref_lambda() {
  int n = 0;
  auto body = [&n]() -> go::task<> {
    n = 1;
    co_return;
  };
  co_await body();
}

// ...whose task is returned: the closure is reachable from the frame.
go::task<> return_ref_lambda() {
  int n = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: n
  auto body = [&n]() -> go::task<> {  // CHECK: t.cpp:[[@LINE]]:8: moved to heap: body
    n = 1;
    co_return;
  };
  return body();
}

// A member coroutine keeps `this`.
struct Server {
  int port = 0;
  go::task<int> serve() { co_return port; }  // CHECK: t.cpp:[[@LINE]]:17: leaking param: this to result ~r0 level=0
};
go::task<int> serve_local() {
  Server s;
  co_return co_await s.serve();
}
go::task<int> serve_returned() {
  Server s;  // CHECK: t.cpp:[[@LINE]]:10: moved to heap: s
  return s.serve();
}

// Spawning a coroutine function with a pointer argument: the argument escapes.
go::task<> worker(int* p) {  // CHECK: t.cpp:[[@LINE]]:24: leaking param: p to result ~r0 level=0
  co_return;
}
void start() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  go::spawn(worker, &x);
}
