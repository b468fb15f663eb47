// lru_cache: ports a Go LRU cache (a map[string]*entry plus a doubly linked
// list, container/list style) whose entries live as long as the cache, used
// by functions that build lookup temporaries. The rewrite should move the
// per-lookup probe and the statistics object of warm(); it must keep the
// entries (stored in the map and linked into the list), the cache that
// new_cache() returns, and the evicted entry handed back to the caller.
// fixes: 2
// moved: 9
#include <gocxx/gocxx.hpp>

#include <cstdio>
#include <string>

struct entry {
  std::string key;
  int value;
  go::ptr<entry> prev, next;
};
struct cache {
  int cap;
  go::map<std::string, go::ptr<entry>> index;
  go::ptr<entry> head, tail;  // head: most recent
};
struct probe {
  int found;
  int value;
};
struct warm_stats {
  int hits, misses;
};

go::ptr<cache> new_cache(int cap) {
  return go::new_<cache>(cap, go::make_map<std::string, go::ptr<entry>>(), nullptr, nullptr);  // escapes
}

void unlink(go::ptr<cache> c, go::ptr<entry> e) {
  if (e->prev)
    e->prev->next = e->next;
  else
    c->head = e->next;
  if (e->next)
    e->next->prev = e->prev;
  else
    c->tail = e->prev;
  e->prev = e->next = nullptr;
}

void push_front(go::ptr<cache> c, go::ptr<entry> e) {
  e->next = c->head;
  if (c->head) c->head->prev = e;
  c->head = e;
  if (!c->tail) c->tail = e;
}

// Returns the evicted entry, if any: escapes (it is in the cache anyway).
go::ptr<entry> put(go::ptr<cache> c, const std::string& k, int v) {
  if (auto hit = c->index.get(k)) {
    (*hit)->value = v;
    unlink(c, *hit);
    push_front(c, *hit);
    return nullptr;
  }
  auto e = go::new_<entry>(k, v, nullptr, nullptr);
  c->index.set(k, e);
  push_front(c, e);
  if (static_cast<int>(c->index.len()) <= c->cap) return nullptr;
  auto old = c->tail;
  unlink(c, old);
  c->index.erase(old->key);
  return old;
}

int get(go::ptr<cache> c, const std::string& k) {
  auto p = go::new_<probe>(0, -1);  // moved, per lookup
  if (auto hit = c->index.get(k)) {
    p->found = 1;
    p->value = (*hit)->value;
    unlink(c, *hit);
    push_front(c, *hit);
  }
  return p->found ? p->value : -1;
}

void warm(go::ptr<cache> c, const char* const* keys, int n) {
  auto st = go::new_<warm_stats>(0, 0);  // moved
  for (int i = 0; i < n; ++i) (get(c, keys[i]) >= 0 ? st->hits : st->misses)++;
  std::printf("warm: %d hits, %d misses\n", st->hits, st->misses);
}

int main() {
  auto c = new_cache(3);
  const char* names[] = {"a", "b", "c", "d"};
  for (int i = 0; i < 4; ++i) {
    auto ev = put(c, names[i], i * 10);
    if (ev) std::printf("evicted %s=%d\n", ev->key.c_str(), ev->value);
  }
  std::printf("get b %d, get a %d\n", get(c, "b"), get(c, "a"));
  put(c, "e", 50);
  const char* probes[] = {"b", "c", "d", "e", "a", "b"};
  warm(c, probes, 6);
  std::printf("order:");
  for (auto e = c->head; e; e = e->next) std::printf(" %s", e->key.c_str());
  std::printf("\n");
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
