// templates: ports Go generic functions (`func Max[T cmp.Ordered](xs []T) T`
// with a `best := new(T)` scratch value, a generic Pair[K, V] and a generic
// stack) as C++ function templates. The rewrite should move the scratch
// value of max_of() (instantiated for two types) and the counter of
// count_if(); it must keep the boxes box() returns and the stack nodes of
// push_all(), reachable from its result. The pair of describe_pair(), whose
// type is a template-id written with the template's parameters and ending
// in `>>`, moves too (instantiated twice).
// fixes: 3
// moved: 5
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <string>

template <class T>
T max_of(go::slice<T> xs) {
  auto best = go::new_<T>(xs[0]);  // moved: in every instantiation
  for (const T& x : xs)
    if (x > *best) *best = x;
  return *best;
}

template <class K, class V>
struct pair {
  K key;
  V value;
};

template <class K, class V>
std::string describe_pair(K k, V v) {
  auto p = go::new_<pair<K, V>>(k, v);  // moved: a dependent template-id
  return std::to_string(p->key) + "=" + std::to_string(p->value);
}

template <class T, class Pred>
int count_if(go::slice<T> xs, Pred pred) {
  auto n = go::new_<int>(0);  // moved
  for (const T& x : xs)
    if (pred(x)) ++*n;
  return *n;
}

// Returned: escapes, whatever T is.
template <class T>
go::ptr<T> box(T v) {
  auto b = go::new_<T>(v);
  return b;
}

template <class T>
struct stack_node {
  T value;
  go::ptr<stack_node> below;
};

// Each node is linked below the next and the top is returned: they escape.
template <class T>
go::ptr<stack_node<T>> push_all(go::slice<T> xs) {
  go::ptr<stack_node<T>> top;
  for (const T& x : xs) top = go::new_<stack_node<T>>(x, top);
  return top;
}

int main() {
  go::slice<int> ints{3, 9, 4, 1};
  go::slice<double> reals{2.5, -1.0, 7.25};
  std::printf("max int %d, max real %.2f\n", max_of(ints), max_of(reals));
  std::printf("%s %s\n", describe_pair(1, 2L).c_str(), describe_pair(7L, 3.5).c_str());
  std::printf("even ints: %d\n", count_if(ints, [](int x) { return x % 2 == 0; }));
  auto bi = box(42);
  auto bd = box(0.5);
  std::printf("boxes %d %.1f\n", *bi, *bd);
  auto top = push_all(ints);
  std::printf("stack:");
  for (auto n = top; n; n = n->below) std::printf(" %d", n->value);
  std::printf("\n");
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
