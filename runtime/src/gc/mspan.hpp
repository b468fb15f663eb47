// A span (Go's mspan): a run of pages of the GC heap holding slots of one
// size class, or one large object, or nothing (free pages).
//
// Allocation state of a small span, as in Go:
//   * alloc_bits: which slots were live when the span was last swept;
//   * freeindex: every slot below it has been handed out since. A slot is
//     allocated iff it is below freeindex or its alloc bit is set.
//   * mark_bits: the current cycle's marks. Sweeping makes them the new
//     alloc_bits and clears them.
// Frame spans (kind manual) are different: goroutine frames are freed
// explicitly, so alloc_bits is kept exact (an atomic bit per slot) and
// freeindex is unused.
//
// Sweep state, Go's scheme: with sg the heap's sweep generation (it grows
// by 2 at the end of every mark phase),
//   sweepgen == sg - 2   the span needs sweeping
//   sweepgen == sg - 1   it is being swept
//   sweepgen == sg       it is swept and ready
//   sweepgen == sg + 3   it is swept and cached in an mcache
// Caches are flushed while the world is stopped at the end of marking, so
// no span stays cached across a generation change.
#pragma once
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "gocxx/detail/heap.hpp"
#include "sizeclasses.hpp"

namespace go::detail {

enum class span_state : std::uint8_t { free, in_use, manual };

constexpr std::size_t kBitWords = kMaxObjectsPerSpan / 64;

struct mspan {
  std::uintptr_t base = 0;
  std::size_t npages = 0;
  std::atomic<span_state> state{span_state::free};
  std::uint8_t sizeclass = 0;   // 0: one large object
  alloc_kind kind = alloc_kind::scan;
  bool finalized = false;       // every slot starts with an object_header
  bool needzero = false;        // free slots may hold old data
  std::uint32_t elemsize = 0;
  std::uint32_t nelems = 0;
  std::uint32_t div_magic = 0;
  std::atomic<std::uint32_t> freeindex{0};
  std::uint32_t alloc_count = 0;  // slots allocated (exact after a sweep and while cached)
  std::atomic<std::uint32_t> sweepgen{0};

  // Central list membership (mcentral.cpp).
  mspan* next = nullptr;
  mspan* prev = nullptr;
  std::int8_t list = -1;
  std::size_t all_index = 0;  // position in the heap's span table

  std::atomic<std::uint64_t> alloc_bits[kBitWords]{};
  std::atomic<std::uint64_t> mark_bits[kBitWords]{};

  std::uintptr_t limit() const noexcept { return base + npages * kPageSize; }

  std::uint32_t object_index(std::uintptr_t p) const noexcept {
    if (sizeclass == 0) return 0;
    return static_cast<std::uint32_t>((std::uint64_t(p - base) * div_magic) >> 32);
  }
  std::uintptr_t object_base(std::uint32_t i) const noexcept { return base + std::uintptr_t(i) * elemsize; }

  bool alloc_bit(std::uint32_t i) const noexcept {
    return (alloc_bits[i / 64].load(std::memory_order_relaxed) >> (i % 64)) & 1;
  }
  bool is_marked(std::uint32_t i) const noexcept {
    return (mark_bits[i / 64].load(std::memory_order_relaxed) >> (i % 64)) & 1;
  }
  // Sets the mark bit; true if this call set it.
  bool try_mark(std::uint32_t i) noexcept {
    const std::uint64_t bit = std::uint64_t(1) << (i % 64);
    std::atomic<std::uint64_t>& w = mark_bits[i / 64];
    if (w.load(std::memory_order_relaxed) & bit) return false;
    return !(w.fetch_or(bit, std::memory_order_relaxed) & bit);
  }
  // Whether slot i holds an object (see the comment at the top).
  bool is_allocated(std::uint32_t i) const noexcept {
    if (state.load(std::memory_order_acquire) == span_state::manual) return alloc_bit(i);
    return i < freeindex.load(std::memory_order_acquire) || alloc_bit(i);
  }
  // The first slot at or after freeindex whose alloc bit is clear, or nelems.
  std::uint32_t next_free_index() const noexcept;
};

// Every object with a finalizer starts with this header; the pointer handed
// to the program is just past it.
struct object_header {
  finalizer fin;
  std::size_t bytes;
};
static_assert(sizeof(object_header) == 16);

}  // namespace go::detail
