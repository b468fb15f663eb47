// Tests for the garbage collector's semantics (contract: "Memory and the GC"
// in runtime-api.md): unreachable objects are freed and reachable ones never
// are, destructors run exactly once for collected objects, base-class and
// interior pointers keep the whole object alive, cycles are collected, every
// kind of root keeps its target alive, and mem_stats / set_gc_percent behave
// as gc.hpp documents.
//
// Counting frees exactly needs care, because goroutine frames and thread
// stacks are scanned conservatively: every object whose collection is
// counted is created (and its handles destroyed) in a noinline function that
// has returned before gctest::collect(), which scrubs the dead stack below the
// caller and then runs go::gc(). Scenarios run as plain functions called from
// a goroutine (run_plain), so that the coroutine frame holds no stale copy.
//
// The pacer is switched off (set_gc_percent(-1)) in the counting tests, so
// that only go::gc() collects and allocation counts are exact.

#include "gc_test_support.hpp"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using namespace std::chrono_literals;
using gctest::collect;
using gctest::kDead;
using gctest::kMagic;
using gctest::live_objects;
using gctest::make_tracked;
using gctest::make_tracked_raw;
using gctest::Tracked;

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

namespace {

// 48 bytes, may hold pointers (scan).
struct Small {
  std::uint64_t canary = kMagic;
  std::uint64_t v = 0;
  std::uint64_t pad[4] = {};
};

// A list link with a canary.
struct Link {
  std::uint64_t canary = kMagic;
  std::uint64_t v = 0;
  go::ptr<Link> next;
};

// Pointer-free (noscan) blob.
struct Blob {
  std::uint64_t words[13];
};

// Over 32 KiB: a span of its own.
struct Big {
  std::uint64_t canary = kMagic;
  std::uint64_t words[5000] = {};
};

// 16 bytes or less, pointer-free: the tiny allocator's business.
struct Tiny {
  std::uint32_t a, b;
};

// A node with a counted destructor and go::ptr members (its destructor runs
// the members' destructors, as any C++ destructor would).
struct CNode {
  std::uint64_t canary = kMagic;
  go::ptr<CNode> a, b;
  std::atomic<int>* dtors = nullptr;
  explicit CNode(std::atomic<int>* d) : dtors(d) {}
  ~CNode() {
    canary = kDead;
    dtors->fetch_add(1, std::memory_order_relaxed);
  }
};

struct Throws {
  std::uint64_t words[6] = {};
  std::atomic<int>* dtors;
  explicit Throws(std::atomic<int>* d) : dtors(d) { throw std::runtime_error("constructor failed"); }
  ~Throws() { dtors->fetch_add(1); }
};

// Multiple inheritance: a go::ptr<PartB> is an interior pointer.
struct PartA {
  std::uint64_t a[3] = {1, 2, 3};
};
struct PartB {
  std::uint64_t canary = kMagic;
  std::uint64_t b = 0;
};
struct Derived : PartA, PartB {
  std::atomic<int>* dtors;
  explicit Derived(std::atomic<int>* d) : dtors(d) {}
  ~Derived() {
    canary = kDead;
    dtors->fetch_add(1);
  }
};

// An object whose member is pointed to from outside.
struct Outer {
  std::uint64_t canary = kMagic;
  std::uint64_t head[6] = {};
  std::uint64_t member = 0x1234;
  std::uint64_t tail[6] = {};
  std::atomic<int>* dtors;
  explicit Outer(std::atomic<int>* d) : dtors(d) {}
  ~Outer() {
    canary = kDead;
    dtors->fetch_add(1);
  }
};

}  // namespace

template <>
struct go::pointer_free<Blob> : std::true_type {};
template <>
struct go::pointer_free<Tiny> : std::true_type {};

namespace {

go::config one_proc() { return go::config{.maxprocs = 1}; }

// Calls f from a frame of its own, below the caller, so that whatever f
// leaves on the stack is dead (and scrubbed) once it returns.
template <class F>
GOTEST_NOINLINE auto call_noinline(F&& f) {
  return f();
}

// Runs a plain function as the main goroutine's body.
template <class F>
void run_plain(F&& body, go::config cfg = one_proc()) {
  int rc = go::run(
      [&]() -> go::task<> {
        call_noinline(body);
        co_return;
      },
      cfg);
  EXPECT_EQ(rc, 0);
}

using gctest::pacer_off;

// ---------------------------------------------------------------------------
// Collection: unreachable objects are freed, reachable ones never are
// ---------------------------------------------------------------------------

// Allocates garbage of every kind; returns how many objects it allocated.
GOTEST_NOINLINE std::int64_t make_garbage(int n) {
  std::int64_t count = 0;
  go::ptr<Link> head;
  for (int i = 0; i < n; ++i) {
    go::ptr<Link> l = go::new_<Link>();
    l->v = static_cast<std::uint64_t>(i);
    l->next = head;
    head = l;
    ++count;
    go::ptr<Small> s = go::new_<Small>();
    s->v = static_cast<std::uint64_t>(i);
    ++count;
    if (i % 10 == 0) {
      go::new_<Blob>();
      ++count;
    }
    if (i % 500 == 0) {
      go::new_<Big>();
      ++count;
    }
  }
  return count;
}

struct counts {
  std::int64_t base = 0, after_alloc = 0, after_gc = 0, allocated = 0;
  std::uint64_t base_heap_alloc = 0, after_gc_heap_alloc = 0;
  std::uint64_t base_heap_objects = 0, after_gc_heap_objects = 0;
};

GOTEST_NOINLINE counts garbage_scenario(int n) {
  counts c;
  collect();
  auto s0 = go::mem_stats();
  c.base = live_objects();
  c.base_heap_alloc = s0.heap_alloc;
  c.base_heap_objects = s0.heap_objects;
  c.allocated = call_noinline([n] { return make_garbage(n); });
  c.after_alloc = live_objects();
  collect();
  c.after_gc = live_objects();
  auto s1 = go::mem_stats();
  c.after_gc_heap_alloc = s1.heap_alloc;
  c.after_gc_heap_objects = s1.heap_objects;
  return c;
}

void expect_all_garbage_freed(const counts& c) {
  EXPECT_EQ(c.after_alloc - c.base, c.allocated) << "mallocs did not count every allocation";
  EXPECT_EQ(c.after_gc, c.base) << "mallocs - frees did not return to the baseline after go::gc()";
  EXPECT_EQ(c.after_gc_heap_objects, c.base_heap_objects);
  EXPECT_EQ(c.after_gc_heap_alloc, c.base_heap_alloc);
}

TEST(GcCollect, UnreachableObjectsAreFreed) {
  pacer_off off;
  counts c;
  run_plain([&] { c = garbage_scenario(5000); });
  expect_all_garbage_freed(c);
}

TEST(GcCollect, UnreachableObjectsAreFreedRepeatedly) {
  pacer_off off;
  std::vector<counts> cs;
  run_plain([&] {
    for (int i = 0; i < 5; ++i) cs.push_back(garbage_scenario(2000));
  });
  for (const auto& c : cs) expect_all_garbage_freed(c);
}

// Tiny pointer-free objects share 16-byte blocks; they are freed too.
GOTEST_NOINLINE std::int64_t make_tiny_garbage(int n) {
  for (int i = 0; i < n; ++i) {
    go::ptr<Tiny> t = go::new_<Tiny>();
    t->a = static_cast<std::uint32_t>(i);
  }
  return n;
}

// Tiny pointer-free objects share 16-byte blocks. As in Go, every tiny
// allocation counts in mallocs, and one that goes into a block already in use
// counts as freed at once: mallocs - frees counts blocks.
TEST(GcCollect, TinyObjectsAreFreed) {
  pacer_off off;
  std::int64_t base = 0, after = 0, n = 0;
  std::uint64_t mallocs0 = 0, mallocs1 = 0;
  run_plain([&] {
    collect();
    base = live_objects();
    mallocs0 = go::mem_stats().mallocs;
    n = call_noinline([] { return make_tiny_garbage(3000); });
    mallocs1 = go::mem_stats().mallocs;
    collect();
    after = live_objects();
  });
  EXPECT_EQ(static_cast<std::int64_t>(mallocs1 - mallocs0), n);
  EXPECT_EQ(after, base);
}

// The same on a plain thread (the test's own), outside go::run.
TEST(GcCollect, WorksOnAPlainThreadOutsideRun) {
  pacer_off off;
  counts c = call_noinline([] { return garbage_scenario(2000); });
  expect_all_garbage_freed(c);
}

// Builds a list of n kept links with garbage interleaved (so that kept and
// garbage objects share spans); the list is stored in *out.
GOTEST_NOINLINE void build_kept_list(int n, go::ptr<Link>* out) {
  go::ptr<Link> head;
  for (int i = 0; i < n; ++i) {
    go::ptr<Link> l = go::new_<Link>();
    l->v = static_cast<std::uint64_t>(i);
    l->next = head;
    head = l;
    go::new_<Link>();  // garbage
    go::new_<Small>();  // garbage
  }
  *out = head;
}

// Walks the list: the number of intact links with the expected values.
GOTEST_NOINLINE int check_list(const go::ptr<Link>& head, int n) {
  int good = 0;
  Link* l = head.get();
  for (int i = n - 1; i >= 0 && l; --i, l = l->next.get()) {
    if (l->canary == kMagic && l->v == static_cast<std::uint64_t>(i)) ++good;
  }
  return good;
}

TEST(GcCollect, ReachableObjectsAreNeverFreed) {
  pacer_off off;
  constexpr int n = 3000;
  std::int64_t base = 0, released = 0;
  std::vector<std::int64_t> live_after;
  std::vector<int> intact;
  run_plain([&] {
    collect();
    base = live_objects();
    // The root lives in malloc'd memory (a registered root).
    auto root = std::make_unique<go::ptr<Link>>();
    call_noinline([&] { build_kept_list(n, root.get()); });
    for (int i = 0; i < 4; ++i) {
      collect();
      live_after.push_back(live_objects() - base);
      intact.push_back(call_noinline([&] { return check_list(*root, n); }));
    }
    call_noinline([&] { *root = nullptr; });
    collect();
    released = live_objects() - base;
  });
  for (auto l : live_after) EXPECT_EQ(l, n) << "the kept list plus nothing else should be live";
  for (auto g : intact) EXPECT_EQ(g, n);
  EXPECT_EQ(released, 0);
}

// A long chain (the marker must not recurse per link) and a wide tree.
GOTEST_NOINLINE void build_chain(int n, go::ptr<Link>* out) {
  go::ptr<Link> head;
  for (int i = 0; i < n; ++i) {
    go::ptr<Link> l = go::new_<Link>();
    l->v = static_cast<std::uint64_t>(i);
    l->next = head;
    head = l;
  }
  *out = head;
}

TEST(GcCollect, LongChainSurvives) {
  pacer_off off;
  const int n = static_cast<int>(gotest::scaled(200000, 20000));
  int intact = 0;
  std::int64_t live = 0, base = 0, released = 0;
  run_plain([&] {
    collect();
    base = live_objects();
    auto root = std::make_unique<go::ptr<Link>>();
    call_noinline([&] { build_chain(n, root.get()); });
    collect();
    collect();
    live = live_objects() - base;
    intact = call_noinline([&] { return check_list(*root, n); });
    call_noinline([&] { *root = nullptr; });
    collect();
    released = live_objects() - base;
  });
  EXPECT_EQ(live, n);
  EXPECT_EQ(intact, n);
  EXPECT_EQ(released, 0);
}

// ---------------------------------------------------------------------------
// Destructors
// ---------------------------------------------------------------------------

GOTEST_NOINLINE std::int64_t make_mixed_garbage(int n, std::atomic<int>* dtors) {
  std::int64_t count = 0;
  for (int i = 0; i < n; ++i) {
    make_tracked(static_cast<std::uint64_t>(i), dtors);
    go::new_<Small>();
    go::new_<Blob>();
    count += 3;
  }
  return count;
}

TEST(GcDestructors, RunExactlyOnceForCollectedObjects) {
  pacer_off off;
  constexpr int n = 2000;
  std::atomic<int>& dtors = gctest::fresh_counter();
  std::atomic<int>& kept_dtors = gctest::fresh_counter();
  int after_alloc = -1, after_gc = -1, after_second_gc = -1, kept_after = -1;
  bool kept_ok = false;
  std::int64_t base = 0, allocated = 0, after = 0;
  run_plain([&] {
    collect();
    base = live_objects();
    auto kept = std::make_unique<go::ptr<Tracked>>();
    call_noinline([&] { *kept = make_tracked(99, &kept_dtors); });
    allocated = call_noinline([&] { return make_mixed_garbage(n, &dtors); });
    after_alloc = dtors.load();
    collect();
    after_gc = dtors.load();
    after = live_objects() - base;
    collect();
    after_second_gc = dtors.load();
    kept_after = kept_dtors.load();
    kept_ok = call_noinline([&] { return (*kept)->ok(99); });
    call_noinline([&] { *kept = nullptr; });
    collect();
  });
  EXPECT_EQ(allocated, 3 * n);
  EXPECT_EQ(after_alloc, 0);
  EXPECT_EQ(after_gc, n) << "every collected object with a destructor has it run";
  EXPECT_EQ(after_second_gc, n) << "no destructor runs twice";
  EXPECT_EQ(after, 1) << "only the kept object is live";
  EXPECT_EQ(kept_after, 0);
  EXPECT_TRUE(kept_ok);
  EXPECT_EQ(kept_dtors.load(), 1);
}

TEST(GcDestructors, ConstructorThatThrowsLeavesNoDestructorAndNoLeak) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  int caught = 0;
  std::int64_t base = 0, after = 0;
  run_plain([&] {
    collect();
    base = live_objects();
    call_noinline([&] {
      for (int i = 0; i < 10; ++i) {
        try {
          go::new_<Throws>(&dtors);
        } catch (const std::runtime_error&) {
          ++caught;
        }
      }
    });
    collect();
    after = live_objects() - base;
  });
  EXPECT_EQ(caught, 10);
  EXPECT_EQ(dtors.load(), 0) << "an object whose constructor threw is not destroyed";
  EXPECT_EQ(after, 0) << "its memory is reclaimed";
}

// A type whose constructor throws and that has no finalizer (trivially
// destructible): go::new_ has no header to disarm. It once cleared the word
// 16 bytes before the object -- the start of the object allocated just
// before it in the same span.
struct Pattern16 {
  std::uint64_t a, b;
};
struct ThrowsTrivially16 {
  std::uint64_t a = 0, b = 0;
  ThrowsTrivially16() { throw std::runtime_error("constructor failed"); }
};
static_assert(std::is_trivially_destructible_v<ThrowsTrivially16>);

TEST(GcDestructors, ConstructorThatThrowsLeavesTheObjectBeforeItAlone) {
  constexpr int n = 1000;
  int intact = 0, caught = 0;
  run_plain([&] {
    std::vector<go::ptr<Pattern16>> kept;
    for (int i = 0; i < n; ++i) {
      kept.push_back(go::new_<Pattern16>(~std::uint64_t(0), ~std::uint64_t(0)));
      try {
        go::new_<ThrowsTrivially16>();
      } catch (const std::runtime_error&) {
        ++caught;
      }
    }
    for (const auto& p : kept) intact += p->a == ~std::uint64_t(0) && p->b == ~std::uint64_t(0);
  });
  EXPECT_EQ(caught, n);
  EXPECT_EQ(intact, n);
}

// go::trivially_collectable: a type the collector frees without running its
// destructor takes no finalizer header (Go's 16 bytes for a node of two
// pointers, not 32) and still has its handles scanned.
struct CollectableNode {
  go::ptr<CollectableNode> left, right;
  std::uint64_t canary = kMagic;
};
struct FinalizedNode {
  go::ptr<FinalizedNode> left, right;
  std::uint64_t canary = kMagic;
};
struct TwoPtrs {
  go::ptr<TwoPtrs> left, right;
};
}  // namespace

template <>
struct go::trivially_collectable<CollectableNode> : std::true_type {};
template <>
struct go::trivially_collectable<TwoPtrs> : std::true_type {};

namespace {
static_assert(!go::trivially_collectable_v<FinalizedNode>);
static_assert(go::trivially_collectable_v<go::ptr<int>> && go::trivially_collectable_v<go::slice<std::string>> &&
              go::trivially_collectable_v<go::map<int, std::string>>);
static_assert(go::trivially_collectable_v<std::pair<go::ptr<int>, int>> &&
              go::trivially_collectable_v<std::array<go::ptr<int>, 4>> &&
              go::trivially_collectable_v<std::tuple<go::ptr<int>, go::slice<int>>>);
static_assert(!go::trivially_collectable_v<std::pair<go::ptr<int>, std::string>> &&
              !go::trivially_collectable_v<go::chan<int>>);

// The smallest distance between the addresses of n objects allocated one
// after another: their slot size, as consecutive allocations fill a span.
template <class T>
std::uintptr_t slot_size_of() {
  std::vector<go::ptr<T>> objs;
  for (int i = 0; i < 64; ++i) objs.push_back(go::new_<T>());
  std::vector<std::uintptr_t> at;
  for (const auto& p : objs) at.push_back(reinterpret_cast<std::uintptr_t>(p.get()));
  std::sort(at.begin(), at.end());
  std::uintptr_t best = ~std::uintptr_t(0);
  for (std::size_t i = 1; i < at.size(); ++i) best = std::min(best, at[i] - at[i - 1]);
  return best;
}

TEST(GcTriviallyCollectable, NoFinalizerHeader) {
  std::uintptr_t two_ptrs = 0, collectable = 0, finalized = 0;
  run_plain([&] {
    two_ptrs = slot_size_of<TwoPtrs>();
    collectable = slot_size_of<CollectableNode>();
    finalized = slot_size_of<FinalizedNode>();
  });
  EXPECT_EQ(two_ptrs, 16u) << "Go's size for struct{ left, right *Node }";
  EXPECT_EQ(collectable, 24u);
  EXPECT_EQ(finalized, 48u) << "24 bytes and the 16-byte header";
}

GOTEST_NOINLINE go::ptr<CollectableNode> collectable_tree(int depth) {
  auto n = go::new_<CollectableNode>();
  if (depth > 0) {
    n->left = collectable_tree(depth - 1);
    n->right = collectable_tree(depth - 1);
  }
  return n;
}

GOTEST_NOINLINE int count_intact(const go::ptr<CollectableNode>& n) {
  if (!n || n->canary != kMagic) return 0;
  return 1 + count_intact(n->left) + count_intact(n->right);
}

TEST(GcTriviallyCollectable, HandlesAreScannedAndGarbageFreed) {
  pacer_off off;
  int intact = 0;
  std::int64_t base = 0, garbage_left = -1;
  run_plain([&] {
    collect();
    base = live_objects();
    auto kept = std::make_unique<go::ptr<CollectableNode>>();
    call_noinline([&] { *kept = collectable_tree(10); });
    call_noinline([&] {
      for (int i = 0; i < 20; ++i) collectable_tree(8);
    });
    collect();
    collect();
    intact = call_noinline([&] { return count_intact(*kept); });
    garbage_left = live_objects() - base - ((1 << 11) - 1);
    call_noinline([&] { *kept = nullptr; });
  });
  EXPECT_EQ(intact, (1 << 11) - 1) << "the kept tree, reached only through handles inside collectable objects";
  EXPECT_EQ(garbage_left, 0) << "the dropped trees are freed";
}

// ---------------------------------------------------------------------------
// Base-class and interior pointers; cycles
// ---------------------------------------------------------------------------

struct root_outcome {
  int survived = 0;  // intact after each of the 3 collections
  int dtors_while_rooted = -1;
  int dtors_after_release = -1;
};

// The scenario every root test goes through: set() makes the root the only
// reference to a fresh object; three collections must leave it intact
// (check()); after release() one collection must free it (its destructor
// runs), which shows that the root, not some stale copy, kept it alive.
template <class Set, class Check, class Release>
GOTEST_NOINLINE root_outcome exercise_root(std::atomic<int>& dtors, Set set, Check check, Release release) {
  root_outcome r;
  call_noinline(set);
  for (int i = 0; i < 3; ++i) {
    collect();
    if (call_noinline(check)) ++r.survived;
  }
  r.dtors_while_rooted = dtors.load();
  call_noinline(release);
  collect();
  r.dtors_after_release = dtors.load();
  return r;
}

void expect_rooted(const root_outcome& r) {
  EXPECT_EQ(r.survived, 3) << "the object was not intact after every collection";
  EXPECT_EQ(r.dtors_while_rooted, 0) << "the object was collected while rooted";
  EXPECT_EQ(r.dtors_after_release, 1) << "the object was not collected once the root was released";
}

TEST(GcPointers, BaseClassPointerKeepsTheWholeObjectAlive) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  root_outcome r;
  run_plain([&] {
    auto root = std::make_unique<go::ptr<PartB>>();
    r = exercise_root(
        dtors,
        [&] {
          go::ptr<Derived> d = go::new_<Derived>(&dtors);
          d->b = 77;
          *root = d;  // points 24 bytes into the object
        },
        [&] {
          auto* d = static_cast<Derived*>(root->get());
          return (*root)->canary == kMagic && (*root)->b == 77 && d->a[0] == 1 && d->a[2] == 3;
        },
        [&] { *root = nullptr; });
  });
  expect_rooted(r);
}

TEST(GcPointers, InteriorMemberPointerKeepsTheWholeObjectAlive) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  root_outcome r;
  run_plain([&] {
    auto root = std::make_unique<go::ptr<std::uint64_t>>();
    r = exercise_root(
        dtors,
        [&] {
          go::ptr<Outer> o = go::new_<Outer>(&dtors);
          // Go's &o.member.
          *root = go::ptr<std::uint64_t>(go::detail::adopt, &o->member);
        },
        [&] {
          auto* o = reinterpret_cast<Outer*>(reinterpret_cast<char*>(root->get()) - offsetof(Outer, member));
          return **root == 0x1234 && o->canary == kMagic;
        },
        [&] { *root = nullptr; });
  });
  expect_rooted(r);
}

GOTEST_NOINLINE root_outcome raw_interior_scenario(std::atomic<int>& dtors) {
  root_outcome r;
  std::uint64_t* member = call_noinline([&] { return &go::new_<Outer>(&dtors)->member; });
  for (int i = 0; i < 3; ++i) {
    collect();
    auto* o = reinterpret_cast<Outer*>(reinterpret_cast<char*>(member) - offsetof(Outer, member));
    if (*member == 0x1234 && o->canary == kMagic) ++r.survived;
  }
  gctest::keep(member);
  r.dtors_while_rooted = dtors.load();
  return r;
}

TEST(GcPointers, RawInteriorPointerOnTheStackKeepsTheObjectAlive) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  root_outcome r;
  run_plain([&] {
    r = raw_interior_scenario(dtors);
    collect();
    r.dtors_after_release = dtors.load();
  });
  expect_rooted(r);
}

// Cycles of every shape, each made only of objects with destructors.
GOTEST_NOINLINE int make_cycles(std::atomic<int>* dtors, go::ptr<CNode>* keep_one) {
  int count = 0;
  auto node = [&] {
    ++count;
    return go::new_<CNode>(dtors);
  };
  // A self-loop.
  {
    auto n = node();
    n->a = n;
  }
  // A two-cycle.
  {
    auto x = node(), y = node();
    x->a = y;
    y->a = x;
  }
  // A ring of 1000 with chords.
  for (int r = 0; r < 2; ++r) {
    auto first = node();
    auto prev = first;
    std::vector<go::ptr<CNode>> all{first};
    for (int i = 1; i < 1000; ++i) {
      auto n = node();
      prev->a = n;
      prev = n;
      all.push_back(n);
    }
    prev->a = first;
    for (std::size_t i = 0; i < all.size(); i += 7) all[i]->b = all[(i * 31) % all.size()];
    if (r == 1 && keep_one) *keep_one = all[500];
  }
  // A complete graph on 10 (edges through b chains of a).
  {
    std::vector<go::ptr<CNode>> k;
    for (int i = 0; i < 10; ++i) k.push_back(node());
    for (int i = 0; i < 10; ++i) {
      k[i]->a = k[(i + 1) % 10];
      k[i]->b = k[(i + 3) % 10];
    }
  }
  return count;
}

TEST(GcCycles, CyclesAreCollected) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  int made = 0, after_gc = -1;
  std::int64_t base = 0, after = 0;
  run_plain([&] {
    collect();
    base = live_objects();
    made = call_noinline([&] { return make_cycles(&dtors, nullptr); });
    collect();
    after_gc = dtors.load();
    after = live_objects() - base;
  });
  EXPECT_EQ(after_gc, made);
  EXPECT_EQ(after, 0);
}

TEST(GcCycles, AReachableCycleSurvivesAndIsCollectedWhenDropped) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  int made = 0, after_gc = -1, after_release = -1, ring_ok = 0;
  run_plain([&] {
    auto keep = std::make_unique<go::ptr<CNode>>();
    made = call_noinline([&] { return make_cycles(&dtors, keep.get()); });
    collect();
    collect();
    after_gc = dtors.load();
    ring_ok = call_noinline([&] {
      int ok = 0;
      CNode* n = keep->get();
      for (int i = 0; i < 1000; ++i, n = n->a.get())
        if (n->canary == kMagic) ++ok;
      return ok == 1000 && n == keep->get() ? 1 : 0;
    });
    call_noinline([&] { *keep = nullptr; });
    collect();
    after_release = dtors.load();
  });
  EXPECT_EQ(after_gc, made - 1000) << "everything but the kept ring is collected";
  EXPECT_EQ(ring_ok, 1);
  EXPECT_EQ(after_release, made);
}

// ---------------------------------------------------------------------------
// Roots
// ---------------------------------------------------------------------------

go::ptr<Tracked> g_namespace_root;  // namespace scope: registered at static initialisation

go::ptr<Tracked>& function_static_root() {
  static go::ptr<Tracked> p;
  return p;
}

thread_local go::ptr<Tracked> tl_root;

TEST(GcRoots, NamespaceScopeGlobal) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  root_outcome r;
  run_plain([&] {
    r = exercise_root(
        dtors, [&] { g_namespace_root = make_tracked(1, &dtors); },
        [&] { return g_namespace_root->ok(1); }, [&] { g_namespace_root = nullptr; });
  });
  expect_rooted(r);
}

TEST(GcRoots, FunctionStatic) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  root_outcome r;
  run_plain([&] {
    r = exercise_root(
        dtors, [&] { function_static_root() = make_tracked(2, &dtors); },
        [&] { return function_static_root()->ok(2); }, [&] { function_static_root() = nullptr; });
  });
  expect_rooted(r);
}

TEST(GcRoots, ThreadLocalOfAWorkerThread) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  root_outcome r;
  run_plain([&] {
    r = exercise_root(
        dtors, [&] { tl_root = make_tracked(3, &dtors); }, [&] { return tl_root->ok(3); },
        [&] { tl_root = nullptr; });
  });
  expect_rooted(r);
}

TEST(GcRoots, VectorElementAcrossReallocations) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  root_outcome r;
  run_plain([&] {
    std::vector<go::ptr<Tracked>> v;
    r = exercise_root(
        dtors,
        [&] {
          v.push_back(make_tracked(4, &dtors));
          // Grow: the element is copied to new buffers, the old ones freed.
          for (int i = 0; i < 1000; ++i) v.emplace_back();
          // Shift it to the middle.
          v.insert(v.begin(), 300, go::ptr<Tracked>());
        },
        [&] {
          // More reallocations between collections.
          for (int i = 0; i < 500; ++i) v.emplace_back();
          return v[300]->ok(4) && v.size() > 1000;
        },
        [&] {
          v.clear();
          v.shrink_to_fit();
        });
  });
  expect_rooted(r);
}

TEST(GcRoots, VectorOfStructsHoldingPtrs) {
  pacer_off off;
  struct rec {
    int k = 0;
    go::ptr<Tracked> p;
  };
  std::atomic<int>& dtors = gctest::fresh_counter();
  root_outcome r;
  run_plain([&] {
    auto v = std::make_unique<std::vector<rec>>();
    r = exercise_root(
        dtors,
        [&] {
          for (int i = 0; i < 100; ++i) v->push_back(rec{i, nullptr});
          (*v)[57].p = make_tracked(5, &dtors);
          v->reserve(10000);
        },
        [&] { return (*v)[57].p->ok(5); }, [&] { v.reset(); });
  });
  expect_rooted(r);
}

TEST(GcRoots, StdFunctionCaptureOnTheHeap) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  root_outcome r;
  run_plain([&] {
    std::function<bool()> f;
    r = exercise_root(
        dtors,
        [&] {
          // Too big for std::function's local buffer: the closure is on the C++ heap.
          std::array<std::uint64_t, 8> pad{};
          f = [p = make_tracked(6, &dtors), pad]() { return p->ok(6) && pad[7] == 0; };
        },
        [&] { return f(); }, [&] { f = nullptr; });
  });
  expect_rooted(r);
}

TEST(GcRoots, StdFunctionSmallCaptureInsideAHeapObject) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  root_outcome r;
  run_plain([&] {
    auto f = std::make_unique<std::function<bool()>>();
    r = exercise_root(
        dtors, [&] { *f = [p = make_tracked(7, &dtors)]() { return p->ok(7); }; },
        [&] { return (*f)(); }, [&] { f.reset(); });
  });
  expect_rooted(r);
}

TEST(GcRoots, UniquePtrOwnedStruct) {
  pacer_off off;
  struct holder {
    std::uint64_t x = 1;
    go::ptr<Tracked> p;
    std::uint64_t y = 2;
  };
  std::atomic<int>& dtors = gctest::fresh_counter();
  root_outcome r;
  run_plain([&] {
    std::unique_ptr<holder> h;
    r = exercise_root(
        dtors,
        [&] {
          h = std::make_unique<holder>();
          h->p = make_tracked(8, &dtors);
        },
        [&] { return h->p->ok(8) && h->x == 1 && h->y == 2; }, [&] { h.reset(); });
  });
  expect_rooted(r);
}

TEST(GcRoots, ExceptionObject) {
  pacer_off off;
  struct boom {
    go::ptr<Tracked> p;
  };
  std::atomic<int>& dtors = gctest::fresh_counter();
  root_outcome r;
  run_plain([&] {
    // Everything that touches the exception happens in frames that have
    // returned before the last collection.
    call_noinline([&] {
      try {
        call_noinline([&] { throw boom{make_tracked(9, &dtors)}; });
      } catch (const boom& b) {
        for (int i = 0; i < 3; ++i) {
          collect();
          if (call_noinline([&] { return b.p->ok(9); })) ++r.survived;
        }
        r.dtors_while_rooted = dtors.load();
      }
    });
    collect();
    r.dtors_after_release = dtors.load();
  });
  expect_rooted(r);
}

// A go::ptr to an object that is not on the GC heap: the collector ignores it.
TEST(GcRoots, PtrToANonHeapObjectIsIgnored) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  int survived = 0, dtors_in_scope = -1;
  run_plain([&] {
    {
      go::local<Tracked> obj(10, &dtors);
      auto keep = std::make_unique<go::ptr<Tracked>>(obj.ptr());
      for (int i = 0; i < 3; ++i) {
        collect();
        if ((*keep)->ok(10)) ++survived;
      }
      dtors_in_scope = dtors.load();
    }
    collect();
  });
  EXPECT_EQ(survived, 3);
  EXPECT_EQ(dtors_in_scope, 0) << "the collector must not destroy an object it does not own";
  EXPECT_EQ(dtors.load(), 1) << "go::local destroys its object once, at the end of its scope";
}

// go::local zeroes the object's memory before constructing it, as go::new_
// does: members a constructor leaves alone start at zero (Go's zero value).
struct zero_rest {
  explicit zero_rest(int i) : id(i) {}  // NOLINT(cppcoreguidelines-pro-type-member-init): the point of the test
  int id;
  long rest[4];
};

[[gnu::noinline]] long junk_on_the_stack() {
  volatile long junk[64];
  for (int i = 0; i < 64; ++i) junk[i] = 0x5a5a5a5a + i;
  return junk[9];
}

[[gnu::noinline]] long rest_of_fresh_local() {
  go::local<zero_rest> obj(3);
  return obj->id + obj->rest[0] + obj->rest[1] + obj->rest[2] + obj->rest[3];
}

TEST(GcRoots, LocalZeroesWhatTheConstructorLeaves) {
  junk_on_the_stack();
  EXPECT_EQ(rest_of_fresh_local(), 3);
}

// A raw pointer local of a plain function (the go::ptr that made it is gone).
// At -O2 it lives in a callee-saved register across the calls; the variant
// with a volatile slot keeps it in a stack slot (ASan's fake stack when
// detect_stack_use_after_return is on: see gc_fake_stack_test.cpp).
GOTEST_NOINLINE root_outcome raw_local_in_register(std::atomic<int>& dtors) {
  root_outcome r;
  Tracked* raw = make_tracked_raw(11, &dtors);
  for (int i = 0; i < 3; ++i) {
    collect();
    if (raw->ok(11)) ++r.survived;
  }
  gctest::keep(raw);
  r.dtors_while_rooted = dtors.load();
  return r;
}

GOTEST_NOINLINE root_outcome raw_local_in_stack_slot(std::atomic<int>& dtors) {
  root_outcome r;
  Tracked* volatile slot = make_tracked_raw(12, &dtors);
  for (int i = 0; i < 3; ++i) {
    collect();
    if (slot->ok(12)) ++r.survived;
  }
  r.dtors_while_rooted = dtors.load();
  slot = nullptr;
  return r;
}

TEST(GcRoots, RawPointerLocalOfAPlainFunction) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  root_outcome r;
  run_plain([&] {
    r = raw_local_in_register(dtors);
    collect();
    r.dtors_after_release = dtors.load();
  });
  expect_rooted(r);
}

TEST(GcRoots, RawPointerInAStackSlotOfAPlainFunction) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  root_outcome r;
  run_plain([&] {
    r = raw_local_in_stack_slot(dtors);
    collect();
    r.dtors_after_release = dtors.load();
  });
  expect_rooted(r);
}

// --- Goroutine frames and channels --------------------------------------------

struct frame_outcome {
  bool ok = false;
  int dtors_while_parked = -1;
  int dtors_after = -1;
};

// (a) A local go::ptr of a goroutine parked in a channel receive.
go::task<> ptr_holder(go::chan<int> sync, go::chan<int> go_on, std::atomic<int>* dtors, frame_outcome* out) {
  go::ptr<Tracked> p = make_tracked(21, dtors);
  co_await sync.send(0);
  co_await go_on.recv();  // parked here while main collects
  out->ok = p->ok(21);
  p = nullptr;
  co_await sync.send(0);
}

// (g) A raw pointer local of a goroutine's frame, held across a co_await.
go::task<> raw_holder(go::chan<int> sync, go::chan<int> go_on, std::atomic<int>* dtors, frame_outcome* out) {
  Tracked* raw = make_tracked_raw(22, dtors);
  co_await sync.send(0);
  co_await go_on.recv();
  out->ok = raw->ok(22);
  raw = nullptr;
  gctest::keep(raw);
  co_await sync.send(0);
}

using holder_fn = go::task<> (*)(go::chan<int>, go::chan<int>, std::atomic<int>*, frame_outcome*);

void run_frame_root(holder_fn fn, int procs, frame_outcome* out) {
  std::atomic<int>& dtors = gctest::fresh_counter();
  int rc = go::run(
      [&]() -> go::task<> {
        auto sync = go::make_chan<int>();
        auto go_on = go::make_chan<int>();
        go::spawn(fn, sync, go_on, &dtors, out);
        co_await sync.recv();
        co_await go::sleep(5ms);  // the holder parks in go_on.recv()
        for (int i = 0; i < 3; ++i) collect();
        out->dtors_while_parked = dtors.load();
        co_await go_on.send(1);
        co_await sync.recv();
        co_await go::sleep(5ms);  // the holder's frame is gone
        collect();
        out->dtors_after = dtors.load();
      },
      go::config{.maxprocs = procs});
  EXPECT_EQ(rc, 0);
}

class GcFrameRoots : public ::testing::TestWithParam<int> {};
INSTANTIATE_TEST_SUITE_P(Maxprocs, GcFrameRoots, ::testing::Values(1, 2), gotest::procs_name);

TEST_P(GcFrameRoots, LocalPtrOfAParkedGoroutine) {
  pacer_off off;
  frame_outcome o;
  run_frame_root(&ptr_holder, GetParam(), &o);
  EXPECT_TRUE(o.ok);
  EXPECT_EQ(o.dtors_while_parked, 0);
  EXPECT_EQ(o.dtors_after, 1);
}

TEST_P(GcFrameRoots, RawPointerInAGoroutineFrameAcrossCoAwait) {
  pacer_off off;
  frame_outcome o;
  run_frame_root(&raw_holder, GetParam(), &o);
  EXPECT_TRUE(o.ok);
  EXPECT_EQ(o.dtors_while_parked, 0);
  EXPECT_EQ(o.dtors_after, 1);
}

// (e) A value in a buffered channel, sent and not yet received.
go::task<> send_tracked(go::chan<go::ptr<Tracked>> ch, std::uint64_t v, std::atomic<int>* dtors) {
  co_await ch.send(make_tracked(v, dtors));
}
go::task<> recv_check(go::chan<go::ptr<Tracked>> ch, std::uint64_t v, bool* ok) {
  go::ptr<Tracked> p = co_await ch.recv();
  *ok = p && p->ok(v);
}

// The same, each in a goroutine of its own that ends before they return: a
// task awaited at once may have its frame elided into the caller's (CoroElide
// at -O2), where a stale copy of the value would outlive the operation.
go::task<> send_in_goroutine(go::chan<go::ptr<Tracked>> ch, std::uint64_t v, std::atomic<int>* dtors) {
  auto done = go::make_chan<int>();
  go::spawn(
      [](go::chan<go::ptr<Tracked>> ch, std::uint64_t v, std::atomic<int>* dtors, go::chan<int> done) -> go::task<> {
        co_await send_tracked(ch, v, dtors);
        co_await done.send(1);
      },
      ch, v, dtors, done);
  co_await done.recv();
  co_await go::sleep(1ms);  // the goroutine has ended
}
go::task<> recv_in_goroutine(go::chan<go::ptr<Tracked>> ch, std::uint64_t v, bool* ok) {
  auto done = go::make_chan<int>();
  go::spawn(
      [](go::chan<go::ptr<Tracked>> ch, std::uint64_t v, bool* ok, go::chan<int> done) -> go::task<> {
        co_await recv_check(ch, v, ok);
        co_await done.send(1);
      },
      ch, v, ok, done);
  co_await done.recv();
  co_await go::sleep(1ms);
}

TEST(GcChanRoots, ValueInABufferedChannel) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  std::atomic<int>& other = gctest::fresh_counter();
  bool ok = false;
  bool dummy = false;  // out here, like ok: recv_in_goroutine's goroutine writes it
  std::size_t len = 0;
  int while_buffered = -1, after = -1, other_after = -1;
  int rc = go::run(
      [&]() -> go::task<> {
        auto ch = go::make_chan<go::ptr<Tracked>>(4);
        // Move the ring's indices around first.
        for (int i = 0; i < 6; ++i) {
          co_await send_in_goroutine(ch, 100 + i, &other);
          co_await recv_in_goroutine(ch, 100 + i, &dummy);
        }
        co_await send_in_goroutine(ch, 31, &dtors);
        len = ch.len();
        for (int i = 0; i < 3; ++i) collect();
        while_buffered = dtors.load();
        co_await recv_in_goroutine(ch, 31, &ok);
        collect();
        after = dtors.load();
        other_after = other.load();
      },
      one_proc());
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(len, 1u);
  EXPECT_TRUE(ok);
  EXPECT_EQ(while_buffered, 0);
  EXPECT_EQ(after, 1) << "a received value must not stay alive in the channel's buffer";
  EXPECT_EQ(other_after, 6);
}

// (f) A value held by a sender parked on an unbuffered channel.
TEST(GcChanRoots, ValueHeldByABlockedSender) {
  pacer_off off;
  std::atomic<int>& dtors = gctest::fresh_counter();
  bool ok = false;
  int while_blocked = -1, after = -1;
  int rc = go::run(
      [&]() -> go::task<> {
        auto ch = go::make_chan<go::ptr<Tracked>>();
        auto done = go::make_chan<int>(1);
        go::spawn(
            [](go::chan<go::ptr<Tracked>> ch, go::chan<int> done, std::atomic<int>* d) -> go::task<> {
              co_await send_tracked(ch, 32, d);
              co_await done.send(1);
            },
            ch, done, &dtors);
        co_await go::sleep(10ms);  // the sender parks in send
        for (int i = 0; i < 3; ++i) collect();
        while_blocked = dtors.load();
        co_await recv_in_goroutine(ch, 32, &ok);
        co_await done.recv();
        co_await go::sleep(5ms);
        collect();
        after = dtors.load();
      },
      one_proc());
  EXPECT_EQ(rc, 0);
  EXPECT_TRUE(ok);
  EXPECT_EQ(while_blocked, 0);
  EXPECT_EQ(after, 1);
}

// --- Plain std::threads -------------------------------------------------------

// A plain thread holds the only reference on its stack (a go::ptr, a raw
// pointer, or its thread_local) and sleeps while a goroutine collects.
enum class thread_hold { ptr_local, raw_local, thread_local_ptr, copy_of_foreign };

struct thread_outcome {
  int survived = 0;
  int dtors_while_sleeping = -1;
  int dtors_after = -1;
};

struct thread_sync {
  std::atomic<int> phase{0};  // 1: holding; 2: main collected; 3: released
  void wait_for(int p) {
    while (phase.load() < p) std::this_thread::sleep_for(1ms);
  }
};

GOTEST_NOINLINE bool thread_holds(thread_hold how, std::atomic<int>* dtors, thread_sync* s,
                                  go::ptr<Tracked>* foreign) {
  bool ok = false;
  switch (how) {
    case thread_hold::ptr_local: {
      go::ptr<Tracked> p = make_tracked(41, dtors);
      s->phase = 1;
      s->wait_for(2);  // sleeps
      ok = p->ok(41);
      break;
    }
    case thread_hold::raw_local: {
      Tracked* raw = make_tracked_raw(42, dtors);
      s->phase = 1;
      s->wait_for(2);
      ok = raw->ok(42);
      gctest::keep(raw);
      break;
    }
    case thread_hold::thread_local_ptr: {
      call_noinline([&] { tl_root = make_tracked(43, dtors); });
      s->phase = 1;
      s->wait_for(2);
      ok = tl_root->ok(43);
      tl_root = nullptr;
      break;
    }
    case thread_hold::copy_of_foreign: {
      // This thread never allocated: it only copies a handle made elsewhere.
      go::ptr<Tracked> p = *foreign;
      s->phase = 1;
      s->wait_for(2);
      ok = p->ok(44);
      break;
    }
  }
  return ok;
}

GOTEST_NOINLINE void make_foreign(go::ptr<Tracked>* slot, std::atomic<int>* dtors) { *slot = make_tracked(44, dtors); }
GOTEST_NOINLINE void clear_foreign(go::ptr<Tracked>* slot) { *slot = nullptr; }

void run_thread_root(thread_hold how, thread_outcome* out) {
  std::atomic<int>& dtors = gctest::fresh_counter();
  thread_sync s;
  bool ok = false;
  auto foreign = std::make_unique<go::ptr<Tracked>>();
  if (how == thread_hold::copy_of_foreign) run_plain([&] { make_foreign(foreign.get(), &dtors); });
  std::thread t([&] {
    ok = thread_holds(how, &dtors, &s, foreign.get());
    gctest::scrub_stack();
    s.phase = 3;
    s.wait_for(4);  // stay alive (and sleeping) until main has collected again
  });
  int rc = go::run(
      [&]() -> go::task<> {
        co_await gotest::eventually([&] { return s.phase.load() >= 1; });
        if (how == thread_hold::copy_of_foreign) call_noinline([&] { clear_foreign(foreign.get()); });
        co_await go::sleep(5ms);
        for (int i = 0; i < 3; ++i) collect();
        out->dtors_while_sleeping = dtors.load();
        s.phase = 2;
        co_await gotest::eventually([&] { return s.phase.load() >= 3; });
        collect();
        out->dtors_after = dtors.load();
        s.phase = 4;
      },
      one_proc());
  EXPECT_EQ(rc, 0);
  t.join();
  out->survived = ok ? 1 : 0;
}

// The object held only by the sleeping thread survives every collection and
// is freed once the thread dropped it.
void expect_thread_root(thread_hold how) {
  pacer_off off;
  thread_outcome o;
  run_thread_root(how, &o);
  EXPECT_EQ(o.survived, 1);
  EXPECT_EQ(o.dtors_while_sleeping, 0);
  if (gctest::exact_free_of_sleeping_threads) EXPECT_EQ(o.dtors_after, 1);
  else EXPECT_LE(o.dtors_after, 1);
}

TEST(GcThreadRoots, PtrOnASleepingPlainThreadsStack) { expect_thread_root(thread_hold::ptr_local); }
TEST(GcThreadRoots, RawPointerOnASleepingPlainThreadsStack) { expect_thread_root(thread_hold::raw_local); }
TEST(GcThreadRoots, ThreadLocalOfASleepingPlainThread) { expect_thread_root(thread_hold::thread_local_ptr); }
TEST(GcThreadRoots, CopyOnAPlainThreadThatNeverAllocated) { expect_thread_root(thread_hold::copy_of_foreign); }

// ---------------------------------------------------------------------------
// Settings and statistics
// ---------------------------------------------------------------------------

TEST(GcSettings, SetGcPercentReturnsThePreviousValue) {
  gctest::gc_settings_guard guard;
  std::int64_t initial = go::set_gc_percent(50);
  EXPECT_EQ(go::mem_stats().gc_percent, 50);
  EXPECT_EQ(go::set_gc_percent(77), 50);
  EXPECT_EQ(go::set_gc_percent(-1), 77);
  EXPECT_LT(go::mem_stats().gc_percent, 0);
  EXPECT_LT(go::set_gc_percent(initial), 0);
  EXPECT_EQ(go::mem_stats().gc_percent, initial);
}

TEST(GcSettings, SetMemoryLimitReturnsThePreviousValueAndNegativeOnlyReads) {
  gctest::gc_settings_guard guard;
  std::int64_t initial = go::set_memory_limit(-1);
  EXPECT_EQ(go::set_memory_limit(-1), initial) << "a negative value only reads";
  EXPECT_EQ(go::set_memory_limit(1LL << 40), initial);
  EXPECT_EQ(go::mem_stats().memory_limit, 1LL << 40);
  EXPECT_EQ(go::set_memory_limit(-5), 1LL << 40);
  EXPECT_EQ(go::set_memory_limit(initial), 1LL << 40);
}

// `total` bytes of 4 KiB garbage.
GOTEST_NOINLINE void allocate_garbage_bytes(std::size_t total) {
  struct chunk {
    std::uint64_t w[512];
  };
  static_assert(sizeof(chunk) == 4096);
  for (std::size_t done = 0; done < total; done += sizeof(chunk)) go::new_<chunk>();
}

// GOGC=off: no pacer cycles however much is allocated; go::gc() still works.
TEST(GcSettings, NegativePercentMeansNoPacerCycles) {
  gctest::gc_settings_guard guard;
  std::uint32_t before = 0, after_alloc = 0, after_gc = 0;
  std::uint64_t frees_before = 0, frees_after_alloc = 0, heap_grown = 0;
  bool pacer_ran_later = false;
  run_plain([&] {
    go::set_gc_percent(-1);
    collect();  // finishes any cycle in flight
    auto s0 = go::mem_stats();
    before = s0.num_gc;
    frees_before = s0.frees;
    call_noinline([] { allocate_garbage_bytes(64u << 20); });
    std::this_thread::sleep_for(50ms);
    auto s1 = go::mem_stats();
    after_alloc = s1.num_gc;
    frees_after_alloc = s1.frees;
    heap_grown = s1.heap_alloc - s0.heap_alloc;
    collect();
    after_gc = go::mem_stats().num_gc;
    // With the pacer back on, the same allocations start cycles by themselves.
    go::set_gc_percent(100);
    std::uint32_t n0 = go::mem_stats().num_gc;
    call_noinline([] { allocate_garbage_bytes(64u << 20); });
    auto deadline = gotest::clk::now() + 5s;
    while (gotest::clk::now() < deadline && !pacer_ran_later) {
      pacer_ran_later = go::mem_stats().num_gc > n0;
      std::this_thread::sleep_for(1ms);
    }
  });
  EXPECT_EQ(after_alloc, before) << "a cycle ran with gc_percent < 0";
  EXPECT_EQ(frees_after_alloc, frees_before);
  EXPECT_GE(heap_grown, 64u << 20);
  EXPECT_EQ(after_gc, before + 1) << "go::gc() runs exactly one cycle";
  EXPECT_TRUE(pacer_ran_later) << "no pacer cycle after 64 MiB of garbage with gc_percent = 100";
}

struct Kept48 {
  std::uint64_t w[6];
};

GOTEST_NOINLINE void keep_n(std::vector<go::ptr<Kept48>>* v, int n) {
  for (int i = 0; i < n; ++i) v->push_back(go::new_<Kept48>());
}

TEST(GcStats, FieldsMoveAsDocumented) {
  pacer_off off;
  constexpr int n = 1000;
  go::mem_stats_t s0, s1, s2, s3;
  run_plain([&] {
    collect();
    s0 = go::mem_stats();
    auto v = std::make_unique<std::vector<go::ptr<Kept48>>>();
    v->reserve(n);
    call_noinline([&] { keep_n(v.get(), n); });
    s1 = go::mem_stats();
    std::this_thread::sleep_for(2ms);
    collect();
    s2 = go::mem_stats();
    call_noinline([&] { v.reset(); });
    collect();
    s3 = go::mem_stats();
  });
  const std::uint64_t lo = n * sizeof(Kept48), hi = n * go::detail::gc_round_size(sizeof(Kept48));
  // Allocation.
  EXPECT_EQ(s1.mallocs - s0.mallocs, static_cast<std::uint64_t>(n));
  EXPECT_EQ(s1.heap_objects - s0.heap_objects, static_cast<std::uint64_t>(n));
  EXPECT_GE(s1.total_alloc - s0.total_alloc, lo);
  EXPECT_LE(s1.total_alloc - s0.total_alloc, hi);
  EXPECT_GE(s1.heap_alloc - s0.heap_alloc, lo);
  EXPECT_LE(s1.heap_alloc - s0.heap_alloc, hi);
  EXPECT_EQ(s1.frees, s0.frees);
  EXPECT_EQ(s1.num_gc, s0.num_gc);
  EXPECT_GE(s1.heap_sys, s1.heap_alloc);
  // A cycle with everything still live.
  EXPECT_EQ(s2.num_gc, s1.num_gc + 1);
  EXPECT_EQ(s2.num_forced_gc, s1.num_forced_gc + 1);
  EXPECT_GT(s2.pause_total_ns, s1.pause_total_ns);
  EXPECT_GT(s2.num_pauses, s1.num_pauses);
  EXPECT_GT(s2.pause_ns[(s2.num_pauses + 255) % 256], 0u);
  EXPECT_LE(s2.pause_ns[(s2.num_pauses + 255) % 256], s2.pause_total_ns - s1.pause_total_ns);
  EXPECT_GT(s2.next_gc, 0u);
  EXPECT_GT(s2.last_gc_ns, s1.last_gc_ns);
  EXPECT_EQ(s2.frees, s1.frees);
  EXPECT_EQ(s2.heap_objects, s1.heap_objects);
  EXPECT_EQ(s2.mallocs, s1.mallocs);
  EXPECT_EQ(s2.total_alloc, s1.total_alloc);
  // A cycle that frees them.
  EXPECT_EQ(s3.num_gc, s2.num_gc + 1);
  EXPECT_EQ(s3.frees - s2.frees, static_cast<std::uint64_t>(n));
  EXPECT_EQ(s3.heap_objects, s0.heap_objects);
  EXPECT_EQ(s3.heap_alloc, s0.heap_alloc);
  EXPECT_EQ(s3.total_alloc, s1.total_alloc) << "total_alloc is cumulative";
  EXPECT_GE(s3.last_gc_ns, s2.last_gc_ns);
  EXPECT_LT(s3.gc_percent, 0);
}

// next_gc follows gc_percent: the live heap grown by gc_percent %.
// Goroutine frames live on the GC heap and are counted apart from objects.
TEST(GcStats, FramesCountParkedGoroutines) {
  constexpr int n = 100;
  std::uint64_t before = 0, parked = 0, after = 0;
  int rc = go::run(
      [&]() -> go::task<> {
        before = go::mem_stats().frames;
        auto gate = go::make_chan<go::unit>();
        auto done = go::make_chan<go::unit>(n);
        for (int i = 0; i < n; ++i)
          go::spawn([](go::chan<go::unit> g, go::chan<go::unit> d) -> go::task<> {
            co_await g.recv();
            co_await d.send(go::unit{});
          }, gate, done);
        co_await go::sleep(5ms);
        parked = go::mem_stats().frames;
        gate.close();
        for (int i = 0; i < n; ++i) co_await done.recv();
        co_await go::sleep(5ms);  // let the goroutines' last frames be freed
        after = go::mem_stats().frames;
      },
      one_proc());
  EXPECT_EQ(rc, 0);
  EXPECT_GE(parked, before + n) << "each parked goroutine holds at least one frame";
  EXPECT_LE(after, before + 2) << "the frames went back when the goroutines ended";
}

TEST(GcStats, NextGcFollowsGcPercent) {
  gctest::gc_settings_guard guard;
  struct chunk {
    std::uint64_t w[512];
  };
  std::uint64_t live50 = 0, next50 = 0, live200 = 0, next200 = 0;
  run_plain([&] {
    go::set_gc_percent(-1);
    auto v = std::make_unique<std::vector<go::ptr<chunk>>>();
    call_noinline([&] {
      for (int i = 0; i < 4096; ++i) v->push_back(go::new_<chunk>());  // 16 MiB live
    });
    go::set_gc_percent(50);
    collect();
    auto s = go::mem_stats();
    live50 = s.heap_alloc;
    next50 = s.next_gc;
    go::set_gc_percent(200);
    collect();
    s = go::mem_stats();
    live200 = s.heap_alloc;
    next200 = s.next_gc;
    go::set_gc_percent(-1);
  });
  EXPECT_GE(live50, 16u << 20);
  EXPECT_NEAR(static_cast<double>(next50), static_cast<double>(live50) * 1.5, static_cast<double>(live50) * 0.1);
  EXPECT_NEAR(static_cast<double>(next200), static_cast<double>(live200) * 3.0, static_cast<double>(live200) * 0.1);
}

}  // namespace
