// Where the analysis is unsure, the value escapes: constructs it cannot
// follow, constructor candidates of go::new_, reference members, exceptions.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/t.cpp && %cdb %t t.cpp
// RUN: cd %t && %gocxx escape -m --format=go --checks=-*,gocxx-escape-report t.cpp > %t/out.txt
// RUN: FileCheck %s --input-file=%t/out.txt --implicit-check-not=t.cpp:
// RUN: cd %t && %gocxx check --checks=-*,gocxx-escape-dangling --format=go --fail-on=error t.cpp > %t/dangling.txt
// RUN: FileCheck %s --check-prefix=DANGLING --input-file=%t/dangling.txt --allow-empty
#include <gocxx/gocxx.hpp>
#include <utility>

int* g;

// An aggregate with a reference member, allocated: the member keeps the address.
struct RefHolder { int& r; };
go::ptr<RefHolder> ref_member() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  return go::new_<RefHolder>(x);  // CHECK: t.cpp:[[@LINE]]:10: go::new_<RefHolder> escapes to heap
}

// A class whose constructor keeps its argument: the allocation holds it.
struct Keeper {
  int* p;
  explicit Keeper(int* q) : p(q) {}  // CHECK: t.cpp:[[@LINE]]:12: this does not escape
  // CHECK: t.cpp:[[@LINE-1]]:24: leaking param: q to result ~this level=0
};
go::ptr<Keeper> keeper() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  return go::new_<Keeper>(&x);  // CHECK: t.cpp:[[@LINE]]:10: go::new_<Keeper> escapes to heap
}
int keeper_local() {
  int x = 0;
  auto k = go::new_<Keeper>(&x);  // CHECK: t.cpp:[[@LINE]]:12: go::new_<Keeper> does not escape
  return *k->p;
}

// A constructor without a body: its object and arguments escape.
struct Opaque {
  explicit Opaque(int* q);
};
void opaque() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  auto o = go::new_<Opaque>(&x);  // CHECK: t.cpp:[[@LINE]]:12: go::new_<Opaque> escapes to heap
}

// A constructor template: we cannot tell which instantiation go::new_ uses.
// (go::new_'s body instantiates Generic<int>, which is analysed and reported
// like any instantiation; the call itself stays conservative.)
struct Generic {
  template <class T>
  explicit Generic(T* t) {}  // CHECK: t.cpp:[[@LINE]]:12: this does not escape
  // CHECK: t.cpp:[[@LINE-1]]:23: t does not escape
};
void generic_ctor() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  auto o = go::new_<Generic>(&x);  // CHECK: t.cpp:[[@LINE]]:12: go::new_<Generic> escapes to heap
}

// A constructor that publishes `this`.
struct SelfRegistering {
  SelfRegistering() { last = this; }  // CHECK: t.cpp:[[@LINE]]:3: leaking param: this
  static SelfRegistering* last;
};
void self_registering() {
  auto p = go::new_<SelfRegistering>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<SelfRegistering> escapes to heap
}

// A handle converted on return is a copy of the handle, not a reference to the local.
go::recv_chan<int> make_recv() {
  auto ch = go::make_chan<int>(1);
  return ch;
}
// DANGLING-NOT: local variable 'ch'

// std::move (a builtin for Clang) returns its argument.
int* moved() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  int* p = &x;
  return std::move(p);
}

// Throwing an address: the exception object lives elsewhere.
void throws() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  throw &x;
}

// operator new: the new object is on the heap, what it holds escapes.
struct Cell { int* p; };
Cell* raw_new() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  return new Cell{&x};
}

// A member pointer call: the object escapes.
struct Obj { void m(int* p) {} };  // CHECK: t.cpp:[[@LINE]]:19: this does not escape
// CHECK: t.cpp:[[@LINE-1]]:26: p does not escape
void member_pointer(void (Obj::*pm)(int*)) {
  Obj o;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: o
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  (o.*pm)(&x);
}

// A union: one location, like a struct.
union U { int* p; long v; };
U in_union() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  U u;
  u.p = &x;
  return u;
}

// The comma operator yields its right operand.
int* comma() {
  int x = 0, y = 0;  // CHECK: t.cpp:[[@LINE]]:14: moved to heap: y
  return (&x, &y);
}

// A conditional glvalue: either object.
int& cond_ref(bool c) {
  static int s;
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  return c ? s : x;
}

// A pointer stored through a pointer to a pointer: the heap (Go's rule).
void double_store(int*** ppp) {  // CHECK: t.cpp:[[@LINE]]:26: ppp does not escape
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  **ppp = &x;
}

// A base constructor that publishes `this`: the derived object escapes.
struct Published {
  Published() { last = this; }  // CHECK: t.cpp:[[@LINE]]:3: leaking param: this
  static Published* last;
};
struct DerivedPublished : Published {
  DerivedPublished() {}  // CHECK: t.cpp:[[@LINE]]:3: leaking param: this
};
void derived_published() {
  DerivedPublished d;  // CHECK: t.cpp:[[@LINE]]:20: moved to heap: d
}

// A member whose constructor publishes `this`: the enclosing object escapes.
struct WithMember {
  Published m;
  WithMember() : m() {}  // CHECK: t.cpp:[[@LINE]]:3: leaking param: this
};
void with_member() {
  WithMember w;  // CHECK: t.cpp:[[@LINE]]:14: moved to heap: w
}

// A factory returning by value an object whose constructor publishes `this`:
// with guaranteed copy elision the caller's variable is that object.
Published make_published() { return Published(); }
void factory() {
  Published p = make_published();  // CHECK: t.cpp:[[@LINE]]:13: moved to heap: p
}

// A GNU statement expression: its statements are analysed, its value escapes.
void stmt_expr() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  int y = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: y
  int* p = ({ g = &x; &y; });
  (void)p;
}

// A rewritten comparison (C++20: p != nullptr is !(p == nullptr)) is not an escape.
struct Point { int x = 0; };
int compare_ptr() {
  auto p = go::new_<Point>();  // CHECK: t.cpp:[[@LINE]]:12: go::new_<Point> does not escape
  return p != nullptr ? p->x : 0;
}

// A std::string returned by value: its small-string buffer points into
// itself, which is not an address leaving the object, hence not dangling.
// std::string is a value: its members (the move constructor too) copy
// characters and keep no address, so `s` stays.
#include <string>
std::string make_string() {
  std::string s = "abc";
  s += "def";
  return s;
}
// DANGLING-NOT: local variable 's'

// Parenthesised aggregate initialisation pairs initialisers with the bases
// first, then the fields, as braces do: `x` binds the reference member, so
// its address is stored in the heap object kept in a global.
struct ParenBase { int tag = 0; };
struct ParenHolder : ParenBase { int& r; };
ParenHolder* kept_paren;
ParenHolder* kept_brace;
void paren_init_binds_reference() {
  int x = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: x
  kept_paren = new ParenHolder(ParenBase{}, x);
}
void brace_init_binds_reference() {
  int y = 0;  // CHECK: t.cpp:[[@LINE]]:7: moved to heap: y
  kept_brace = new ParenHolder{ParenBase{}, y};
}
