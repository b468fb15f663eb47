// A P's local run queue: Go's runq, a bounded single-producer multi-consumer
// ring plus the runnext slot.
//
// Only the P's owner pushes (at tail); the owner and thieves pop at head with
// a CAS. Slots are atomics so that a thief reading a slot the owner is about
// to reuse is a benign, detected-as-failed race (its CAS on head fails)
// rather than undefined behaviour.
//
// runnext holds the goroutine most recently readied by the running one (the
// other end of a channel hand-off). It runs next, inheriting the time slice,
// which keeps communicating pairs on one P with warm caches.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <ctime>

#include "gocxx/detail/goroutine.hpp"

namespace go::detail {

class runq {
 public:
  static constexpr std::uint32_t capacity = 256;

  // Owner only. Returns false when the ring is full; the caller then moves
  // half of it to the global queue (take_half) and retries.
  bool push(g* gp) noexcept {
    std::uint32_t h = head_.load(std::memory_order_acquire);
    std::uint32_t t = tail_.load(std::memory_order_relaxed);
    if (t - h >= capacity) return false;
    slots_[t % capacity].store(gp, std::memory_order_relaxed);
    tail_.store(t + 1, std::memory_order_release);
    return true;
  }

  // Owner only: puts gp in runnext and returns the goroutine it displaced.
  g* put_next(g* gp) noexcept { return runnext_.exchange(gp, std::memory_order_acq_rel); }

  // Owner: runnext first, then the ring.
  g* pop() noexcept {
    g* next = runnext_.load(std::memory_order_relaxed);
    if (next && runnext_.compare_exchange_strong(next, nullptr, std::memory_order_acquire)) return next;
    for (;;) {
      std::uint32_t h = head_.load(std::memory_order_acquire);
      std::uint32_t t = tail_.load(std::memory_order_relaxed);
      if (t == h) return nullptr;
      g* gp = slots_[h % capacity].load(std::memory_order_relaxed);
      if (head_.compare_exchange_weak(h, h + 1, std::memory_order_release, std::memory_order_relaxed)) return gp;
    }
  }

  // Owner, when the ring is full: removes the older half into out[], returns
  // how many (0 if a thief got there first).
  std::uint32_t take_half(g** out) noexcept {
    std::uint32_t h = head_.load(std::memory_order_acquire);
    std::uint32_t t = tail_.load(std::memory_order_relaxed);
    std::uint32_t n = (t - h) / 2;
    if (n != capacity / 2) return 0;
    for (std::uint32_t i = 0; i < n; ++i) out[i] = slots_[(h + i) % capacity].load(std::memory_order_relaxed);
    if (!head_.compare_exchange_strong(h, h + n, std::memory_order_release, std::memory_order_relaxed)) return 0;
    return n;
  }

  // Thief: moves half of victim's goroutines into this (empty-ish) queue and
  // returns one of them to run. Takes runnext only when the ring is empty.
  g* steal_from(runq& victim, bool take_next, bool victim_running) noexcept {
    std::uint32_t t = tail_.load(std::memory_order_relaxed);
    std::uint32_t n = victim.grab(slots_, t, take_next, victim_running);
    if (n == 0) return nullptr;
    --n;
    g* gp = slots_[(t + n) % capacity].load(std::memory_order_relaxed);
    if (n != 0) tail_.store(t + n, std::memory_order_release);
    return gp;
  }

  bool empty() const noexcept {
    return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire) &&
           runnext_.load(std::memory_order_acquire) == nullptr;
  }

 private:
  std::uint32_t grab(std::array<std::atomic<g*>, capacity>& dst, std::uint32_t dst_head, bool take_next,
                     bool victim_running) noexcept {
    for (;;) {
      std::uint32_t h = head_.load(std::memory_order_acquire);
      std::uint32_t t = tail_.load(std::memory_order_acquire);
      std::uint32_t n = t - h;
      n -= n / 2;
      if (n == 0) {
        if (!take_next) return 0;
        g* next = runnext_.load(std::memory_order_acquire);
        if (!next) return 0;
        // The victim's running goroutine has most likely just readied next
        // and is about to block, after which its P runs next with warm
        // caches. Give it a moment before taking next away (Go's runqgrab).
        if (victim_running && !wait_while_next_is(next)) continue;
        if (!runnext_.compare_exchange_strong(next, nullptr, std::memory_order_acq_rel)) continue;
        dst[dst_head % capacity].store(next, std::memory_order_relaxed);
        return 1;
      }
      if (n > capacity / 2) continue;  // read an inconsistent head/tail pair
      for (std::uint32_t i = 0; i < n; ++i)
        dst[(dst_head + i) % capacity].store(slots_[(h + i) % capacity].load(std::memory_order_relaxed),
                                             std::memory_order_relaxed);
      if (head_.compare_exchange_strong(h, h + n, std::memory_order_release, std::memory_order_relaxed)) return n;
    }
  }

  bool wait_while_next_is(g* next) const noexcept;

  alignas(64) std::atomic<std::uint32_t> head_{0};
  alignas(64) std::atomic<std::uint32_t> tail_{0};
  std::atomic<g*> runnext_{nullptr};
  std::array<std::atomic<g*>, capacity> slots_{};
};

// Go sleeps with usleep(3) here; on Linux that nanosleep lasts about 50us
// because of the kernel's default timer slack. The thief sleeps the same
// way: it does not burn CPU, and it leaves the victim the same window.
inline bool runq::wait_while_next_is(g* next) const noexcept {
  struct timespec ts{0, 3'000};
  nanosleep(&ts, nullptr);
  return runnext_.load(std::memory_order_acquire) == next;
}

}  // namespace go::detail
