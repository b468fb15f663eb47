// The garbage-collected heap as the typed handles (go::ptr, go::slice,
// go::map, go::chan) see it: allocation, the write barrier, and root
// registration. The allocator lives in runtime/src/gc/malloc.cpp, the
// collector in runtime/src/gc/mgc*.cpp, the barrier in mbarrier.cpp there;
// docs/runtime.md describes them.
//
// How the collector finds pointers:
//   * Heap objects are scanned conservatively, word by word, unless they were
//     allocated noscan (their type provably holds no pointer: see
//     go::pointer_free). Any word that points into an allocated object,
//     including its interior, keeps that object alive.
//   * Goroutine frames and the stacks of threads that use the heap are
//     scanned conservatively too.
//   * A handle that lives anywhere else -- memory from malloc or new, a
//     global, a thread_local -- registers its own address as a root for as
//     long as it lives there (handle_slot below).
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "gocxx/detail/mbarrier.hpp"

namespace go::detail {

// Runs the destructor of an object the collector is about to free. `bytes`
// is what was asked of gc_alloc (an array finalizer derives its length).
using finalizer = void (*)(void* object, std::size_t bytes) noexcept;

enum class alloc_kind : std::uint8_t {
  scan,    // may hold pointers: scanned conservatively
  noscan,  // holds no pointers: never scanned (and eligible for the tiny allocator)
};

// Allocates `bytes` of zeroed memory on the GC heap, aligned to 16 bytes (8
// for sizes that are not a multiple of 16). With a finalizer the object is
// given a header that remembers it; the finalizer runs when the collector
// frees the object. Allocation may assist the collector or, past the memory
// limit, end the process with "fatal error: out of memory".
void* gc_alloc(std::size_t bytes, alloc_kind kind, finalizer fin = nullptr);

// The size gc_alloc really hands out for a request of `bytes` (its size
// class, or whole pages above 32 KiB): append rounds capacities up to it.
std::size_t gc_round_size(std::size_t bytes) noexcept;

// Disarms the finalizer of an object whose constructor threw: its memory is
// reclaimed by the next cycle without running a destructor.
void gc_cancel_finalizer(void* object) noexcept;

// Memory for runtime objects with an owner that frees them explicitly
// (goroutine frames): on the GC heap, counted in mem_stats, never freed by
// the collector. Such objects are scanned as part of the goroutine, or of
// the task handle, that owns them.
void* frame_alloc(std::size_t bytes);
void frame_free(void* p, std::size_t bytes) noexcept;

// The write barrier (gc_shade, write_barrier, gc_shade_range) is in
// gocxx/detail/mbarrier.hpp, included above.

// --- Root registration of handles living outside the heap and the stacks. ---
//
// handle_slot_is_root(slot) is true when slot is neither inside the GC heap
// nor on the calling thread's stack; such a handle calls register_root on
// construction and unregister_root on destruction. The answer for one
// address never changes while an object lives there, so constructor and
// destructor agree without storing a flag.
// The GC heap's address range (one reservation, set before the first
// allocation and never changed).
struct heap_range {
  std::uintptr_t lo = 0, hi = 0;
};
extern heap_range gc_heap_range;

// True if p points into the GC heap's address range.
inline bool in_gc_heap(const void* p) noexcept {
  return reinterpret_cast<std::uintptr_t>(p) - gc_heap_range.lo < gc_heap_range.hi - gc_heap_range.lo;
}

// The calling thread's stack once the thread is registered with the
// collector (whose stack scan finds the handles on it); {0, 0} before and
// after. Constant-initialised: reading it is a TLS offset, with no
// init-on-first-use wrapper.
struct registered_stack {
  std::uintptr_t lo = 0, hi = 0;
};
extern thread_local constinit registered_stack gc_registered_stack;

bool handle_slot_is_root_off_heap(const void* slot) noexcept;
inline bool handle_slot_is_root(const void* slot) noexcept {
  // Handles inside GC objects and frames -- the common case in data
  // structures and coroutines -- decide with two compares; so do handles on
  // a registered thread's stack (temporaries, locals of plain functions: a
  // tree built by recursion makes two per node), which the out-of-line path
  // would answer the same way after three calls.
  const auto a = reinterpret_cast<std::uintptr_t>(slot);
  if (in_gc_heap(slot) || a - gc_registered_stack.lo < gc_registered_stack.hi - gc_registered_stack.lo) return false;
  return handle_slot_is_root_off_heap(slot);
}
void register_root(const void* slot) noexcept;
void unregister_root(const void* slot) noexcept;

// Runs a full collection (go::gc).
void gc_collect();

}  // namespace go::detail
