// Tests for go::map<K, V>: reference semantics, the nil map, set/get/erase,
// iteration (every entry once, randomised start), growth, erase churn, and
// keys and values that are strings and GC handles.

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include "panic_message.hpp"

#include <atomic>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <type_traits>
#include <vector>

namespace {

using gotest::panic_message;

TEST(Map, SetGetEraseLen) {
  auto m = go::make_map<int, int>();
  EXPECT_FALSE(m == nullptr);
  EXPECT_EQ(m.len(), 0u);
  m.set(1, 10);
  m.set(2, 20);
  m.set(1, 11);  // overwrite
  EXPECT_EQ(m.len(), 2u);
  EXPECT_EQ(m.get(1), 11);
  EXPECT_EQ(m.get(2), 20);
  EXPECT_EQ(m.get(3), std::nullopt);
  EXPECT_TRUE(m.contains(2));
  EXPECT_FALSE(m.contains(3));
  m.erase(1);
  m.erase(1);  // absent: a no-op
  m.erase(42);
  EXPECT_EQ(m.len(), 1u);
  EXPECT_EQ(m.get(1), std::nullopt);
  EXPECT_EQ(m.get(2), 20);
  m.erase(2);
  EXPECT_EQ(m.len(), 0u);
  int visited = 0;
  for (auto [k, v] : m) visited += k + v;
  EXPECT_EQ(visited, 0);
}

TEST(Map, NilMap) {
  go::map<std::string, int> m;
  EXPECT_TRUE(m == nullptr);
  EXPECT_EQ(m.len(), 0u);
  EXPECT_EQ(m.get("a"), std::nullopt);
  EXPECT_FALSE(m.contains("a"));
  m.erase("a");  // delete on a nil map is a no-op
  int visited = 0;
  for (auto [k, v] : m) visited += v + 1;
  EXPECT_EQ(visited, 0);
  EXPECT_THROW(m.set("a", 1), go::panic_error);
  EXPECT_EQ(panic_message([&] { m.set("a", 1); }), "assignment to entry in nil map");
  auto n = go::make_map<std::string, int>();
  n.set("x", 1);
  m = n;
  EXPECT_EQ(m.get("x"), 1);
  m = nullptr;
  EXPECT_TRUE(m == nullptr);
  EXPECT_EQ(n.len(), 1u);
}

TEST(Map, CopiesShareTheTable) {
  auto a = go::make_map<int, std::string>();
  auto b = a;  // both refer to one map, as in Go
  b.set(1, "one");
  EXPECT_EQ(a.get(1), "one");
  for (int i = 0; i < 1000; ++i) a.set(i, std::to_string(i));  // growth is seen through b too
  EXPECT_EQ(b.len(), 1000u);
  EXPECT_EQ(b.get(999), "999");
  auto c = std::move(a);  // Go has no moves: a still refers to the map
  EXPECT_EQ(a.len(), 1000u);
  c.erase(5);
  EXPECT_FALSE(b.contains(5));
}

TEST(Map, Hint) {
  auto m = go::make_map<int, int>(1000);
  for (int i = 0; i < 1000; ++i) m.set(i, i);
  EXPECT_EQ(m.len(), 1000u);
  auto huge = go::make_map<int, int>(std::size_t{1} << 62);  // ignored, as Go ignores it
  huge.set(1, 1);
  EXPECT_EQ(huge.get(1), 1);
}

TEST(Map, IterationVisitsEveryEntryExactlyOnce) {
  auto m = go::make_map<int, int>();
  for (int i = 0; i < 5000; ++i) m.set(i * 7, i);
  for (int round = 0; round < 3; ++round) {
    std::vector<int> seen(5000, 0);
    std::size_t n = 0;
    for (auto [k, v] : m) {
      ASSERT_EQ(k, v * 7);
      ++seen[v];
      ++n;
    }
    EXPECT_EQ(n, 5000u);
    for (int i = 0; i < 5000; ++i) ASSERT_EQ(seen[i], 1) << i;
  }
}

TEST(Map, IterationOrderIsRandomised) {
  auto m = go::make_map<int, int>();
  for (int i = 0; i < 20; ++i) m.set(i, i);
  std::set<int> firsts;
  for (int round = 0; round < 100; ++round) firsts.insert((*m.begin()).first);
  EXPECT_GT(firsts.size(), 3u);  // Go's TestMapIterOrder asks for some variation too
}

TEST(Map, IterationCanUpdateValues) {
  auto m = go::make_map<std::string, int>();
  m.set("a", 1);
  m.set("b", 2);
  for (auto [k, v] : m) v *= 10;
  EXPECT_EQ(m.get("a"), 10);
  EXPECT_EQ(m.get("b"), 20);
}

TEST(Map, GrowthThrough100kEntries) {
  auto m = go::make_map<std::int64_t, std::int64_t>();
  constexpr std::int64_t n = 100000;
  for (std::int64_t i = 0; i < n; ++i) m.set(i * 1024, i);  // a stride that defeats a weak hash
  EXPECT_EQ(m.len(), static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) ASSERT_EQ(m.get(i * 1024), i);
  EXPECT_FALSE(m.contains(1));
  std::int64_t sum = 0;
  for (auto [k, v] : m) sum += v;
  EXPECT_EQ(sum, n * (n - 1) / 2);
}

// Random inserts and erases checked against std::unordered_map: backward-shift
// deletion must keep every remaining key findable.
TEST(Map, EraseHeavyChurn) {
  auto m = go::make_map<int, int>();
  std::unordered_map<int, int> ref;
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> key(0, 2000);
  for (int step = 0; step < 200000; ++step) {
    const int k = key(rng);
    if (rng() % 2) {
      m.set(k, step);
      ref[k] = step;
    } else {
      m.erase(k);
      ref.erase(k);
    }
    if (step % 20000 == 0) {
      ASSERT_EQ(m.len(), ref.size());
      for (int q = 0; q <= 2000; ++q) {
        auto it = ref.find(q);
        ASSERT_EQ(m.get(q), it == ref.end() ? std::nullopt : std::optional<int>(it->second)) << q;
      }
    }
  }
  ASSERT_EQ(m.len(), ref.size());
  std::size_t n = 0;
  for (auto [k, v] : m) {
    ASSERT_EQ(ref.at(k), v);
    ++n;
  }
  EXPECT_EQ(n, ref.size());
  for (auto& [k, v] : ref) m.erase(k);
  EXPECT_EQ(m.len(), 0u);
  for (int q = 0; q <= 2000; ++q) ASSERT_FALSE(m.contains(q));
}

TEST(Map, StringKeysAndValues) {
  auto m = go::make_map<std::string, std::string>();
  for (int i = 0; i < 2000; ++i) m.set("key-" + std::to_string(i), std::string(40, 'a' + i % 26) + std::to_string(i));
  EXPECT_EQ(m.len(), 2000u);
  EXPECT_EQ(m.get("key-1999"), std::string(40, 'a' + 1999 % 26) + "1999");
  EXPECT_EQ(m.get("key-2000"), std::nullopt);
  for (int i = 0; i < 2000; i += 2) m.erase("key-" + std::to_string(i));
  EXPECT_EQ(m.len(), 1000u);
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(m.contains("key-" + std::to_string(i)), i % 2 == 1);
  m.set("", "empty key");
  EXPECT_EQ(m.get(""), "empty key");
}

struct node {
  int value;
};

// The handle is one traced word. Entry arrays are noscan when neither key
// nor value can hold a pointer, and carry a finalizer only when a key or
// value owns something.
static_assert(sizeof(go::map<int, int>) == sizeof(void*));
using go::detail::map_entry;
static_assert(go::detail::alloc_kind_for<map_entry<int, double>>() == go::detail::alloc_kind::noscan);
static_assert(go::detail::alloc_kind_for<map_entry<int, go::ptr<node>>>() == go::detail::alloc_kind::scan);
static_assert(go::detail::finalizer_for_array<map_entry<int, go::ptr<node>>>() == nullptr);
static_assert(go::detail::finalizer_for_array<map_entry<int, go::map<int, int>>>() == nullptr);
static_assert(go::detail::finalizer_for_array<map_entry<std::string, int>>() != nullptr);

TEST(Map, PtrKeysAndValues) {
  auto by_ptr = go::make_map<go::ptr<node>, int>();
  auto by_int = go::make_map<int, go::ptr<node>>();
  std::vector<go::ptr<node>> nodes;
  for (int i = 0; i < 500; ++i) {
    auto p = go::new_<node>(i);
    nodes.push_back(p);
    by_ptr.set(p, i);
    by_int.set(i, p);
  }
  go::ptr<node> nil;
  by_ptr.set(nil, -1);  // a nil pointer is a valid key
  EXPECT_EQ(by_ptr.len(), 501u);
  EXPECT_EQ(by_ptr.get(nil), -1);
  for (int i = 0; i < 500; ++i) {
    ASSERT_EQ(by_ptr.get(nodes[i]), i);
    ASSERT_TRUE(*by_int.get(i) == nodes[i]);
  }
  EXPECT_EQ(by_ptr.get(go::new_<node>(7)), std::nullopt);  // identity, not value
  by_int.erase(3);
  EXPECT_EQ(by_int.get(3), std::nullopt);
  EXPECT_EQ((*by_int.get(4))->value, 4);
}

TEST(Map, MapOfSlicesAndSliceOfMaps) {
  auto m = go::make_map<std::string, go::slice<int>>();
  for (int i = 0; i < 100; ++i) {
    const std::string k = std::to_string(i % 10);
    m.set(k, go::append(m.get(k).value_or(go::slice<int>{}), i));
  }
  EXPECT_EQ(m.get("3")->len(), 10u);
  EXPECT_EQ((*m.get("3"))[9], 93);
  go::slice<go::map<int, int>> s;
  for (int i = 0; i < 10; ++i) {
    s = go::append(s, go::make_map<int, int>());
    s[i].set(i, i * i);
  }
  EXPECT_EQ(s[9].get(9), 81);
}

// Counts its live instances.
struct tracked {
  static inline std::atomic<int> live{0};
  int v = 0;
  tracked() { live.fetch_add(1, std::memory_order_relaxed); }
  tracked(int x) : v(x) { live.fetch_add(1, std::memory_order_relaxed); }
  tracked(const tracked& o) : v(o.v) { live.fetch_add(1, std::memory_order_relaxed); }
  tracked& operator=(const tracked&) = default;
  ~tracked() { live.fetch_sub(1, std::memory_order_relaxed); }
};

[[gnu::noinline]] void make_garbage_maps() {
  for (int i = 0; i < 16; ++i) {
    auto m = go::make_map<int, tracked>();
    for (int k = 0; k < 100; ++k) m.set(k, tracked(k));
    m.erase(7);
  }
}

[[gnu::noinline]] __attribute__((no_sanitize("address"))) void scrub_stack() {
  volatile unsigned char buf[64 * 1024];
  for (std::size_t i = 0; i < sizeof buf; ++i) buf[i] = 0;
}

// Dropped maps are freed with their entry arrays, whose keys and values are
// destroyed (conservative stack scanning may keep a stray one alive).
TEST(MapGC, DroppedMapsDestroyTheirEntries) {
  const auto before = go::mem_stats().num_gc;
  const int base = tracked::live.load();
  make_garbage_maps();
  EXPECT_GE(tracked::live.load() - base, 16 * 100);  // every slot of every table holds a value
  scrub_stack();
  for (int i = 0; i < 3; ++i) go::gc();
  if (go::mem_stats().num_gc == before) GTEST_SKIP() << "no collector (the temporary gc_stub.cpp?)";
  EXPECT_LE(tracked::live.load() - base, 2 * 256);
}

// A table referenced only from a handle outside the heap and the stacks
// survives collections, and so do the objects its values point to.
TEST(MapGC, RootedOutsideTheHeapSurvives) {
  std::vector<go::map<int, go::ptr<node>>> holder{go::make_map<int, go::ptr<node>>()};
  for (int i = 0; i < 2000; ++i) holder[0].set(i, go::new_<node>(i));
  for (int i = 0; i < 3; ++i) go::gc();
  long sum = 0;
  for (auto [k, v] : holder[0]) {
    ASSERT_EQ(k, v->value);
    sum += v->value;
  }
  EXPECT_EQ(sum, 1999L * 2000 / 2);
}

}  // namespace

namespace {

// m[k]: Go's zero value for a missing key, without inserting it.
TEST(MapIndex, ReadsTheZeroValueWithoutInserting) {
  auto m = go::make_map<std::string, int>();
  EXPECT_EQ(m["absent"], 0);
  EXPECT_EQ(m.len(), 0u);
  int v = m["absent"];
  EXPECT_EQ(v, 0);
  go::map<std::string, int> nil;
  EXPECT_EQ(nil["x"], 0);
  auto names = go::make_map<int, std::string>();
  EXPECT_EQ(static_cast<std::string>(names[3]), "");
  EXPECT_TRUE(names[3] == "");
}

TEST(MapIndex, AssignsAndUpdates) {
  auto counts = go::make_map<std::string, int>();
  for (const char* w : {"a", "b", "a", "c", "a"}) counts[w]++;
  EXPECT_EQ(counts["a"], 3);
  EXPECT_EQ(counts["b"], 1);
  EXPECT_EQ(counts.len(), 3u);
  static_assert(std::is_void_v<decltype(counts["a"]++)>, "Go's m[k]++ is a statement");
  counts["b"] += 10;
  ++counts["c"];
  counts["d"] = 7;
  counts["a"] -= 1;
  EXPECT_EQ(counts.get("b"), 11);
  EXPECT_EQ(counts.get("c"), 2);
  EXPECT_EQ(counts.get("d"), 7);
  EXPECT_EQ(counts.get("a"), 2);
  counts["e"] = counts["d"];  // m[a] = m[b]
  EXPECT_EQ(counts.get("e"), 7);
  auto text = go::make_map<int, std::string>();
  text[1] += "x";
  text[1] += "y";
  EXPECT_TRUE(text[1] == "xy");
  auto e = text[1];  // an element reads the map again each time
  text.set(1, "z");
  EXPECT_EQ(static_cast<std::string>(e), "z");
}

TEST(MapIndex, WritingANilMapPanics) {
  go::map<int, int> nil;
  EXPECT_EQ(panic_message([&] { nil[1] = 2; }), "assignment to entry in nil map");
  EXPECT_EQ(panic_message([&] { nil[1]++; }), "assignment to entry in nil map");
}

}  // namespace
