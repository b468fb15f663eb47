// The collector's shared state: phase, statistics and the entry points the
// allocator, the scheduler and the barrier call. mgc.cpp drives cycles,
// mgcmark.cpp marks, mgcsweep.cpp sweeps, malloc.cpp allocates.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "gocxx/detail/goroutine.hpp"

namespace go::detail {

struct mspan;

// Cumulative counters, updated with relaxed atomics (exact, not sampled).
struct heap_counters {
  std::atomic<std::uint64_t> frees{0};
  std::atomic<std::uint64_t> freed_bytes{0};
  std::atomic<std::uint64_t> large_mallocs{0};
  std::atomic<std::uint64_t> large_bytes{0};
  // Bytes marked live by the last completed cycle (the pacer's base).
  std::atomic<std::uint64_t> marked_bytes{0};
  // Bytes allocated and not yet freed, as the pacer sees it: each thread
  // publishes its allocations every 64 KiB, the sweeper subtracts frees.
  std::atomic<std::int64_t> live{0};
};
extern heap_counters counters;

// Exact allocation totals over all caches, live ones and retired ones.
struct alloc_totals {
  std::uint64_t mallocs;  // objects, tiny ones included
  std::uint64_t bytes;    // slot bytes
  std::uint64_t frees;    // objects, tiny ones included
  std::uint64_t frames;   // goroutine frames allocated and not freed
};
alloc_totals allocated_totals() noexcept;

// Bytes allocated and not yet freed, as the pacer sees it (counters.live).
inline std::uint64_t heap_live() noexcept;

inline std::uint64_t heap_live() noexcept {
  const std::int64_t v = counters.live.load(std::memory_order_relaxed);
  return v > 0 ? static_cast<std::uint64_t>(v) : 0;
}

// --- Marking (mgcmark.cpp) ---
// Current cycle number; goroutines remember the cycle their frames were
// scanned in.
extern std::atomic<std::uint32_t> gc_cycle;
// True while marking: allocation marks new objects (allocate-black).
extern std::atomic<bool> gc_alloc_black;

// Set by the collector when it looks for the end of marking: threads then
// hand each grey object they shade to the global list at once.
extern std::atomic<bool> gc_flush_requested;

// Scans the frames of a goroutine that has not started yet (spawned while
// marking); it counts as scanned for this cycle.
void gc_scan_new_goroutine(g* gp) noexcept;
// The collector's list of goroutine descriptors: the scheduler adds each
// new descriptor, and forgets them all when it is destroyed (under
// gc_sched_mu).
void gc_track_goroutine(g* gp) noexcept;
void gc_forget_goroutines() noexcept;
// Does up to `bytes` worth of scan work for an allocating goroutine.
void gc_assist(std::size_t bytes) noexcept;

// --- Sweeping (mgcsweep.cpp) ---
// Sweeps everything left unswept; returns when the heap is fully swept.
void finish_sweep() noexcept;

// --- Triggering (mgc.cpp) ---
// Held by the collector for a whole cycle, and by go::run while it creates
// or destroys the scheduler whose goroutines the collector scans.
extern std::mutex gc_sched_mu;

// Called by the allocator after it grew the heap: starts a cycle when the
// pacer says so.
void gc_maybe_trigger(std::uint64_t live) noexcept;
// Past the memory limit: collects (blocking) and reports whether the
// allocation of `bytes` may proceed.
bool gc_make_room(std::size_t bytes) noexcept;
// While marking, past the heap goal: waits for the cycle to finish.
void gc_pace_allocation() noexcept;
[[noreturn]] void gc_out_of_memory(std::size_t bytes) noexcept;
// The memory limit in bytes, 0 for none: read on every allocation, so a
// plain atomic rather than a call into the collector's state.
extern std::atomic<std::int64_t> gc_limit_bytes;
inline std::int64_t gc_memory_limit() noexcept { return gc_limit_bytes.load(std::memory_order_relaxed); }

}  // namespace go::detail
