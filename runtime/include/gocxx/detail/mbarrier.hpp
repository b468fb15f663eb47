// The write barrier's fast path, inlined into every handle (go::ptr,
// go::slice, go::map, go::chan through detail::traced). The slow path and
// the invariants the barrier keeps are in runtime/src/gc/mbarrier.cpp (Go's
// mbarrier.go).
//
// Outside marking every entry point here is one relaxed load of
// gc_barrier_on. The collector flips it only with the world stopped
// (mgc.cpp), so every thread sees the new value when it runs again.
#pragma once
#include <atomic>
#include <cstddef>

namespace go::detail {

// True while the collector marks.
extern std::atomic<bool> gc_barrier_on;

// Greys the object p points into, if it is white (mbarrier.cpp).
void gc_shade_slow(const void* p) noexcept;

// A handle's construction (a pointer copied to where the collector may have
// looked already) and destruction (a pointer deleted).
inline void gc_shade(const void* p) noexcept {
  if (p && gc_barrier_on.load(std::memory_order_relaxed)) [[unlikely]]
    gc_shade_slow(p);
}

// A handle's assignment: Go 1.8's hybrid barrier shades the pointer it
// overwrites and the pointer it stores.
inline void write_barrier(const void* old_value, const void* new_value) noexcept {
  if (gc_barrier_on.load(std::memory_order_relaxed)) [[unlikely]] {
    if (old_value) gc_shade_slow(old_value);
    if (new_value) gc_shade_slow(new_value);
  }
}

// Shades every word of a value the runtime copies on a goroutine's behalf
// (a channel element moving between frames and buffers, a memmove of
// elements that may hold raw pointers), so that pointers in it survive the
// move while marking: Go's bulk barrier of typedmemmove.
void gc_shade_range(const void* p, std::size_t bytes) noexcept;

}  // namespace go::detail
