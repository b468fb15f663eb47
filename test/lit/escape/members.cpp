// Member functions, `this`, constructors, destructors and aggregates.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:

struct Node;
Node* registry;
int* gp;

struct Node {
  int value = 0;
  int* target = nullptr;

  // A getter: `this` does not escape.
  int get() const { return value; }  // CHECK: t.cpp:[[@LINE]]:7: this does not escape

  // Returns `this`: leaks to the result.
  Node* self() { return this; }  // CHECK: t.cpp:[[@LINE]]:9: leaking param: this to result ~r0 level=0

  // Registers itself in a global.
  void enroll() { registry = this; }  // CHECK: t.cpp:[[@LINE]]:8: leaking param: this

  // Returns the address of a member: the object's address.
  int* addr() { return &value; }  // CHECK: t.cpp:[[@LINE]]:8: leaking param: this to result ~r0 level=0

  // Returns a pointer field: the content of this.
  int* tgt() { return target; }  // CHECK: t.cpp:[[@LINE]]:8: leaking param: this to result ~r0 level=1

  // A setter stores through `this`: like Go, a store to the heap.
  void set(int* p) { target = p; }  // CHECK: t.cpp:[[@LINE]]:8: this does not escape
  // CHECK: t.cpp:[[@LINE-1]]:17: leaking param: p
};

int call_get() {
  Node n;
  return n.get();
}

void call_enroll() {
  Node n;  // CHECK: t.cpp:[[@LINE]]:8: moved to heap: n
  n.enroll();
}

Node* call_self() {
  Node n;  // CHECK: t.cpp:[[@LINE]]:8: moved to heap: n
  return n.self();
}

int call_addr() {
  Node n;
  return *n.addr();
}

void call_set() {
  Node n;
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  n.set(&x);
}

// Constructors: stores into the object being built go to the object.
struct Holder {
  int* p;
  explicit Holder(int* q) : p(q) {}  // CHECK: t.cpp:[[@LINE]]:12: this does not escape
  // CHECK: t.cpp:[[@LINE-1]]:24: leaking param: q to result ~this level=0
  int read() const { return *p; }  // CHECK: t.cpp:[[@LINE]]:7: this does not escape
};

int holder_local() {
  int x = 1;
  Holder h(&x);
  return h.read();
}

Holder holder_returned() {
  int x = 1;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  return Holder(&x);
}

Holder* gh;
void holder_global() {
  int x = 1;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  Holder h(&x);  // CHECK: t.cpp:[[@LINE]]:10: moved to heap: h
  gh = &h;
}

// A constructor that registers the object.
struct Registered {
  Registered() { enroll(this); }  // CHECK: t.cpp:[[@LINE]]:3: leaking param: this
  static void enroll(Registered* r);
};
void make_registered() {
  Registered r;  // CHECK: t.cpp:[[@LINE]]:14: moved to heap: r
}

// Member assignment in the body of a constructor.
struct Body {
  int* p;
  Body(int* q) { p = q; }  // CHECK: t.cpp:[[@LINE]]:3: this does not escape
  // CHECK: t.cpp:[[@LINE-1]]:13: leaking param: q to result ~this level=0
};
Body body_returned() {
  int x = 1;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  return Body(&x);
}

// A destructor that publishes `this`: the variable escapes.
struct Publisher {
  ~Publisher() { last = this; }  // CHECK: t.cpp:[[@LINE]]:3: leaking param: this
  static Publisher* last;
};
void make_publisher() {
  Publisher p;  // CHECK: t.cpp:[[@LINE]]:13: moved to heap: p
}

// Aggregates: the address stored in a field is in the aggregate.
struct Pair { int* a; int* b; };
Pair pair_returned() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  int y = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: y
  return Pair{&x, &y};
}
int pair_local() {
  int x = 0;
  Pair p{&x, nullptr};
  return *p.a;
}
void pair_field_global() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  Pair p{&x, nullptr};
  gp = p.a;
}

// A struct copied by value carries its pointers.
Pair pair_copy() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  Pair p{&x, nullptr};
  Pair q = p;
  return q;
}

// Assignment of a whole struct.
Pair pair_assign() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  Pair p{&x, nullptr};
  Pair q{};
  q = p;
  return q;
}

// Static member function: no `this`.
struct Util {
  static int* pass(int* p) { return p; }  // CHECK: t.cpp:[[@LINE]]:25: leaking param: p to result ~r0 level=0
};

// Inheritance: a derived object's base part.
struct Base { int b = 0; };
struct Derived : Base { int d = 0; };
Base* derived_as_base() {
  Derived x;  // CHECK: t.cpp:[[@LINE]]:11: moved to heap: x
  return &x;
}
