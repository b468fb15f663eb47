// The C++ twin of test/escape/go/escape.go: the same functions against the
// gocxx runtime. Lines with a CASE marker comment are compared with the Go line
// of the same name (test/escape/compare.py).
#include <gocxx/gocxx.hpp>

#include <cstdint>

struct Point { int x = 0, y = 0; };

struct Node;
Node* registry;

struct Node {
  int value = 0;
  int* target = nullptr;
  int get() const { return value; }  // CASE: node_get
  Node* self() { return this; }  // CASE: node_self
  void enroll() { registry = this; }  // CASE: node_enroll
  int* addr() { return &value; }  // CASE: node_addr
  int* tgt() { return target; }  // CASE: node_tgt
  void set(int* p) { target = p; }  // CASE: node_set
};

struct Pair { int* a; int* b; };

struct Big { char bytes[70000]; };

int* g;

int* ret_addr() {
  int x = 0;  // CASE: ret_addr
  return &x;
}

void to_global() {
  int y = 0;  // CASE: to_global
  g = &y;
}

int stays() {
  int z = 1;  // CASE: stays
  int* p = &z;
  return *p;
}

int* ident(int* p) { return p; }  // CASE: ident

void keep(int* p) { g = p; }  // CASE: keep

int read(int* p) { return *p; }  // CASE: read

void keep_content(int** pp) { g = *pp; }  // CASE: keep_content

int* load(int** pp) { return *pp; }  // CASE: load

int* first(int* a, int* b) { return a; }  // CASE: first

int* param_addr(int v) { return &v; }  // CASE: param_addr

int** two_levels() {
  int a = 0;     // CASE: two_levels_a
  int* pa = &a;  // CASE: two_levels_pa
  return &pa;
}

int* pick(bool c, int* p, int* q) {  // CASE: pick
  if (c) return p;
  return q;
}

void store_through(int** out) {  // CASE: store_through_out
  int v = 0;  // CASE: store_through_v
  *out = &v;
}

void leaf(int* p) { g = p; }  // CASE: leaf

void mid(int* p) { leaf(p); }  // CASE: mid

void top() {
  int x = 0;  // CASE: top
  mid(&x);
}

int call_read() {
  int x = 0;  // CASE: call_read
  return read(&x);
}

int* rec_ident(int* p, int n) {  // CASE: rec_ident
  if (n == 0) return p;
  return rec_ident(p, n - 1);
}

void rec_b(int* p, int n);
void rec_a(int* p, int n) {  // CASE: rec_a
  if (n == 0) g = p;
  else rec_b(p, n - 1);
}
void rec_b(int* p, int n) { rec_a(p, n); }  // CASE: rec_b

void call_fp(void (*fp)(int*)) {  // CASE: call_fp
  int x = 0;  // CASE: call_fp_x
  fp(&x);
}

void call_enroll() {
  Node n;  // CASE: call_enroll
  n.enroll();
}

int call_get() {
  Node n;  // CASE: call_get
  return n.get();
}

Pair pair_returned() {
  int x = 0;  // CASE: pair_x
  int y = 0;  // CASE: pair_y
  return Pair{&x, &y};
}

int pair_local() {
  int x = 0;  // CASE: pair_local
  Pair p{&x, nullptr};
  return *p.a;
}

go::ptr<Point> make_point() { return go::new_<Point>(); }  // CASE: make_point

int sum_point() {
  auto p = go::new_<Point>();  // CASE: sum_point
  p->x = 1;
  p->y = 2;
  return p->x + p->y;
}

int read_ptr(go::ptr<Point> p) { return p->x; }  // CASE: read_ptr

go::ptr<Point> pass_ptr(go::ptr<Point> p) { return p; }  // CASE: pass_ptr

int pass_to_reader() {
  return read_ptr(go::new_<Point>());  // CASE: pass_to_reader
}

go::ptr<Point> pass_through() {
  return pass_ptr(go::new_<Point>());  // CASE: pass_through
}

int big_alloc() {
  auto p = go::new_<Big>();  // CASE: big_alloc
  return p->bytes[0];
}

int local_slice() {
  auto s = go::make_slice<int>(8);  // CASE: local_slice
  s[0] = 1;
  return s[0] + static_cast<int>(s.len());
}

int dynamic_slice(int n) {
  auto s = go::make_slice<int>(n);  // CASE: dynamic_slice
  return static_cast<int>(s.len());
}

// Only the capacity must be constant: the length may vary.
int length_varies(int n) {
  auto s = go::make_slice<int>(n, 16);  // CASE: length_varies
  return static_cast<int>(s.len());
}

int capacity_over_64k() {
  auto s = go::make_slice<std::int64_t>(0, 8193);  // CASE: capacity_over_64k
  return static_cast<int>(s.cap());
}

go::slice<int> ret_slice() {
  return go::make_slice<int>(4);  // CASE: ret_slice
}

void into_slice(go::slice<int*> s) {  // CASE: into_slice_s
  int x = 0;  // CASE: into_slice_x
  s[0] = &x;
}

go::slice<go::ptr<Point>> append_ptr(go::slice<go::ptr<Point>> s) {  // CASE: append_s
  return go::append(s, go::new_<Point>());  // CASE: append_new
}

void map_store(go::map<int, go::ptr<Point>> m) {  // CASE: map_store_m
  m.set(1, go::new_<Point>());  // CASE: map_store_new
}

int local_map() {
  auto m = go::make_map<int, int>();  // CASE: local_map
  m.set(1, 2);
  return static_cast<int>(m.len());
}

go::task<> send_addr(go::chan<int*> ch) {
  int x = 0;  // CASE: send_addr
  co_await ch.send(&x);
}

go::task<> send_new(go::chan<go::ptr<Point>> ch) {
  co_await ch.send(go::new_<Point>());  // CASE: send_new
}

go::task<> worker(int* p) { co_return; }

void spawn_addr() {
  int x = 0;  // CASE: spawn_addr
  go::spawn(worker, &x);
}

void spawn_capture() {
  int y = 0;  // CASE: spawn_capture
  go::spawn([&y]() -> go::task<> {
    y++;
    co_return;
  });
}

void closure_global() {
  int x = 0;  // CASE: closure_global
  [&x] { g = &x; }();
}

int loop_keep() {
  int* last = nullptr;
  for (int i = 0; i < 3; ++i) {
    int v = i;  // CASE: loop_keep
    last = &v;
  }
  return last ? 1 : 0;
}

int loop_local() {
  int s = 0;
  for (int i = 0; i < 3; ++i) {
    int v = i;  // CASE: loop_local
    int* p = &v;
    s += *p;
  }
  return s;
}

int alloc_loop() {
  go::ptr<Point> keep;
  for (int i = 0; i < 3; ++i) {
    auto p = go::new_<Point>();  // CASE: alloc_loop
    keep = p;
  }
  return keep->x;
}

int* via_var() {
  int a = 0;  // CASE: via_var
  int* p = &a;
  int* q = p;
  return q;
}

int* array_elem() {
  int arr[4] = {};  // CASE: array_elem
  return &arr[2];
}

int closure_read() {
  int x = 1;  // CASE: closure_read
  auto f = [&x] { return x + 1; };
  return f();
}

Pair pair_copy() {
  int x = 0;  // CASE: pair_copy
  Pair p{&x, nullptr};
  Pair q = p;
  return q;
}

Node* call_self() {
  Node n;  // CASE: call_self
  return n.self();
}

go::slice<int> sub_slice(go::slice<int> s) { return s.sub(1, 2); }  // CASE: sub_slice

int alloc_loop_local() {
  int s = 0;
  for (int i = 0; i < 3; ++i) {
    auto p = go::new_<Point>();  // CASE: alloc_loop_local
    s += p->x;
  }
  return s;
}

int param_local(int v) {  // CASE: param_local
  int* p = &v;
  return *p;
}

Point deref_copy() {
  auto p = go::new_<Point>();  // CASE: deref_copy
  return *p;
}

int pass_ptr_local() {
  int x = 0;  // CASE: pass_ptr_local
  int* p = ident(&x);
  return *p;
}

int* ident_ret() {
  int x = 0;  // CASE: ident_ret
  return ident(&x);
}

struct HeapNode { int value = 0; int* target = nullptr; };
go::ptr<HeapNode> store_heap_object() {
  int x = 0;                     // CASE: store_heap_object_x
  auto n = go::new_<HeapNode>();  // CASE: store_heap_object_n
  n->target = &x;
  return n;
}

// A deferred closure calling through a virtual receiver (Go: an interface):
// what it is given leaks.
struct Sink {
  virtual void take(int* p) = 0;
  virtual ~Sink() = default;
};
void deferred_iface(Sink* s) {      // CASE: deferred_iface_s
  auto x = go::new_<int>();         // CASE: deferred_iface_x
  go::defer d([&] { s->take(x.get()); });
}

int deferred_benign() {
  auto x = go::new_<int>();  // CASE: deferred_benign
  go::defer d([&] { *x = 2; });
  return 0;
}

// A loop made by a backward goto: an object kept across iterations escapes,
// one used within an iteration does not.
int goto_loop() {
  int* outer = nullptr;
  int i = 0;
loop:
  auto z = go::new_<int>(i);  // CASE: goto_loop
  if (outer) i += *outer;
  outer = z.get();
  if (++i < 3) goto loop;
  return *outer;
}

int goto_local() {
  int i = 0, sum = 0;
again:
  {
    auto t = go::new_<int>(i);  // CASE: goto_local
    sum += *t;
  }
  if (++i < 3) goto again;
  return sum;
}

// Only an int is read through x: x does not escape; y is stored.
struct FieldRead {
  int a;
  int* b;
};
go::ptr<FieldRead> read_field(
    FieldRead* x,  // CASE: read_field_x
    int* y) {      // CASE: read_field_y
  return go::new_<FieldRead>(x->a, y);
}

// An aggregate with handle fields, made with no arguments: the handles start
// nil, which stores nothing anywhere.
struct Tree {
  go::ptr<Tree> left, right;
  int value = 0;
};
int empty_tree() {
  auto t = go::new_<Tree>();  // CASE: empty_tree
  return t->value;
}

// A struct of two pointers, one field stored. Go's struct is one location,
// so Go moves y too; gocxx gives each field of a local aggregate that is
// only used field by field its own location (checks/escape/fields.cpp).
struct PtrPair {
  int* a;
  int* b;
};
int field_split() {
  int x = 1, y = 2;  // CASE: field_split MORE-PRECISE: moved to heap: y
  PtrPair s{&x, &y};
  g = s.a;
  return *s.b;
}

// The same struct copied whole: both targets move, as in Go.
int field_whole() {
  int x = 1, y = 2;  // CASE: field_whole
  PtrPair s{&x, &y};
  PtrPair t = s;
  g = t.a;
  return *t.b;
}

// A closure called directly, capturing two variables, one stored: only that
// one moves. A closure only ever called has a location per capture
// (checks/escape/graph_builder.cpp, "closures"), as Go links each captured
// variable on its own.
int closure_fields() {
  int x = 1, y = 2;  // CASE: closure_fields
  auto f = [&] { g = &x; return y; };
  return f();
}

// A struct seen from a closure (an implicit capture): whole, in both.
void field_captured() {
  int x = 1, y = 2;  // CASE: field_captured
  PtrPair s{&x, &y};
  auto f = [&] { g = s.a; };
  f();
}
