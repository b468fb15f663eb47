// Tests for go::sync_map (Go's sync.Map).
//
// Inside a goroutine only EXPECT_* is used (ASSERT_* returns, which a
// coroutine may not do).

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sched_test_support.hpp"

using gotest::scaled;

namespace {

using smap = go::sync_map<std::string, int>;

std::map<std::string, int> contents(const smap& m) {
  std::map<std::string, int> out;
  m.range([&](const std::string& k, int v) {
    EXPECT_TRUE(out.emplace(k, v).second) << "key visited twice: " << k;
    return true;
  });
  return out;
}

TEST(SyncMap, LoadStoreDelete) {
  smap m;
  EXPECT_EQ(m.load("a"), std::nullopt);
  m.store("a", 1);
  EXPECT_EQ(m.load("a"), 1);
  m.store("a", 2);
  EXPECT_EQ(m.load("a"), 2);
  m.erase("a");
  EXPECT_EQ(m.load("a"), std::nullopt);
  m.erase("never there");
  m.store("a", 3);
  EXPECT_EQ(m.load("a"), 3);
}

TEST(SyncMap, Swap) {
  smap m;
  EXPECT_EQ(m.swap("k", 1), std::nullopt);
  EXPECT_EQ(m.swap("k", 2), 1);
  EXPECT_EQ(m.load("k"), 2);
  m.erase("k");
  EXPECT_EQ(m.swap("k", 3), std::nullopt);  // deleted: no previous value
  EXPECT_EQ(m.load("k"), 3);
}

TEST(SyncMap, LoadOrStore) {
  smap m;
  auto [v1, loaded1] = m.load_or_store("k", 1);
  EXPECT_EQ(v1, 1);
  EXPECT_FALSE(loaded1);
  auto [v2, loaded2] = m.load_or_store("k", 2);
  EXPECT_EQ(v2, 1);
  EXPECT_TRUE(loaded2);
  m.erase("k");
  auto [v3, loaded3] = m.load_or_store("k", 3);
  EXPECT_EQ(v3, 3);
  EXPECT_FALSE(loaded3);
}

TEST(SyncMap, LoadAndDelete) {
  smap m;
  EXPECT_EQ(m.load_and_delete("k"), std::nullopt);
  m.store("k", 7);
  EXPECT_EQ(m.load_and_delete("k"), 7);
  EXPECT_EQ(m.load_and_delete("k"), std::nullopt);
  EXPECT_EQ(m.load("k"), std::nullopt);
}

TEST(SyncMap, CompareAndSwap) {
  smap m;
  EXPECT_FALSE(m.compare_and_swap("k", 0, 1));  // no key
  m.store("k", 1);
  EXPECT_FALSE(m.compare_and_swap("k", 2, 3));
  EXPECT_EQ(m.load("k"), 1);
  EXPECT_TRUE(m.compare_and_swap("k", 1, 3));
  EXPECT_EQ(m.load("k"), 3);
  m.erase("k");
  EXPECT_FALSE(m.compare_and_swap("k", 3, 4));  // deleted
  EXPECT_EQ(m.load("k"), std::nullopt);
}

TEST(SyncMap, CompareAndDelete) {
  smap m;
  EXPECT_FALSE(m.compare_and_delete("k", 1));
  m.store("k", 1);
  EXPECT_FALSE(m.compare_and_delete("k", 2));
  EXPECT_EQ(m.load("k"), 1);
  EXPECT_TRUE(m.compare_and_delete("k", 1));
  EXPECT_EQ(m.load("k"), std::nullopt);
  EXPECT_FALSE(m.compare_and_delete("k", 1));
}

TEST(SyncMap, RangeVisitsEveryKeyOnceAndStopsOnFalse) {
  smap m;
  for (int i = 0; i < 100; ++i) m.store(std::to_string(i), i);
  m.erase("50");
  auto all = contents(m);
  EXPECT_EQ(all.size(), 99u);
  for (const auto& [k, v] : all) EXPECT_EQ(k, std::to_string(v));
  int visited = 0;
  m.range([&](const std::string&, int) { return ++visited < 10; });
  EXPECT_EQ(visited, 10);
}

TEST(SyncMap, RangeMayCallTheMap) {
  smap m;
  for (int i = 0; i < 20; ++i) m.store(std::to_string(i), i);
  m.range([&](const std::string& k, int v) {
    if (v % 2 == 0)
      m.erase(k);
    else
      m.store(k, v * 10);
    m.load_or_store("new" + k, v);
    return true;
  });
  for (int i = 0; i < 20; ++i) {
    auto v = m.load(std::to_string(i));
    if (i % 2 == 0)
      EXPECT_EQ(v, std::nullopt);
    else
      EXPECT_EQ(v, i * 10);
    EXPECT_EQ(m.load("new" + std::to_string(i)), i);
  }
}

TEST(SyncMap, Clear) {
  smap m;
  m.clear();
  for (int i = 0; i < 10; ++i) m.store(std::to_string(i), i);
  (void)contents(m);  // promote: the keys are in the read map
  m.store("dirty", 1);
  m.clear();
  EXPECT_TRUE(contents(m).empty());
  EXPECT_EQ(m.load("3"), std::nullopt);
  EXPECT_EQ(m.load("dirty"), std::nullopt);
  m.store("3", 33);
  EXPECT_EQ(m.load("3"), 33);
}

TEST(SyncMap, DeletedKeysSurvivePromotionAndComeBack) {
  // The expunged path: a key deleted while in the read map is left out of
  // the next dirty map, and a store to it must put it back there.
  smap m;
  m.store("a", 1);
  m.store("b", 2);
  (void)contents(m);  // promote: a and b are read-only entries now
  m.erase("a");       // a: deleted in place
  m.store("c", 3);    // a fresh dirty map: a is expunged
  EXPECT_EQ(m.load("a"), std::nullopt);
  m.store("a", 4);  // unexpunge
  EXPECT_EQ(m.load("a"), 4);
  auto all = contents(m);  // promote again: a must be in the new read map
  EXPECT_EQ(all, (std::map<std::string, int>{{"a", 4}, {"b", 2}, {"c", 3}}));
  m.erase("b");
  m.store("d", 5);  // b expunged
  auto [v, loaded] = m.load_or_store("b", 6);
  EXPECT_FALSE(loaded);
  EXPECT_EQ(v, 6);
  EXPECT_EQ(m.swap("b", 7), 6);
  for (int i = 0; i < 10; ++i) (void)m.load("d");  // misses promote the dirty map
  EXPECT_EQ(contents(m), (std::map<std::string, int>{{"a", 4}, {"b", 7}, {"c", 3}, {"d", 5}}));
}

TEST(SyncMap, MissesPromoteTheDirtyMap) {
  smap m;
  for (int i = 0; i < 50; ++i) m.store(std::to_string(i), i);
  // Every load misses the (empty) read map; after as many misses as the
  // dirty map has keys it is promoted, and the loads still find everything.
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 50; ++i) EXPECT_EQ(m.load(std::to_string(i)), i);
  for (int i = 0; i < 50; i += 2) m.erase(std::to_string(i));
  m.store("x", -1);
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 50; ++i) {
      if (i % 2 == 0)
        EXPECT_EQ(m.load(std::to_string(i)), std::nullopt);
      else
        EXPECT_EQ(m.load(std::to_string(i)), i);
    }
  EXPECT_EQ(contents(m).size(), 26u);
}

TEST(SyncMap, GoHandlesAsKeysAndValuesStayAlive) {
  struct node {
    int v;
  };
  go::run([]() -> go::task<> {
    go::sync_map<int, go::ptr<node>> m;
    for (int i = 0; i < 200; ++i) m.store(i, go::new_<node>(node{i}));
    go::gc();
    go::gc();
    for (int i = 0; i < 200; ++i) {
      auto p = m.load(i);
      EXPECT_TRUE(p.has_value() && *p != nullptr && (*p)->v == i);
    }
    (void)m.swap(5, go::new_<node>(node{500}));
    go::gc();
    EXPECT_EQ((*m.load(5))->v, 500);
    co_return;
  });
}

TEST(SyncMap, ConcurrentGoroutinesOnSeveralPs) {
  constexpr int kGoroutines = 8;
  const int kKeys = static_cast<int>(scaled(400, 50));
  const int kShared = 64;
  std::atomic<int> stored_first{0};
  std::atomic<int> bad{0};
  std::map<std::string, int> final_contents;
  go::run(
      [&]() -> go::task<> {
        go::sync_map<std::string, int> m;
        go::wait_group wg;
        wg.add(kGoroutines);
        for (int gi = 0; gi < kGoroutines; ++gi) {
          go::spawn(
              [&](int id) -> go::task<> {
                const std::string prefix = "g" + std::to_string(id) + ":";
                for (int i = 0; i < kKeys; ++i) {
                  const std::string k = prefix + std::to_string(i);
                  m.store(k, i);
                  if (m.load(k) != i) bad.fetch_add(1);
                  if (i % 3 == 0) {
                    if (m.load_and_delete(k) != i) bad.fetch_add(1);
                    if (m.load(k).has_value()) bad.fetch_add(1);
                  } else if (i % 3 == 1) {
                    if (!m.compare_and_swap(k, i, i + 1)) bad.fetch_add(1);
                  }
                  // Everybody races on the shared keys: exactly one store wins each.
                  auto [v, loaded] = m.load_or_store("shared" + std::to_string(i % kShared), id);
                  if (!loaded) stored_first.fetch_add(1);
                  if (v < 0 || v >= kGoroutines) bad.fetch_add(1);
                  if (i % 16 == 0) co_await go::yield();
                }
                wg.done();
              },
              gi);
        }
        co_await wg.wait();
        m.range([&](const std::string& k, int v) {
          final_contents.emplace(k, v);
          return true;
        });
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(stored_first.load(), kShared);
  // Each goroutine's keys: i % 3 == 0 deleted, == 1 incremented, == 2 as stored.
  std::size_t own = 0;
  for (int gi = 0; gi < kGoroutines; ++gi) {
    for (int i = 0; i < kKeys; ++i) {
      auto it = final_contents.find("g" + std::to_string(gi) + ":" + std::to_string(i));
      if (i % 3 == 0) {
        EXPECT_TRUE(it == final_contents.end());
      } else {
        ++own;
        ASSERT_TRUE(it != final_contents.end()) << gi << ":" << i;
        EXPECT_EQ(it->second, i % 3 == 1 ? i + 1 : i);
      }
    }
  }
  EXPECT_EQ(final_contents.size(), own + kShared);
}

TEST(SyncMap, CompareAndSwapCounter) {
  constexpr int kGoroutines = 6;
  const int kIncrements = static_cast<int>(scaled(500, 50));
  std::optional<int> total;
  go::run(
      [&]() -> go::task<> {
        go::sync_map<int, int> m;
        m.store(0, 0);
        go::wait_group wg;
        wg.add(kGoroutines);
        for (int gi = 0; gi < kGoroutines; ++gi) {
          go::spawn([&]() -> go::task<> {
            for (int i = 0; i < kIncrements; ++i) {
              for (;;) {
                int cur = *m.load(0);
                if (m.compare_and_swap(0, cur, cur + 1)) break;
              }
              if (i % 32 == 0) co_await go::yield();
            }
            wg.done();
          });
        }
        co_await wg.wait();
        total = m.load(0);
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(total, kGoroutines * kIncrements);
}

TEST(SyncMap, RangeDuringConcurrentStores) {
  // A range sees every key stored before it began (and not deleted), each
  // at most once, with a value some store put there.
  const int kKeys = static_cast<int>(scaled(3000, 300));
  std::atomic<int> bad{0}, ranges{0};
  go::run(
      [&]() -> go::task<> {
        go::sync_map<int, int> m;
        std::atomic<int> stored{0};  // keys [0, stored) are in the map
        std::atomic<bool> writer_done{false};
        go::wait_group wg;
        wg.add(3);
        go::spawn([&]() -> go::task<> {
          for (int i = 0; i < kKeys; ++i) {
            m.store(i, i * 2);
            stored.store(i + 1);
            if (i % 64 == 0) co_await go::yield();
          }
          writer_done = true;
          wg.done();
        });
        go::spawn([&]() -> go::task<> {  // rewrites values: a range may see either
          for (int round = 0; !writer_done.load(); ++round) {
            const int n = stored.load();
            for (int i = 0; i < n; i += 7) m.store(i, (round % 2) ? i * 2 : -i * 2);
            co_await go::yield();
          }
          wg.done();
        });
        go::spawn([&]() -> go::task<> {
          do {
            const int before = stored.load();
            std::vector<char> seen(static_cast<std::size_t>(kKeys), 0);
            m.range([&](int k, int v) {
              if (k < 0 || k >= kKeys || seen[static_cast<std::size_t>(k)]++) bad.fetch_add(1);
              if (v != k * 2 && v != -k * 2) bad.fetch_add(1);
              return true;
            });
            for (int i = 0; i < before; ++i)
              if (!seen[static_cast<std::size_t>(i)]) bad.fetch_add(1);
            ranges.fetch_add(1);
            co_await go::yield();
          } while (!writer_done.load());
          wg.done();
        });
        co_await wg.wait();
      },
      go::config{.maxprocs = 4});
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(ranges.load(), 0);
}

}  // namespace
