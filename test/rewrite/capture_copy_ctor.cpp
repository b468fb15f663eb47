// capture_copy_ctor: ports Go code that hands a func value to helpers
// (`apply(f)`, `g := f`) where the closure holds a small "audited handle":
// a struct whose copy constructor records the object it points at in a
// package-level audit slot (a debugging aid: "last handle copied"). C++
// copies a closure, and so its init-captures, when it is passed by value or
// assigned; the audited handle's copy constructor then publishes the
// object. The objects must stay on the heap: main reads the audit slot
// after the functions return. The defaulted copy of the closure (and of a
// plain struct holding the handle) is modelled as a bitwise copy, so the
// member's copy constructor is never followed.
// fixes: 0
// moved: 0
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct order {
  int id;
  int qty;
};

order* last_copied;  // package-level audit slot

struct audited {
  order* o;
  explicit audited(order* o) : o(o) {}
  audited(const audited& other) : o(other.o) { last_copied = o; }
};

template <class F>
int apply_twice(F f) {  // by value: copies the closure
  return f() + f();
}

int passed_by_value(int q) {
  auto o = go::new_<order>(1, q);  // escapes: copying the closure publishes it
  auto qty = [h = audited(o.get())] { return h.o->qty; };
  return apply_twice(qty);
}

int assigned(int q) {
  auto o = go::new_<order>(2, q);  // escapes: likewise, by `auto g = f`
  auto qty = [h = audited(o.get())] { return h.o->qty; };
  auto again = qty;
  return again();
}

struct line {
  audited h;
  int n;
};

int struct_copy(int q) {
  auto o = go::new_<order>(3, q);  // escapes: copying the struct copies the handle
  line a{audited(o.get()), 2};
  line b = a;
  return b.n * b.h.o->qty;
}

int main() {
  int a = passed_by_value(5);
  std::printf("by value %d, audited #%d qty %d\n", a, last_copied->id, last_copied->qty);
  int b = assigned(6);
  std::printf("assigned %d, audited #%d qty %d\n", b, last_copied->id, last_copied->qty);
  int c = struct_copy(7);
  std::printf("struct copy %d, audited #%d qty %d\n", c, last_copied->id, last_copied->qty);
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
