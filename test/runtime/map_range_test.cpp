// Go's range semantics for go::map under mutation (the spec: "If a map entry
// that has not yet been reached is removed during iteration, the
// corresponding iteration value will not be produced. If a map entry is
// created during iteration, that entry may be produced during the iteration
// or may be skipped."), and the port that broke on it: erasing the entry a
// range is on must leave the range's values intact.

#include <gocxx/gocxx.hpp>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace {

// Ranges over m while `body` mutates it, and checks the spec against a
// model: every key present from the start to the end of the range is
// produced exactly once, a key erased before it was produced never is, and
// nothing is produced twice unless it was erased and added again.
template <class Body>
void check_range(go::map<int, int> m, Body body) {
  std::set<int> at_start;
  for (auto [k, v] : m) at_start.insert(k);
  std::map<int, int> produced;
  std::set<int> erased_unproduced, touched;
  auto erase = [&](int k) {
    if (m.contains(k) && !produced.count(k)) erased_unproduced.insert(k);
    touched.insert(k);
    m.erase(k);
  };
  auto add = [&](int k) {
    touched.insert(k);
    erased_unproduced.erase(k);  // a new entry: it may be produced
    m.set(k, k);
  };
  for (auto [k, v] : m) {
    ASSERT_EQ(k, v) << "a value from another entry";
    ++produced[k];
    body(k, erase, add);
  }
  for (auto [k, n] : produced) {
    if (!touched.count(k)) {
      EXPECT_EQ(n, 1) << "key " << k << " produced " << n << " times";
    }
  }
  for (int k : at_start) {
    if (touched.count(k)) continue;
    EXPECT_EQ(produced.count(k), 1u) << "key " << k << " was present throughout and not produced";
  }
  for (int k : erased_unproduced) {
    EXPECT_EQ(produced.count(k), 0u) << "key " << k << " erased before it was reached, yet produced";
  }
}

go::map<int, int> filled(int n) {
  auto m = go::make_map<int, int>();
  for (int i = 0; i < n; ++i) m.set(i, i);
  return m;
}

TEST(MapRange, EraseOthersBeforeTheyAreReached) {
  for (int round = 0; round < 50; ++round) {
    check_range(filled(1000), [](int k, auto& erase, auto&) { erase(k ^ 1); });
  }
}

TEST(MapRange, EraseTheCurrentEntry) {
  auto m = filled(5000);
  int seen = 0;
  for (auto [k, v] : m) {
    m.erase(k);
    EXPECT_EQ(k, v);  // the references survive the erase
    ++seen;
  }
  EXPECT_EQ(seen, 5000);
  EXPECT_EQ(m.len(), 0u);
}

TEST(MapRange, InsertionsThatGrowTheTable) {
  for (int round = 0; round < 20; ++round) {
    // Every produced key adds two new ones: the table rehashes several times
    // during the range, which then looks its keys up in the current table.
    check_range(filled(300), [](int k, auto&, auto& add) {
      if (k < 100000) {
        add(100000 + 2 * k);
        add(100000 + 2 * k + 1);
      }
    });
  }
}

// Keys and values that own memory: the rehash during the range must copy
// them, or the old array the range walks would hold moved-from keys.
TEST(MapRange, GrowthWithStringKeys) {
  auto m = go::make_map<std::string, std::string>();
  for (int i = 0; i < 300; ++i) m.set("key-" + std::to_string(i), "value-" + std::to_string(i));
  std::map<std::string, int> produced;
  for (auto [k, v] : m) {
    ++produced[k];
    ASSERT_EQ(k.substr(4), v.substr(6));
    m.set(k + "-child-a", "value-" + k.substr(4) + "-child-a");
    m.set(k + "-child-b", "value-" + k.substr(4) + "-child-b");
    ASSERT_EQ(k.substr(4), v.substr(6)) << "the references must survive the rehash";
  }
  for (int i = 0; i < 300; ++i) EXPECT_EQ(produced["key-" + std::to_string(i)], 1) << i;
  for (auto& [k, n] : produced) EXPECT_EQ(n, 1) << k;
}

TEST(MapRange, EraseAndInsertAtRandom) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    const int n = 1 + static_cast<int>(rng() % 400);
    check_range(filled(n), [&](int, auto& erase, auto& add) {
      for (int i = 0, ops = static_cast<int>(rng() % 4); i < ops; ++i) {
        const int k = static_cast<int>(rng() % (2 * n + 50));
        if (rng() % 2) {
          erase(k);
        } else {
          add(k);
        }
      }
    });
  }
}

// The pub/sub port: drop every subscriber while ranging over them.
TEST(MapRange, CloseAndDropEverySubscriber) {
  go::run([]() -> go::task<> {
    auto subs = go::make_map<int, go::chan<int>>();
    std::vector<go::chan<int>> all;
    for (int i = 0; i < 64; ++i) {
      auto ch = go::make_chan<int>(1);
      subs.set(i, ch);
      all.push_back(ch);
    }
    for (auto [id, ch] : subs) {
      subs.erase(id);
      ch.close();  // was `panic: close of nil channel`: erase cleared the entry
    }
    EXPECT_EQ(subs.len(), 0u);
    for (auto& ch : all) {
      auto [v, ok] = co_await ch.recv_ok();
      EXPECT_FALSE(ok);
    }
  });
}

TEST(MapRange, NestedRangesWithErase) {
  auto m = filled(200);
  std::set<int> produced, erased_unproduced;
  for (auto [a, x] : m) {
    EXPECT_TRUE(produced.insert(a).second);
    EXPECT_EQ(erased_unproduced.count(a), 0u) << a << " was erased by an inner range before the outer reached it";
    int inner = 0;
    for (auto [b, y] : m) {
      ++inner;
      if (b == a + 1) {
        if (!produced.count(b)) erased_unproduced.insert(b);
        m.erase(b);
      }
    }
    EXPECT_GE(inner, 1);
  }
  EXPECT_EQ(produced.size() + erased_unproduced.size(), 200u);
}

// An erased entry's value is kept while a range may refer to it, and let go
// of once the last range ends.
TEST(MapRange, TombstonesReleaseTheirValuesWhenTheRangeEnds) {
  auto m = go::make_map<int, std::shared_ptr<int>>();
  auto tracked = std::make_shared<int>(42);
  m.set(1, tracked);
  for (int i = 2; i < 20; ++i) m.set(i, std::make_shared<int>(i));
  {
    auto it = m.begin();
    m.erase(1);
    EXPECT_EQ(tracked.use_count(), 2) << "the entry must stay while a range is in progress";
  }
  EXPECT_EQ(tracked.use_count(), 1) << "the last range ended: the tombstone must let go";
  // With tombstones about, a deletion outside any range makes one too, and
  // lets go of the value at once.
  auto other = std::make_shared<int>(7);
  m.set(100, other);
  m.erase(100);
  EXPECT_EQ(other.use_count(), 1) << "no range holds the entry: its value must go at once";
  // The table keeps working with tombstones, through churn and rehashes.
  for (int round = 0; round < 50; ++round) {
    for (auto [k, v] : m) {
      if (k % 3 == round % 3) m.erase(k);
    }
    for (int i = 0; i < 20; ++i) m.set(round * 100 + i, std::make_shared<int>(i));
  }
  std::size_t n = 0;
  for (auto [k, v] : m) {
    ASSERT_TRUE(v != nullptr);
    ++n;
  }
  EXPECT_EQ(n, m.len());
}

TEST(MapRange, IteratorCopiesCountAsRanges) {
  auto m = filled(100);
  auto it = m.begin();
  {
    auto copy = it;
    auto assigned = m.begin();
    assigned = copy;
  }
  m.erase((*it).first);  // `it` is still a range: the entry stays readable
  EXPECT_EQ((*it).first, (*it).second);
}

// Ranging is reading: goroutines on several Ps may range over one map at
// once (run under TSan by scripts/test.sh).
TEST(MapRange, ConcurrentRangesOverOneMap) {
  go::run(
      []() -> go::task<> {
        auto m = filled(2000);
        auto done = go::make_chan<long>();
        for (int g = 0; g < 4; ++g) {
          go::spawn(
              [](go::map<int, int> m, go::chan<long> done) -> go::task<> {
                long sum = 0;
                for (int r = 0; r < 20; ++r)
                  for (auto [k, v] : m) sum += v;
                co_await done.send(sum);
              },
              m, done);
        }
        for (int g = 0; g < 4; ++g) EXPECT_EQ(co_await done.recv(), 20L * 1999 * 2000 / 2);
      },
      go::config{.maxprocs = 4});
}

}  // namespace
