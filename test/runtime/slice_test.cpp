// Tests for go::slice<T>: make, append (Go 1.19's growth rule and aliasing),
// slice expressions, copy, Go's panic messages, nil slices, and slices of
// handles (go::ptr, go::slice).

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include "panic_message.hpp"

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using gotest::panic_message;

template <class T>
std::vector<T> to_vector(const go::slice<T>& s) {
  return std::vector<T>(s.begin(), s.end());
}

// True when the allocator rounds like Go's size classes at the sizes the
// growth tests reach (the temporary gc_stub.cpp rounds to 16 bytes instead).
bool allocator_has_go_size_classes() {
  // A few of Go 1.19's classes (runtime/sizeclasses.go) that the growth
  // sequences below depend on: request -> class size.
  const std::pair<std::size_t, std::size_t> classes[] = {
      {1, 8},         {6656, 6784},   {10240, 10240}, {14336, 14336},
      {19968, 20480}, {20480, 20480}, {27264, 27264}, {40960, 40960}};
  for (auto [req, size] : classes)
    if (go::detail::gc_round_size(req) != size) return false;
  return true;
}

// The capacities a slice of T passes through when one element at a time is
// appended `n` times to a nil slice.
template <class T>
std::vector<std::size_t> caps_of_one_at_a_time(int n) {
  std::vector<std::size_t> caps;
  go::slice<T> s;
  for (int i = 0; i < n; ++i) {
    s = go::append(s, T{});
    if (caps.empty() || caps.back() != s.cap()) caps.push_back(s.cap());
  }
  return caps;
}

struct s24 {
  std::int64_t a, b, c;
};
static_assert(sizeof(s24) == 24);

// ---------------------------------------------------------------------------
// Growth
// ---------------------------------------------------------------------------

// The expected numbers were printed by Go 1.19.8 (linux/amd64) for
//   var a []int64; for i := 0; i < 5000; i++ { a = append(a, 0) }   (and likewise
//   for a 24-byte struct and for []byte), recording every new cap(a), and for
//   c = append(c, make([]int64, n)...) with n = 5, 7, 3, 40, 100, 1000, 13,
//   recording len(c):cap(c).
TEST(SliceGrowth, MatchesGo119) {
  if (!allocator_has_go_size_classes())
    GTEST_SKIP() << "gc_round_size does not use Go's size classes (the temporary gc_stub.cpp?)";
  EXPECT_EQ(caps_of_one_at_a_time<std::int64_t>(5000),
            (std::vector<std::size_t>{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 848, 1280, 1792, 2560, 3408, 5120}));
  EXPECT_EQ(caps_of_one_at_a_time<s24>(5000),
            (std::vector<std::size_t>{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 853, 1365, 2048, 3072, 4096, 5461}));
  EXPECT_EQ(caps_of_one_at_a_time<std::uint8_t>(3000),
            (std::vector<std::size_t>{8, 16, 32, 64, 128, 256, 512, 896, 1408, 2048, 3072}));

  go::slice<std::int64_t> c;
  std::vector<std::pair<std::size_t, std::size_t>> got;
  for (int n : {5, 7, 3, 40, 100, 1000, 13}) {
    c = go::append(c, go::make_slice<std::int64_t>(n));
    got.emplace_back(c.len(), c.cap());
  }
  EXPECT_EQ(got, (std::vector<std::pair<std::size_t, std::size_t>>{
                     {5, 6}, {12, 12}, {15, 24}, {55, 56}, {155, 160}, {1155, 1184}, {1168, 1184}}));

  // e := make([]int64, 0, 3); e = append(e, 1, 2, 3, 4, 5, 6, 7)  -> 7 8
  auto e = go::append(go::make_slice<std::int64_t>(0, 3), 1, 2, 3, 4, 5, 6, 7);
  EXPECT_EQ(e.len(), 7u);
  EXPECT_EQ(e.cap(), 8u);
  // var f []s24; f = append(f, s24{}, s24{}, s24{}, s24{}, s24{})  -> 5 5
  auto f = go::append(go::slice<s24>{}, s24{}, s24{}, s24{}, s24{}, s24{});
  EXPECT_EQ(f.len(), 5u);
  EXPECT_EQ(f.cap(), 5u);
}

// The same rule, independent of the allocator's classes: every capacity is
// growslice's answer rounded with the live gc_round_size.
TEST(SliceGrowth, FollowsGrowsliceWithTheAllocatorsRounding) {
  auto expect = [](std::size_t old_cap, std::size_t needed, std::size_t elem) {
    std::size_t newcap = old_cap;
    if (needed > 2 * old_cap) {
      newcap = needed;
    } else if (old_cap < 256) {
      newcap = 2 * old_cap;
    } else {
      while (newcap < needed) newcap += (newcap + 768) / 4;
    }
    return go::detail::gc_round_size(newcap * elem) / elem;
  };
  go::slice<std::int64_t> s;
  for (int i = 0; i < 20000; ++i) {
    const std::size_t old_cap = s.cap();
    s = go::append(s, std::int64_t{i});
    if (s.cap() != old_cap) ASSERT_EQ(s.cap(), expect(old_cap, s.len(), 8)) << "at len " << s.len();
  }
  for (std::size_t i = 0; i < s.len(); ++i) ASSERT_EQ(s[i], static_cast<std::int64_t>(i));
  go::slice<s24> t;
  for (int i = 0; i < 3000; ++i) {
    const std::size_t old_cap = t.cap();
    t = go::append(t, s24{i, i, i});
    if (t.cap() != old_cap) ASSERT_EQ(t.cap(), expect(old_cap, t.len(), 24)) << "at len " << t.len();
  }
  EXPECT_EQ(t[2999].c, 2999);
}

// ---------------------------------------------------------------------------
// make, literals, nil
// ---------------------------------------------------------------------------

TEST(Slice, MakeValueInitialisesTheWholeArray) {
  auto s = go::make_slice<int>(3, 10);
  EXPECT_EQ(s.len(), 3u);
  EXPECT_EQ(s.cap(), 10u);
  for (int x : s) EXPECT_EQ(x, 0);
  auto all = s.sub(0, 10);
  for (int x : all) EXPECT_EQ(x, 0);
  auto strs = go::make_slice<std::string>(2, 4);
  EXPECT_EQ(strs.sub(0, 4)[3], "");
  auto n = go::make_slice<double>(5);
  EXPECT_EQ(n.len(), 5u);
  EXPECT_EQ(n.cap(), 5u);
}

TEST(Slice, Literal) {
  go::slice<int> s{1, 2, 3};
  EXPECT_EQ(s.len(), 3u);
  EXPECT_EQ(s.cap(), 3u);  // a composite literal's cap is its length
  EXPECT_EQ(to_vector(s), (std::vector<int>{1, 2, 3}));
  go::slice<std::string> t = {"a", "bb"};
  EXPECT_EQ(t[1], "bb");
}

TEST(Slice, NilSlice) {
  go::slice<int> s;
  EXPECT_TRUE(s == nullptr);
  EXPECT_EQ(s.len(), 0u);
  EXPECT_EQ(s.cap(), 0u);
  int visited = 0;
  for (int x : s) visited += x + 1;
  EXPECT_EQ(visited, 0);
  EXPECT_TRUE(s.sub(0, 0) == nullptr);  // nil[0:0] is nil in Go
  EXPECT_EQ(go::copy(s, s), 0u);
  auto t = go::append(s, 7);
  EXPECT_FALSE(t == nullptr);
  EXPECT_EQ(t[0], 7);
  t = nullptr;
  EXPECT_TRUE(t == nullptr);
  EXPECT_TRUE(go::append(s) == nullptr);  // append(nil) is nil
  EXPECT_TRUE(go::append(s, go::slice<int>{}) == nullptr);
}

TEST(Slice, EmptyMadeSliceIsNotNil) {
  auto s = go::make_slice<int>(0);
  EXPECT_FALSE(s == nullptr);  // make([]int, 0) != nil
  EXPECT_EQ(s.len(), 0u);
  EXPECT_EQ(s.cap(), 0u);
  EXPECT_FALSE(go::make_slice<std::string>(0, 0) == nullptr);
}

// ---------------------------------------------------------------------------
// Aliasing: append in place, append past cap
// ---------------------------------------------------------------------------

TEST(Slice, AppendInPlaceSharesTheArray) {
  auto a = go::make_slice<int>(2, 4);
  auto b = go::append(a, 5);  // len 3 <= cap 4: the same array
  EXPECT_EQ(b.data(), a.data());
  b[0] = 42;
  EXPECT_EQ(a[0], 42);  // a write through one slice is visible in the other
  // Go: a second append to a overwrites what b appended.
  auto c = go::append(a, 9);
  EXPECT_EQ(b[2], 9);
  EXPECT_EQ(c[2], 9);
}

TEST(Slice, AppendPastCapDetaches) {
  go::slice<int> a{1, 2, 3};
  auto b = go::append(a, 4);  // cap 3 exceeded: a new array
  EXPECT_NE(b.data(), a.data());
  b[0] = 100;
  EXPECT_EQ(a[0], 1);
  EXPECT_EQ(to_vector(b), (std::vector<int>{100, 2, 3, 4}));
  EXPECT_EQ(b.cap(), go::detail::gc_round_size(6 * sizeof(int)) / sizeof(int));  // doubled, then rounded
}

TEST(Slice, AppendSliceAndOverlap) {
  go::slice<int> s{1, 2, 3, 4, 5};
  // append(s[:1], s[2:4]...): in place, source and destination overlap.
  auto t = go::append(s.sub(0, 1), s.sub(2, 4));
  EXPECT_EQ(to_vector(t), (std::vector<int>{1, 3, 4}));
  EXPECT_EQ(to_vector(s), (std::vector<int>{1, 3, 4, 4, 5}));
  // append(s[:2], s[1:4]...): destination starts inside the source.
  go::slice<std::string> u{"a", "b", "c", "d", "e", "f"};
  auto v = go::append(u.sub(0, 2), u.sub(1, 4));
  EXPECT_EQ(to_vector(v), (std::vector<std::string>{"a", "b", "b", "c", "d"}));
  // append(s, s...) grows and copies from the old array.
  go::slice<int> w{1, 2};
  w = go::append(w, w);
  EXPECT_EQ(to_vector(w), (std::vector<int>{1, 2, 1, 2}));
}

TEST(Slice, AppendEvaluatesArgumentsFirst) {
  go::slice<std::string> s{"a", "b", "c", "d"};
  auto t = s.sub(0, 1);
  // Go: t = append(t, s[2], s[1]) -> [a c b]: s[1] is read before it is overwritten.
  t = go::append(t, s[2], s[1]);
  EXPECT_EQ(to_vector(t), (std::vector<std::string>{"a", "c", "b"}));
}

TEST(Slice, AppendConvertsArguments) {
  go::slice<std::string> s;
  s = go::append(s, "x", std::string("y"));
  EXPECT_EQ(to_vector(s), (std::vector<std::string>{"x", "y"}));
  go::slice<std::int64_t> n;
  n = go::append(n, 1, 2u, 'c');
  EXPECT_EQ(n[2], 'c');
}

// ---------------------------------------------------------------------------
// Slice expressions
// ---------------------------------------------------------------------------

TEST(Slice, SubSharesAndLimitsCapacity) {
  auto s = go::make_slice<int>(5, 8);
  for (int i = 0; i < 5; ++i) s[i] = i;
  auto t = s.sub(1, 3);
  EXPECT_EQ(t.len(), 2u);
  EXPECT_EQ(t.cap(), 7u);
  EXPECT_EQ(t.data(), s.data() + 1);
  t[0] = 10;
  EXPECT_EQ(s[1], 10);
  // Reslicing up to cap reaches past len: t[0:7] sees s[1:8].
  EXPECT_EQ(t.sub(0, 7).len(), 7u);
  EXPECT_EQ(t.sub(0, 7)[3], 4);
  EXPECT_EQ(s.sub(2).len(), 3u);  // s[2:]
  EXPECT_EQ(s.sub(2)[0], 2);
}

TEST(Slice, FullSliceExpressionLimitsAppend) {
  go::slice<int> s{0, 1, 2, 3, 4};
  auto t = s.sub(1, 2, 3);  // s[1:2:3]
  EXPECT_EQ(t.len(), 1u);
  EXPECT_EQ(t.cap(), 2u);
  auto u = go::append(t, 20);  // fits: writes s[2]
  EXPECT_EQ(s[2], 20);
  auto v = go::append(u, 30);  // past max: a new array, s[3] untouched
  EXPECT_EQ(s[3], 3);
  EXPECT_NE(v.data(), s.data() + 1);
  EXPECT_EQ(to_vector(v), (std::vector<int>{1, 20, 30}));
}

TEST(Slice, ZeroCapacityResultKeepsThePointerInsideTheArray) {
  auto s = go::make_slice<int>(3, 5);
  auto end = s.sub(5, 5);  // s[cap:cap]: data + 5 would be past the array
  EXPECT_EQ(end.len(), 0u);
  EXPECT_EQ(end.cap(), 0u);
  EXPECT_EQ(end.data(), s.data());
  auto full = s.sub(3, 3, 3);  // s[3:3:3]: capacity 0 too
  EXPECT_EQ(full.data(), s.data());
  auto inner = s.sub(4, 4);  // capacity 1: the pointer advances
  EXPECT_EQ(inner.data(), s.data() + 4);
  EXPECT_FALSE(end == nullptr);
  // Appending to a zero-capacity view allocates and never touches the array.
  auto grown = go::append(end, 7);
  EXPECT_EQ(grown[0], 7);
  EXPECT_EQ(s.sub(0, 5)[0], 0);
}

// ---------------------------------------------------------------------------
// Panics, with Go's messages
// ---------------------------------------------------------------------------

TEST(SlicePanics, Index) {
  go::slice<int> s{1, 2, 3};
  EXPECT_THROW(s[3], go::panic_error);
  EXPECT_EQ(panic_message([&] { (void)s[5]; }), "runtime error: index out of range [5] with length 3");
  EXPECT_EQ(panic_message([&] { (void)s[-1]; }), "runtime error: index out of range [-1]");
  go::slice<int> nil;
  EXPECT_EQ(panic_message([&] { (void)nil[0]; }), "runtime error: index out of range [0] with length 0");
  // Indexing checks len, not cap.
  auto t = go::make_slice<int>(1, 4);
  EXPECT_EQ(panic_message([&] { (void)t[1]; }), "runtime error: index out of range [1] with length 1");
}

TEST(SlicePanics, SliceExpressions) {
  go::slice<int> s{1, 2, 3};
  EXPECT_EQ(panic_message([&] { s.sub(0, 5); }), "runtime error: slice bounds out of range [:5] with capacity 3");
  EXPECT_EQ(panic_message([&] { s.sub(3, 2); }), "runtime error: slice bounds out of range [3:2]");
  EXPECT_EQ(panic_message([&] { s.sub(4); }), "runtime error: slice bounds out of range [4:3]");
  EXPECT_EQ(panic_message([&] { s.sub(0, -1); }), "runtime error: slice bounds out of range [:-1]");
  EXPECT_EQ(panic_message([&] { s.sub(-1, 2); }), "runtime error: slice bounds out of range [-1:]");
  // s[lo:hi:max]: max against cap, then hi <= max, then lo <= hi.
  EXPECT_EQ(panic_message([&] { s.sub(0, 1, 4); }),
            "runtime error: slice bounds out of range [::4] with capacity 3");
  EXPECT_EQ(panic_message([&] { s.sub(0, 3, 2); }), "runtime error: slice bounds out of range [:3:2]");
  EXPECT_EQ(panic_message([&] { s.sub(2, 1, 3); }), "runtime error: slice bounds out of range [2:1:]");
  EXPECT_EQ(panic_message([&] { s.sub(0, 1, -1); }), "runtime error: slice bounds out of range [::-1]");
  EXPECT_EQ(panic_message([&] { s.sub(0, -2, 3); }), "runtime error: slice bounds out of range [:-2:]");
  EXPECT_EQ(panic_message([&] { s.sub(-3, 1, 3); }), "runtime error: slice bounds out of range [-3::]");
}

TEST(SlicePanics, MakeSlice) {
  EXPECT_EQ(panic_message([] { go::make_slice<int>(-1); }), "runtime error: makeslice: len out of range");
  EXPECT_EQ(panic_message([] { go::make_slice<int>(5, 3); }), "runtime error: makeslice: cap out of range");
  EXPECT_EQ(panic_message([] { go::make_slice<int>(0, -1); }), "runtime error: makeslice: cap out of range");
  EXPECT_EQ(panic_message([] { go::make_slice<std::int64_t>(1, std::ptrdiff_t{1} << 50); }),
            "runtime error: makeslice: cap out of range");
  EXPECT_EQ(panic_message([] { go::make_slice<std::int64_t>(std::ptrdiff_t{1} << 50); }),
            "runtime error: makeslice: len out of range");
}

TEST(SlicePanics, GrowsliceCapOutOfRange) {
  // A view claiming an enormous length is impossible to build safely; grow
  // past maxAlloc through the rule instead: needed beyond 2^48 bytes.
  EXPECT_EQ(panic_message([] { go::detail::grow_cap<std::int64_t>(8, std::size_t{1} << 46); }),
            "runtime error: growslice: cap out of range");
}

// ---------------------------------------------------------------------------
// copy
// ---------------------------------------------------------------------------

TEST(Slice, CopyCountsAndHandlesOverlap) {
  go::slice<int> a{1, 2, 3, 4, 5};
  auto b = go::make_slice<int>(3);
  EXPECT_EQ(go::copy(b, a), 3u);
  EXPECT_EQ(to_vector(b), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(go::copy(a, go::slice<int>{9}), 1u);
  EXPECT_EQ(a[0], 9);
  // copy(a[1:], a): forward overlap -> [9 9 2 3 4]
  EXPECT_EQ(go::copy(a.sub(1), a), 4u);
  EXPECT_EQ(to_vector(a), (std::vector<int>{9, 9, 2, 3, 4}));
  // copy(a, a[2:]): backward overlap -> [2 3 4 3 4]
  EXPECT_EQ(go::copy(a, a.sub(2)), 3u);
  EXPECT_EQ(to_vector(a), (std::vector<int>{2, 3, 4, 3, 4}));
  // The same with elements that are not trivially copyable.
  go::slice<std::string> s{"a", "b", "c", "d"};
  EXPECT_EQ(go::copy(s.sub(1), s), 3u);
  EXPECT_EQ(to_vector(s), (std::vector<std::string>{"a", "a", "b", "c"}));
  EXPECT_EQ(go::copy(s, s.sub(1)), 3u);
  EXPECT_EQ(to_vector(s), (std::vector<std::string>{"a", "b", "c", "c"}));
}

// ---------------------------------------------------------------------------
// Element lifetimes
// ---------------------------------------------------------------------------

struct counted {
  static inline int live = 0;
  static inline int throw_at = -1;  // throw from the n-th default construction
  int v = 0;
  counted() {
    if (throw_at == 0) throw std::runtime_error("boom");
    --throw_at;
    ++live;
  }
  counted(const counted& o) : v(o.v) { ++live; }
  counted& operator=(const counted&) = default;
  ~counted() { --live; }
};

TEST(Slice, ThrowingConstructorDestroysWhatWasBuilt) {
  counted::live = 0;
  counted::throw_at = 5;
  EXPECT_THROW(go::make_slice<counted>(10), std::runtime_error);
  EXPECT_EQ(counted::live, 0);
  counted::throw_at = -1;
  auto s = go::make_slice<counted>(4);
  EXPECT_EQ(counted::live, 4);
  // Growth to cap 8 copies 4, copies the appended value, then
  // value-initialises 3; a throw among those leaves nothing behind either.
  counted extra;
  counted::throw_at = 2;
  EXPECT_THROW(go::append(s, extra), std::runtime_error);
  EXPECT_EQ(counted::live, 5);
  counted::throw_at = -1;
}

// ---------------------------------------------------------------------------
// Handles as elements
// ---------------------------------------------------------------------------

struct node {
  int value;
};

// Layout: the traced word, len, cap. Arrays of handles need no finalizer
// (their destructors are moot in the heap); arrays of owning types do.
static_assert(sizeof(go::slice<int>) == 3 * sizeof(void*));
static_assert(go::detail::finalizer_for_array<go::ptr<node>>() == nullptr);
static_assert(go::detail::finalizer_for_array<go::slice<int>>() == nullptr);
static_assert(go::detail::finalizer_for_array<int>() == nullptr);
static_assert(go::detail::finalizer_for_array<std::string>() != nullptr);
static_assert(go::detail::alloc_kind_for<int>() == go::detail::alloc_kind::noscan);
static_assert(go::detail::alloc_kind_for<go::ptr<node>>() == go::detail::alloc_kind::scan);

TEST(Slice, OfPtr) {
  go::slice<go::ptr<node>> s;
  for (int i = 0; i < 1000; ++i) s = go::append(s, go::new_<node>(i));
  EXPECT_EQ(s.len(), 1000u);
  long sum = 0;
  for (const auto& p : s) sum += p->value;
  EXPECT_EQ(sum, 999L * 1000 / 2);
  auto z = go::make_slice<go::ptr<node>>(3);
  EXPECT_TRUE(z[2] == nullptr);  // a zeroed ptr is nil
  go::copy(z, s.sub(10));
  EXPECT_EQ(z[2]->value, 12);
}

TEST(Slice, OfSlices) {
  go::slice<go::slice<int>> grid;
  for (int r = 0; r < 50; ++r) {
    go::slice<int> row;
    for (int c = 0; c < r; ++c) row = go::append(row, r * 100 + c);
    grid = go::append(grid, row);
  }
  EXPECT_EQ(grid.len(), 50u);
  EXPECT_TRUE(grid[0] == nullptr);
  EXPECT_EQ(grid[49].len(), 49u);
  EXPECT_EQ(grid[49][48], 4948);
  // The inner handles alias their arrays like any slice.
  auto row = grid[10];
  row[0] = -1;
  EXPECT_EQ(grid[10][0], -1);
  go::slice<go::slice<int>> lit{{1, 2}, {3}};
  EXPECT_EQ(lit[1][0], 3);
}

// ---------------------------------------------------------------------------
// With the collector
// ---------------------------------------------------------------------------

// Counts its live instances.
struct tracked {
  static inline std::atomic<int> live{0};
  int v = 0;
  tracked() { live.fetch_add(1, std::memory_order_relaxed); }
  tracked(const tracked& o) : v(o.v) { live.fetch_add(1, std::memory_order_relaxed); }
  tracked& operator=(const tracked&) = default;
  ~tracked() { live.fetch_sub(1, std::memory_order_relaxed); }
};

[[gnu::noinline]] void make_garbage_arrays() {
  for (int i = 0; i < 64; ++i) {
    auto s = go::make_slice<tracked>(100);
    s[0].v = i;
  }
}

// The collector scans thread stacks conservatively: overwrite the dead part
// of the stack where make_garbage_arrays ran, so that no stale copy of an
// array's address keeps it alive (the real stack, not ASan's fake one).
[[gnu::noinline]] __attribute__((no_sanitize("address"))) void scrub_stack() {
  volatile unsigned char buf[64 * 1024];
  for (std::size_t i = 0; i < sizeof buf; ++i) buf[i] = 0;
}

// Arrays nobody refers to are freed and all their elements destroyed.
// Conservative scanning may still keep a stray array alive, so the test
// allows a few.
TEST(SliceGC, FinalizerDestroysEveryElement) {
  const auto before = go::mem_stats().num_gc;
  const int base = tracked::live.load();
  make_garbage_arrays();
  EXPECT_EQ(tracked::live.load() - base, 64 * 100);
  scrub_stack();
  for (int i = 0; i < 3; ++i) go::gc();
  if (go::mem_stats().num_gc == before) GTEST_SKIP() << "no collector (the temporary gc_stub.cpp?)";
  EXPECT_LE(tracked::live.load() - base, 4 * 100);
  EXPECT_EQ((tracked::live.load() - base) % 100, 0);  // whole arrays: bytes / sizeof(T) elements
}

// A slice held only by a handle outside the heap and the stacks (a
// std::vector's buffer) survives collections, and so do the objects its
// elements point to.
TEST(SliceGC, RootedOutsideTheHeapSurvives) {
  std::vector<go::slice<go::ptr<node>>> holder(1);
  for (int i = 0; i < 200; ++i) holder[0] = go::append(holder[0], go::new_<node>(i));
  for (int i = 0; i < 3; ++i) go::gc();
  long sum = 0;
  for (const auto& p : holder[0]) sum += p->value;
  EXPECT_EQ(sum, 199L * 200 / 2);
}

// ---------------------------------------------------------------------------
// go::local_array: the stack-allocation rewrite's backing array
// ---------------------------------------------------------------------------

// make([]T, len, N) in the frame: the same len, cap and zeroed elements as
// make_slice, and no allocation on the GC heap.
TEST(LocalArray, SliceIsMakeWithoutAHeapAllocation) {
  const auto before = go::mem_stats().mallocs;
  go::local_array<std::int64_t, 8> backing;
  go::slice<std::int64_t> s = backing.slice(5);
  const auto after = go::mem_stats().mallocs;
  EXPECT_EQ(after, before) << "a local array's slice must not allocate";
  EXPECT_EQ(s.len(), 5u);
  EXPECT_EQ(s.cap(), 8u);
  EXPECT_EQ(to_vector(s.sub(0, 8)), std::vector<std::int64_t>(8, 0));
}

// Appends within the capacity write into the local array, as into make's;
// one beyond it moves to a new heap array and leaves the local one alone.
TEST(LocalArray, AppendBeyondTheCapacityMovesToTheHeap) {
  go::local_array<int, 4> backing;
  go::slice<int> s = backing.slice(2);
  go::slice<int> t = go::append(s, 7);
  EXPECT_EQ(t.data(), s.data()) << "within the capacity: the same array";
  EXPECT_EQ(s.sub(0, 3)[2], 7);
  const auto before = go::mem_stats().mallocs;
  go::slice<int> u = go::append(t, 8, 9);
  EXPECT_EQ(go::mem_stats().mallocs, before + 1);
  EXPECT_NE(u.data(), s.data());
  u[0] = 42;
  EXPECT_EQ(s[0], 0) << "the grown slice must not write into the local array";
  EXPECT_EQ(to_vector(u), (std::vector<int>{42, 0, 7, 8, 9}));
}

TEST(LocalArray, LenOutOfRangePanicsAsMakeDoes) {
  go::local_array<int, 4> backing;
  EXPECT_EQ(panic_message([&] { (void)backing.slice(5); }), "runtime error: makeslice: len out of range");
  EXPECT_EQ(panic_message([&] { (void)backing.slice(-1); }), "runtime error: makeslice: len out of range");
}

// Handles stored in a local array are roots: what they point to survives
// collections (the array is not on the heap, the collector ignores
// pointers into it).
TEST(LocalArray, HandleElementsKeepTheirTargetsAlive) {
  go::local_array<go::ptr<node>, 16> backing;
  go::slice<go::ptr<node>> s = backing.slice(16);
  for (int i = 0; i < 16; ++i) s[i] = go::new_<node>(i);
  scrub_stack();
  for (int i = 0; i < 3; ++i) go::gc();
  long sum = 0;
  for (const auto& p : s) sum += p->value;
  EXPECT_EQ(sum, 15L * 16 / 2);
}

// Like make's array on the heap, the local array is zeroed before its
// elements are constructed: a constructor that leaves a member alone leaves
// it at zero. The stack is first filled with junk where the array will be.
struct partly_initialised {
  partly_initialised() : id(7) {}  // NOLINT(cppcoreguidelines-pro-type-member-init): the point of the test
  int id;
  long rest[3];
};

[[gnu::noinline]] long fill_stack_with_junk() {
  volatile long junk[64];
  for (int i = 0; i < 64; ++i) junk[i] = 0x5a5a5a5a + i;
  return junk[5];
}

[[gnu::noinline]] long sum_of_fresh_local_array() {
  go::local_array<partly_initialised, 8> backing;
  long sum = 0;
  for (const partly_initialised& e : backing.slice(8)) sum += e.id + e.rest[0] + e.rest[1] + e.rest[2];
  return sum;
}

TEST(LocalArray, MemoryIsZeroedBeforeTheElementsAreConstructed) {
  fill_stack_with_junk();
  EXPECT_EQ(sum_of_fresh_local_array(), 8 * 7);
}

}  // namespace
