// go::pool<T>: Go's sync.Pool, a cache of values that are expensive to make,
// shared by goroutines, which the collector may empty.
//
//   go::pool<std::vector<char>> bufs([] { return std::vector<char>(4096); });
//   std::vector<char> b = bufs.get();    // a pooled buffer, or a new one
//   ...
//   b.clear();
//   bufs.put(std::move(b));
//
// A pooled value is a T held by value: get() moves one out, put() moves one
// in. A pool of handles (go::pool<go::ptr<Buffer>>) is Go's usual pool of
// pointers; a pool of std::vector or std::string keeps their storage.
// get() on an empty pool returns new_fn() (Go's New), or T{} without one
// (Go's nil). put of a nil handle is ignored, as Go ignores Put(nil).
//
// Layout (Go's poolLocal, per P): one shard per P, chosen by the running P
// (by thread outside goroutines), each with the values put on that P and
// its victims. get takes from its own shard, then steals from the others,
// then takes victims. A shard's lock is a std::mutex: its critical sections
// are a push or a pop (user code: T's move constructor) and block only on a
// thread inside one, never on a goroutine. No goroutine can run on this P
// in between, as get and put never suspend.
//
// The collector: Go's poolCleanup runs at every GC and moves each pool's
// values to a victim cache, dropping the previous victims, so that a value
// survives one cycle unused and is dropped at the second. The gocxx
// collector has no such hook, so a shard does the same step lazily: it
// remembers the cycle it last saw and, when it is next touched, moves its
// values to the victims (one cycle later) or drops both (two or more). What
// get returns is as in Go; the memory of values in a pool nobody touches is
// kept until the pool is used or destroyed.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "gocxx/panic.hpp"

namespace go {

namespace detail {

// The running P's id, or a number of this thread's outside goroutines (both
// small): the index of the shard to use.
std::size_t pool_shard_hint() noexcept;
// The number of GC cycles begun so far.
std::uint32_t pool_gc_cycle() noexcept;

}  // namespace detail

template <class T>
class pool {
  static_assert(std::is_move_constructible_v<T> && std::is_move_assignable_v<T>, "pooled values are moved in and out");

 public:
  pool() : pool(std::function<T()>()) {}
  // Go's Pool{New: new_fn}.
  explicit pool(std::function<T()> new_fn) : new_(std::move(new_fn)), nshards_(shard_count()) {
    shards_ = std::make_unique<shard[]>(nshards_);
    const std::uint32_t now = detail::pool_gc_cycle();
    for (std::size_t i = 0; i < nshards_; ++i) shards_[i].cycle = now;
  }
  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;

  // Get: a pooled value, else new_fn(), else T{}.
  T get() {
    const std::size_t mine = detail::pool_shard_hint() % nshards_;
    const std::uint32_t now = detail::pool_gc_cycle();
    for (bool victims : {false, true}) {
      for (std::size_t i = 0; i < nshards_; ++i) {
        shard& s = shards_[(mine + i) % nshards_];
        // Another P's shard is only tried: if it is busy, its owner is
        // using it and we would take what it just put.
        std::unique_lock lk(s.mu, std::defer_lock);
        if (i == 0)
          lk.lock();
        else if (!lk.try_lock())
          continue;
        std::vector<T> dropped = s.age(now);
        std::vector<T>& from = victims ? s.victims : s.values;
        if (!from.empty()) {
          T x = std::move(from.back());
          from.pop_back();
          lk.unlock();
          return x;
        }
        lk.unlock();  // dropped values die outside the lock
      }
    }
    if (new_) return new_();
    if constexpr (std::is_default_constructible_v<T>) {
      return T{};
    } else {
      panic(std::string("sync: pool of a type without a default value has no new function"));
    }
  }

  // Put: adds x to the pool (nothing for a nil handle).
  void put(T x) {
    if constexpr (requires { x == nullptr; }) {
      if (x == nullptr) return;
    }
    shard& s = shards_[detail::pool_shard_hint() % nshards_];
    const std::uint32_t now = detail::pool_gc_cycle();
    std::unique_lock lk(s.mu);
    std::vector<T> dropped = s.age(now);
    s.values.push_back(std::move(x));
    lk.unlock();
  }

 private:
  struct alignas(64) shard {  // a cache line each: Ps do not share lines
    std::mutex mu;
    std::vector<T> values;   // put since the last cycle began
    std::vector<T> victims;  // survived one cycle unused
    std::uint32_t cycle = 0;

    // Go's poolCleanup for this shard, for the cycles begun since it was
    // last touched; returns what it drops, for the caller to destroy after
    // unlocking.
    std::vector<T> age(std::uint32_t now) {
      std::vector<T> dropped;
      if (cycle == now) return dropped;
      if (now - cycle == 1) {
        dropped = std::exchange(victims, std::move(values));
      } else {
        dropped = std::move(values);
        for (T& v : victims) dropped.push_back(std::move(v));
        victims.clear();
      }
      values.clear();
      cycle = now;
      return dropped;
    }
  };

  static std::size_t shard_count() noexcept {
    const unsigned n = std::thread::hardware_concurrency();
    return std::bit_ceil(n == 0 ? 1u : n > 64 ? 64u : n);
  }

  std::function<T()> new_;
  std::size_t nshards_;
  std::unique_ptr<shard[]> shards_;
};

}  // namespace go
