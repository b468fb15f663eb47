// capture_dtor: ports a Go "finish hook" idiom as C++ closures whose
// init-captures are RAII recorders: a `last_seen` guard captured by value
// publishes the object it watched into a package-level variable when the
// closure is destroyed. The closure is called on the spot, or held in a
// local and called twice. The recorder's destructor stores the raw address
// of the go::new_ object into a global that main reads after the call: the
// objects escape and must stay on the heap. A third, identical object that
// no destructor sees may move.
// fixes: 1
// moved: 1
#include <gocxx/gocxx.hpp>

#include <cstdio>

struct sample {
  int id;
  int value;
};

sample* last_published;  // package-level: read after the functions return

struct publish_on_exit {
  sample* s;
  ~publish_on_exit() { last_published = s; }
};

int on_the_spot(int v) {
  auto s = go::new_<sample>(1, v);  // escapes: the closure's recorder publishes it
  return [rec = publish_on_exit{s.get()}] { return rec.s->value * 2; }();
}

int held_closure(int v) {
  auto s = go::new_<sample>(2, v);  // escapes: likewise, when f is destroyed
  auto f = [rec = publish_on_exit{s.get()}](int k) { return rec.s->value + k; };
  return f(1) + f(2);
}

int plain(int v) {
  auto s = go::new_<sample>(3, v);  // moved: nothing keeps it
  auto f = [p = s.get()](int k) { return p->value * k; };
  return f(3);
}

int main() {
  int a = on_the_spot(10);
  std::printf("on the spot %d, published #%d value %d\n", a, last_published->id, last_published->value);
  int b = held_closure(20);
  std::printf("held %d, published #%d value %d\n", b, last_published->id, last_published->value);
  std::printf("plain %d\n", plain(7));
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
