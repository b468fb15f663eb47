// The marking steps the cycle driver (mgc.cpp) sequences, and shading, which
// marking and the write barrier (mbarrier.cpp) share.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "mgcwork.hpp"
#include "mheap.hpp"

namespace go::detail {

struct g;

// Marks the object containing address w, if w points into an allocated
// object, and queues it for scanning unless it is noscan.
inline void shade_word(std::uintptr_t w, gc_work& gcw) noexcept {
  if (w - arena.lo >= arena.hi - arena.lo) return;
  mspan* s = span_of(w);
  if (!s || s->state.load(std::memory_order_relaxed) == span_state::free) return;
  const std::uint32_t i = s->object_index(w);
  if (i >= s->nelems || !s->is_allocated(i)) return;
  if (!s->try_mark(i)) return;
  gcw.marked_bytes += s->elemsize;
  if (s->kind == alloc_kind::noscan) return;
  gcw.push(s->object_base(i));
}

// Shades every word of [lo, hi) that points into the heap.
void scan_words(std::uintptr_t lo, std::uintptr_t hi, gc_work& gcw) noexcept;

// World stopped: thread stacks and registers.
void mark_roots_stopped(gc_work& gcw) noexcept;
// Concurrent: handles registered as roots.
void mark_registered_roots(gc_work& gcw) noexcept;
// Concurrent: the frames of every goroutine not scanned yet this cycle and
// not running. Goroutines found running are retried, and scanned with the
// world stopped at the end if they never rest. With find_leaks, goroutines
// parked on wait targets nobody reached yet are left out (mgcleak.cpp).
struct goroutine_pass {
  bool running_left = false;  // some could not be scanned: running or in go::blocking
  std::size_t scanned = 0;    // goroutines scanned by this pass
};
goroutine_pass mark_goroutines_concurrently(gc_work& gcw, bool find_leaks) noexcept;
// World stopped: every goroutine not scanned yet this cycle, except, with
// leave_out_candidates, those parked on wait targets nobody reached yet.
// Returns how many it scanned.
std::size_t mark_goroutines_stopped(gc_work& gcw, bool leave_out_candidates) noexcept;
// Leak-finding cycles, world stopped. Whether some goroutine left out of
// the roots may join them now (woken, or a wait target marked since): the
// cycle then marks on with the program running.
bool leak_candidates_resolved_stopped() noexcept;
// The end of a leak-finding cycle's marking, after mark_goroutines_stopped
// and a full drain: repeats both until no left-out goroutine joins the
// roots, records the goroutines left out as leaked, then scans them.
void find_leaks_stopped(gc_work& gcw) noexcept;
// Scans grey objects until `budget` bytes were scanned (true) or no work is
// left (false).
bool mark_drain(gc_work& gcw, std::int64_t budget) noexcept;

extern std::atomic<double> assist_ratio;

}  // namespace go::detail
