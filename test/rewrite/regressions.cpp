// regressions: the shapes that broke the rewrite or made it refuse, written
// as one program (each was a finding of this corpus, fixed since):
//  - a handle kept in a std::optional and a std::variant, read back out into
//    package-level vars: those two must stay on the heap;
//  - a std::string_view of a string member returned from its function (the
//    small buffer is inside the object): must stay;
//  - a go::defer declared before the allocation that reads it at scope exit,
//    and a type with a printing destructor: must stay (no fix, with a note);
//  - a struct with string members and default member initialisers, a string
//    member assigned and appended, go::new_<std::string>, a generic pair in
//    a template (type ending in `>>`), braces around the allocation, two
//    assignments to one variable: all move;
//  - a 4 KiB scratch object in a recursive walk: stays (stack budget); a
//    small one moves, per level.
// fixes: 7
// moved: 12
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

struct point {
  int x = 0, y = 0;
};

go::ptr<point> from_optional;
go::ptr<point> from_variant;

void keep_through_optional() {
  auto p = go::new_<point>(1, 2);  // stays: read back out of the optional into a global
  std::optional<go::ptr<point>> o = p;
  from_optional = *o;
}

void keep_through_variant() {
  auto p = go::new_<point>(3, 4);  // stays: read back out of the variant into a global
  std::variant<int, go::ptr<point>> v = p;
  from_variant = std::get<1>(v);
}

struct person {
  std::string name;
  int age = 0;
};

std::string_view name_of() {
  auto p = go::new_<person>("bob", 42);  // stays: the view points into it
  return p->name;
}

struct account {
  std::string owner;
  long balance = 0;
};

long closing_report() {
  go::ptr<account> a;
  go::defer d([&] { std::printf("closing %s with %ld\n", a->owner.c_str(), a->balance); });
  a = go::new_<account>("an owner name longer than the small buffer", 100);  // stays: the defer reads it later
  a->balance += 5;
  return a->balance;
}

struct conn {
  explicit conn(int id) : id(id) {}
  ~conn() { std::printf("conn %d closed\n", id); }
  int id;
};

int use_conn() {
  auto c = go::new_<conn>(7);  // stays: its destructor is a finalizer on the heap
  return c->id;
}

struct settings {
  std::string host = "localhost";
  std::string user;
  int port = 80;
};

int settings_size() {
  auto s = go::new_<settings>();  // moved
  s->user = std::string("admin");
  s->host += ".local";
  return static_cast<int>(s->host.size() + s->user.size()) + s->port;
}

int string_object() {
  auto s = go::new_<std::string>("abc");  // moved
  s->append("def");
  return static_cast<int>(s->size());
}

template <class K, class V>
struct pair {
  K key;
  V value;
};

template <class K, class V>
long pair_sum(K k, V v) {
  auto p = go::new_<pair<K, V>>(k, v);  // moved (two instantiations, one fix)
  return static_cast<long>(p->key) + static_cast<long>(p->value);
}

long braces() {
  auto b{go::new_<point>(5, 6)};  // moved
  return b->x * b->y;
}

int reassigned() {
  go::ptr<point> r;
  r = go::new_<point>(1, 1);  // moved
  int first = r->x;
  r = go::new_<point>(2, 2);  // moved
  return first + r->y;
}

struct big_scratch {
  char bytes[4096];
  int depth = 0;
};
struct small_scratch {
  int depth = 0;
};

long walk_big(int depth) {
  auto s = go::new_<big_scratch>();  // stays: 4 KiB per level of the recursion
  s->depth = depth;
  return depth == 0 ? 0 : walk_big(depth - 1) + s->depth;
}

long walk_small(int depth) {
  auto s = go::new_<small_scratch>(depth);  // moved: once per level (5 levels)
  return depth == 0 ? 0 : walk_small(depth - 1) + s->depth;
}

int main() {
  keep_through_optional();
  keep_through_variant();
  std::printf("kept: %d %d\n", from_optional->x + from_optional->y, from_variant->x + from_variant->y);
  std::string_view v = name_of();
  std::printf("name length: %zu\n", v.size());
  std::printf("report: %ld\n", closing_report());
  std::printf("conn: %d\n", use_conn());
  std::printf("settings: %d\n", settings_size());
  std::printf("string: %d\n", string_object());
  std::printf("pairs: %ld %ld\n", pair_sum(1, 2L), pair_sum(3L, 4.5));
  std::printf("braces: %ld\n", braces());
  std::printf("reassigned: %d\n", reassigned());
  std::printf("walks: %ld %ld\n", walk_big(4), walk_small(4));
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
