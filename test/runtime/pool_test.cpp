// Tests for go::pool (Go's sync.Pool).
//
// Inside a goroutine only EXPECT_* is used (ASSERT_* returns, which a
// coroutine may not do).

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "sched_test_support.hpp"

using gotest::scaled;

namespace {

// Turns the pacer off for a test, so that the only cycles are the test's
// own go::gc() calls.
struct no_background_gc {
  std::int64_t before = go::set_gc_percent(-1);
  ~no_background_gc() { go::set_gc_percent(before); }
};

TEST(Pool, GetWithoutNewReturnsTheZeroValue) {
  go::run([]() -> go::task<> {
    go::pool<int> ints;
    EXPECT_EQ(ints.get(), 0);
    go::pool<go::ptr<int>> ptrs;
    EXPECT_TRUE(ptrs.get() == nullptr);
    go::pool<std::unique_ptr<std::string>> owned;
    EXPECT_EQ(owned.get(), nullptr);
    co_return;
  });
}

TEST(Pool, GetCallsNewWhenEmpty) {
  int made = 0;
  go::run([&]() -> go::task<> {
    go::pool<std::vector<char>> bufs([&made] {
      ++made;
      return std::vector<char>(128, 'x');
    });
    auto a = bufs.get();
    auto b = bufs.get();
    EXPECT_EQ(a.size(), 128u);
    EXPECT_EQ(b.size(), 128u);
    co_return;
  });
  EXPECT_EQ(made, 2);
}

TEST(Pool, PutThenGetReusesTheValue) {
  no_background_gc quiet;
  int made = 0;
  bool same_storage = false, same_object = false;
  go::run([&]() -> go::task<> {
    go::pool<std::vector<char>> bufs([&made] {
      ++made;
      return std::vector<char>();
    });
    std::vector<char> b = bufs.get();
    b.reserve(4096);
    const char* storage = b.data();
    bufs.put(std::move(b));
    std::vector<char> again = bufs.get();
    same_storage = again.data() == storage && again.capacity() >= 4096;

    go::pool<go::ptr<int>> ptrs([] { return go::new_<int>(0); });
    go::ptr<int> p = go::new_<int>(42);
    ptrs.put(p);
    same_object = ptrs.get() == p;
    co_return;
  });
  EXPECT_EQ(made, 1);
  EXPECT_TRUE(same_storage);
  EXPECT_TRUE(same_object);
}

TEST(Pool, PutOfANilHandleIsIgnored) {
  int made = 0;
  go::run([&]() -> go::task<> {
    go::pool<go::ptr<int>> ptrs([&made] {
      ++made;
      return go::new_<int>(7);
    });
    ptrs.put(nullptr);
    go::ptr<int> p = ptrs.get();
    EXPECT_TRUE(p != nullptr && *p == 7);
    co_return;
  });
  EXPECT_EQ(made, 1);
}

TEST(Pool, AValueSurvivesOneCycleAndIsDroppedAtTheSecond) {
  // Go's victim cache: poolCleanup moves the values to the victims at one
  // GC and drops them at the next.
  no_background_gc quiet;
  bool after_one = false, after_two_is_new = false, pooled_ptr_alive = false;
  go::run([&]() -> go::task<> {
    go::pool<std::unique_ptr<int>> p([] { return std::make_unique<int>(-1); });
    p.put(std::make_unique<int>(1));
    go::gc();
    std::unique_ptr<int> x = p.get();
    after_one = x && *x == 1;
    p.put(std::move(x));
    go::gc();
    go::gc();
    std::unique_ptr<int> y = p.get();
    after_two_is_new = y && *y == -1;

    // A pooled handle keeps its object alive while it is pooled.
    go::pool<go::ptr<std::string>> strs;
    strs.put(go::new_<std::string>(200, 'z'));
    go::gc();
    go::ptr<std::string> s = strs.get();
    pooled_ptr_alive = s != nullptr && *s == std::string(200, 'z');
    co_return;
  });
  EXPECT_TRUE(after_one) << "the victim cache lost a value after one cycle";
  EXPECT_TRUE(after_two_is_new) << "a value survived two cycles";
  EXPECT_TRUE(pooled_ptr_alive);
}

TEST(Pool, WorksOutsideGoroutines) {
  go::pool<std::string> p([] { return std::string("new"); });
  p.put("pooled");
  EXPECT_EQ(p.get(), "pooled");
  EXPECT_EQ(p.get(), "new");
}

TEST(Pool, ConcurrentGetAndPutNeverShareAValue) {
  // Every value carries an owner mark: a value handed to two goroutines at
  // once would be seen marked.
  struct item {
    std::atomic<int> owners{0};
    int id = 0;
  };
  constexpr int kGoroutines = 8;
  const long kIters = scaled(3000, 300);
  std::atomic<int> made{0}, shared{0};
  std::atomic<long> reused{0};
  go::run(
      [&]() -> go::task<> {
        go::pool<std::shared_ptr<item>> p([&made] {
          auto it = std::make_shared<item>();
          it->id = made.fetch_add(1);
          return it;
        });
        go::wait_group wg;
        wg.add(kGoroutines);
        for (int g = 0; g < kGoroutines; ++g) {
          go::spawn([&]() -> go::task<> {
            for (long i = 0; i < kIters; ++i) {
              std::shared_ptr<item> it = p.get();
              if (it->owners.fetch_add(1) != 0) shared.fetch_add(1);
              if (it.use_count() > 1) shared.fetch_add(1);
              if (i % 16 == 0) co_await go::yield();
              it->owners.fetch_sub(1);
              p.put(std::move(it));
            }
            wg.done();
          });
        }
        co_await wg.wait();
        reused = kGoroutines * kIters - made.load();
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(shared.load(), 0);
  EXPECT_GT(reused.load(), 0);
  EXPECT_LE(made.load(), kGoroutines * kIters);
}

TEST(Pool, GoroutinesOnOtherPsFindPutValues) {
  // A value put on one P is found by a get on any P (stealing), before new
  // is called.
  no_background_gc quiet;
  int made = 0;
  int found = 0;
  go::run(
      [&]() -> go::task<> {
        go::pool<std::unique_ptr<int>> p([&made] {
          ++made;
          return std::make_unique<int>(-1);
        });
        for (int i = 0; i < 16; ++i) p.put(std::make_unique<int>(i));
        for (int g = 0; g < 4; ++g) {
          go::wait_group wg;
          wg.add(1);
          go::spawn([&p, &found, &wg]() -> go::task<> {
            for (int i = 0; i < 4; ++i) {
              auto v = p.get();
              if (*v >= 0) ++found;  // single writer at a time: see below
              co_await go::yield();
            }
            wg.done();
          });
          co_await wg.wait();  // one goroutine at a time, on whichever P
        }
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(found, 16);
  EXPECT_EQ(made, 0);
}

}  // namespace
