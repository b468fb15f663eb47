// Per-thread allocation caches (Go's mcache).
//
// Go gives each P an mcache; here each thread that allocates owns one. A
// worker thread (M) holds at most one P at a time, and threads without a P
// -- a goroutine inside go::blocking, the main thread before go::run, a
// std::thread of the program -- need a cache as well, so per-thread caches
// give every allocator the same lock-free fast path: one span per span
// class to carve slots from, the tiny block, and free lists of frame slots.
//
// Everything here is touched only by the owning thread, inside critical
// sections, and by the collector while the world is stopped.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "mcentral.hpp"
#include "mgcwork.hpp"

namespace go::detail {

struct frame_slot {
  frame_slot* next;
};

struct mcache {
  mspan* alloc[kNumSpanClasses] = {};
  // The tiny allocator's current 16-byte block and the offset of its free tail.
  std::uintptr_t tiny = 0;
  std::size_t tiny_offset = 0;
  // Free frame slots per size class (frames are freed explicitly).
  frame_slot* frames[kNumSizeClasses] = {};
  std::uint32_t nframes[kNumSizeClasses] = {};
  // Totals of this cache; written only by the owner, read by mem_stats.
  std::atomic<std::uint64_t> nmalloc{0};
  std::atomic<std::uint64_t> nbytes{0};
  std::atomic<std::uint64_t> ntiny{0};  // tiny objects placed in an existing block
  // Frames allocated minus frames freed by this thread (a frame is often
  // freed on another thread, so one cache's count may be negative).
  std::atomic<std::int64_t> nframes_live{0};
  // Bytes allocated since the last trigger check / assist.
  std::size_t since_check = 0;
  // Objects this thread shaded (write barrier, assists) and has not scanned.
  gc_work gcw;
  mcache* next_cache = nullptr;  // registry link
  mcache* prev_cache = nullptr;

  static void bump(std::atomic<std::uint64_t>& v, std::uint64_t n) noexcept {
    v.store(v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  static void bump_signed(std::atomic<std::int64_t>& v, std::int64_t n) noexcept {
    v.store(v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void count(std::size_t bytes) noexcept {
    bump(nmalloc, 1);
    bump(nbytes, bytes);
    since_check += bytes;
  }
};

// The calling thread's cache (created on first use). Call inside a critical section.
mcache* current_mcache() noexcept;

// Takes a fresh span of class spc into c; nullptr when out of memory.
mspan* mcache_refill(mcache* c, int spc) noexcept;

// World stopped: every cache gives its spans back to the central lists and
// drops its tiny block, so that sweeping starts from uncached spans.
void flush_all_mcaches_stopped() noexcept;
// World stopped: every cache's grey objects go to the global list.
void flush_all_gc_work_stopped() noexcept;
// World stopped: the bytes all threads marked this cycle (resets the counts).
std::uint64_t take_marked_bytes_stopped() noexcept;

// Sum of all caches' totals plus those of exited threads.
struct cache_totals {
  std::uint64_t mallocs, bytes, tiny;
  std::int64_t frames;
};
cache_totals sum_mcache_totals() noexcept;

// Frame slots of a size class, from the cache's free list, a central batch
// or a new frame span.
void* mcache_frame_alloc(mcache* c, int sizeclass) noexcept;
void mcache_frame_free(mcache* c, int sizeclass, void* p) noexcept;

// Calls fn for every frame span (the sweeper clears their marks).
void for_each_frame_span(void (*fn)(mspan*)) noexcept;
}  // namespace go::detail
