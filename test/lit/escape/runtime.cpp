// The runtime API by name: go::new_, go::ptr, slices, maps, channels, spawn.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
// RUN: cd %t && %gocxx escape --format=json --checks=-*,gocxx-escape-report t.cpp > %t/out.json
// RUN: FileCheck %s --check-prefix=JSON --input-file=%t/out.json
#include <gocxx/gocxx.hpp>

struct Point { int x = 0, y = 0; };
struct Link { Link* next = nullptr; int* data = nullptr; };
go::ptr<Point> gpt;
int* graw;

// An allocation returned: escapes.
go::ptr<Point> make_point() { return go::new_<Point>(1, 2); }  // CHECK: t.cpp:[[@LINE]]:38: go::new_<Point> escapes to heap
// JSON: "message": "go::new_<Point> escapes to heap"
// JSON: "name": "go::new_<Point>"
// JSON-NEXT: "verdict": "escapes"

// An allocation used locally: does not escape.
int sum_point() {
  auto p = go::new_<Point>(1, 2);  // CHECK: t.cpp:[[@LINE]]:12: go::new_<Point> does not escape
  return p->x + p->y;
}
// JSON: "message": "go::new_<Point> does not escape"
// JSON: "name": "go::new_<Point>"
// JSON-NEXT: "verdict": "does-not-escape"

// Stored in a global.
void to_global() {
  gpt = go::new_<Point>();  // CHECK: t.cpp:[[@LINE]]:9: go::new_<Point> escapes to heap
}

// Copied into another local ptr: still local.
int copy_local() {
  go::ptr<Point> p = go::new_<Point>();  // CHECK: t.cpp:[[@LINE]]:22: go::new_<Point> does not escape
  go::ptr<Point> q = p;
  return q->x;
}

// A raw pointer taken with get() and stored in a global.
void raw_to_global() {
  auto p = go::new_<Point>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<Point> escapes to heap
  graw = &p->x;
}

// Stored into another heap object: escapes.
struct Box { go::ptr<Point> inner; };
void into_box(go::ptr<Box> b) {  // CHECK: t.cpp:[[@LINE]]:28: b does not escape
  b->inner = go::new_<Point>();  // CHECK: t.cpp:[[@LINE]]:14: go::new_<Point> escapes to heap
}

// A local's address stored into a heap object: the local moves.
void local_into_heap() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  auto l = go::new_<Link>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<Link> does not escape
  l->data = &x;
}

// A ptr parameter returned.
go::ptr<Point> pass(go::ptr<Point> p) { return p; }  // CHECK: t.cpp:[[@LINE]]:36: leaking param: p to result ~r0 level=0

// A ptr parameter read.
int read_ptr(go::ptr<Point> p) { return p->x; }  // CHECK: t.cpp:[[@LINE]]:29: p does not escape

// Passed to a function that only reads it: does not escape.
int pass_to_reader() {
  return read_ptr(go::new_<Point>(3, 4));  // CHECK: t.cpp:[[@LINE]]:19: go::new_<Point> does not escape
}

// Passed through and kept: escapes.
go::ptr<Point> pass_through() {
  return pass(go::new_<Point>());  // CHECK: t.cpp:[[@LINE]]:15: go::new_<Point> escapes to heap
}

// Dereferenced and copied: the object does not escape, the copy is a value.
Point deref_copy() {
  auto p = go::new_<Point>(5, 6);  // CHECK: t.cpp:[[@LINE]]:12: go::new_<Point> does not escape
  return *p;
}

// A slice with a constant size used locally.
int local_slice() {
  auto s = go::make_slice<int>(8);  // CHECK: t.cpp:[[@LINE]]:12: go::make_slice<int> does not escape
  s[0] = 1;
  return s[0] + static_cast<int>(s.len());
}

// A slice with a non-constant size: on the heap.
int dynamic_slice(int n) {
  auto s = go::make_slice<int>(n);  // CHECK: t.cpp:[[@LINE]]:12: go::make_slice<int> escapes to heap
  return static_cast<int>(s.len());
}

// A slice returned.
go::slice<int> ret_slice() {
  return go::make_slice<int>(4);  // CHECK: t.cpp:[[@LINE]]:10: go::make_slice<int> escapes to heap
}

// Storing a local's address into a slice element: the heap.
void local_into_slice() {
  auto s = go::make_slice<int*>(1);  // CHECK: t.cpp:[[@LINE]]:12: go::make_slice<int*> does not escape
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  s[0] = &x;
}

// Appending an allocation: it is stored in the slice's array.
// Like Go, append may copy the elements into a new array on the heap.
go::slice<go::ptr<Point>> append_ptr(go::slice<go::ptr<Point>> s) {  // CHECK: t.cpp:[[@LINE]]:64: leaking param content: s
  // CHECK: t.cpp:[[@LINE-1]]:64: leaking param: s to result ~r0 level=0
  return go::append(s, go::new_<Point>());  // CHECK: t.cpp:[[@LINE]]:24: go::new_<Point> escapes to heap
}

// A sub-slice shares the array.
go::slice<int> sub(go::slice<int> s) { return s.sub(1, 2); }  // CHECK: t.cpp:[[@LINE]]:35: leaking param: s to result ~r0 level=0

// Maps: keys and values are stored in the heap.
void map_store(go::map<int, go::ptr<Point>> m) {  // CHECK: t.cpp:[[@LINE]]:45: m does not escape
  m.set(1, go::new_<Point>());  // CHECK: t.cpp:[[@LINE]]:12: go::new_<Point> escapes to heap
}
int local_map() {
  auto m = go::make_map<int, int>();  // CHECK: t.cpp:[[@LINE]]:12: go::make_map<int, int> does not escape
  m.set(1, 2);
  return static_cast<int>(m.len());
}
// m[k] = v stores as set does; m[k] and m[k]++ only read the key's value.
void map_index_store(go::map<int, go::ptr<Point>> m) {  // CHECK: t.cpp:[[@LINE]]:51: m does not escape
  auto p = go::new_<Point>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<Point> escapes to heap
  m[1] = p;
}
int map_index_update(go::map<int, int> m) {  // CHECK: t.cpp:[[@LINE]]:40: m does not escape
  auto p = go::new_<Point>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<Point> does not escape
  m[p->x]++;
  m[2] += p->y;
  return m[3];
}
go::ptr<Point> map_index_read(go::map<int, go::ptr<Point>> m) {  // CHECK: t.cpp:[[@LINE]]:60: leaking param: m to result ~r0 level=1
  go::ptr<Point> q = m[1];
  return q;
}

// Channels: a value sent escapes.
go::task<> send_ptr(go::chan<go::ptr<Point>> ch) {  // CHECK: t.cpp:[[@LINE]]:46: leaking param: ch to result ~r0 level=0
  co_await ch.send(go::new_<Point>());  // CHECK: t.cpp:[[@LINE]]:20: go::new_<Point> escapes to heap
}
go::task<> send_addr(go::chan<int*> ch) {  // CHECK: t.cpp:[[@LINE]]:37: leaking param: ch to result ~r0 level=0
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  co_await ch.send(&x);
}
// Values without pointers sent: nothing moves.
go::task<> send_int(go::chan<int> ch) {  // CHECK: t.cpp:[[@LINE]]:35: leaking param: ch to result ~r0 level=0
  int x = 0;
  co_await ch.send(x);
}

// select: on_send sends, on_recv writes through its pointers only while waiting.
go::task<> selects(go::chan<int*> out, go::chan<int> in) {
  // CHECK: t.cpp:[[@LINE-1]]:35: leaking param: out to result ~r0 level=0
  // CHECK: t.cpp:[[@LINE-2]]:54: leaking param: in to result ~r0 level=0
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  int got = 0;
  bool ok = false;
  co_await go::select(go::on_send(out, &x), go::on_recv(in, &got, &ok));
}

// spawn: everything the goroutine gets escapes.
go::task<> worker(int* p) { co_return; }  // CHECK: t.cpp:[[@LINE]]:24: leaking param: p to result ~r0 level=0
void spawn_addr() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  go::spawn(worker, &x);
}
void spawn_capture() {
  int y = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: y
  go::spawn([&y]() -> go::task<> {
    y++;
    co_return;
  });
}
void spawn_value() {
  int z = 0;
  go::spawn([z]() -> go::task<> { co_return; });
}
void spawn_new() {
  auto p = go::new_<Point>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<Point> escapes to heap
  go::spawn([p]() -> go::task<> {
    p->x = 1;
    co_return;
  });
}

// A slice's begin() and end() (and a range-for over it) point into its array,
// as data() does; so does a range over a map.
int* slice_begin() {
  auto s = go::make_slice<int>(3);  // CHECK: t.cpp:[[@LINE]]:12: go::make_slice<int> escapes to heap
  return s.begin();
}
int* slice_range() {
  auto s = go::make_slice<int>(3);  // CHECK: t.cpp:[[@LINE]]:12: go::make_slice<int> escapes to heap
  for (int& e : s)
    if (e == 0) return &e;
  return nullptr;
}
int slice_range_local() {
  auto s = go::make_slice<int>(3);  // CHECK: t.cpp:[[@LINE]]:12: go::make_slice<int> does not escape
  int n = 0;
  for (int e : s) n += e;
  return n;
}
int* map_range() {
  auto m = go::make_map<int, int>();  // CHECK: t.cpp:[[@LINE]]:12: go::make_map<int, int> escapes to heap
  m.set(1, 2);
  for (auto [k, v] : m) return &v;
  return nullptr;
}
// copy(dst, src): src's elements go into dst's array (Go: leaking param content).
void copy_into(go::slice<int*> dst) {  // CHECK: t.cpp:[[@LINE]]:32: dst does not escape
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  go::slice<int*> s{&x};
  go::copy(dst, s);
}
