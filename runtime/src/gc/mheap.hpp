// The page heap (Go's mheap): one contiguous reservation of address space,
// handed out in runs of 8 KiB pages, with a map from every page to the span
// that owns it so that any address can be resolved to its object. Free runs
// are coalesced; the scavenger returns long-free runs to the OS.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "mspan.hpp"

namespace go::detail {

struct heap_arena {
  std::uintptr_t lo = 0;  // reservation start (page aligned)
  std::uintptr_t hi = 0;  // reservation end
};
extern heap_arena arena;

// The span owning address p, or nullptr when p is outside the heap or on
// free pages. Lock-free: the page map is written before a span is published.
mspan* span_of(std::uintptr_t p) noexcept;

// Allocates a span of npages for size class `sizeclass` (0: large object
// of `large_bytes`), initialised for allocation. Returns nullptr when the
// reservation is exhausted or the OS refuses memory.
mspan* heap_alloc_span(std::size_t npages, int sizeclass, alloc_kind kind, bool finalized,
                       std::size_t large_bytes, bool manual);
// Returns a span's pages to the heap.
void heap_free_span(mspan* s) noexcept;

// Every span ever allocated and still in use, indexed 0..count-1; the
// sweeper walks it. Entries of freed spans are nullptr.
std::size_t allspans_count() noexcept;
mspan* allspans_at(std::size_t i) noexcept;

// Returns free pages to the OS (MADV_DONTNEED) until at most `retain`
// bytes of free, unreleased memory remain.
void heap_scavenge(std::size_t retain) noexcept;

struct heap_page_stats {
  std::size_t in_use_bytes;    // pages held by spans
  std::size_t free_bytes;      // free pages still backed by memory
  std::size_t released_bytes;  // free pages returned to the OS
};
heap_page_stats heap_pages() noexcept;

// The current sweep generation (see mspan.hpp).
extern std::atomic<std::uint32_t> heap_sweepgen;

}  // namespace go::detail
