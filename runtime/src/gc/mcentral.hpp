// Central span lists (Go's mcentral), one per span class: spans with free
// slots and full spans, each split into swept and unswept by the parity of
// the sweep generation, so that advancing the generation turns every
// "swept" list into an "unswept" one without touching a span.
#pragma once
#include <cstdint>

#include "gocxx/detail/heap.hpp"
#include "gocxx/detail/spinlock.hpp"
#include "mspan.hpp"

namespace go::detail {

// A span class: size class x {scan, noscan, finalized}. Large objects
// (size class 0) have their own central lists so that the sweeper finds them.
constexpr int kNumSpanClasses = kNumSizeClasses * 3;
constexpr int span_class(int sizeclass, alloc_kind kind, bool finalized) noexcept {
  return finalized ? 2 * kNumSizeClasses + sizeclass : sizeclass * 2 + (kind == alloc_kind::noscan ? 1 : 0);
}

struct span_list {
  mspan* head = nullptr;
  void push(mspan* s, std::int8_t id) noexcept;
  void remove(mspan* s) noexcept;
  mspan* pop() noexcept;
};

class mcentral {
 public:
  void init(int spc) noexcept { spc_ = spc; }
  // A swept span with at least one free slot, now owned by the caller's
  // cache (sweepgen sg+3); nullptr if the heap is out of memory.
  mspan* cache_span();
  // A span coming back from a cache.
  void uncache_span(mspan* s) noexcept;
  // Adds a large object's span (in use) for the sweeper to find.
  void add_large(mspan* s) noexcept;
  // Sweeps one unswept span of this class; false if none is left.
  bool sweep_one() noexcept;

 private:
  // lists_[parity][0]: spans with free slots; [parity][1]: full spans.
  span_list& list(bool swept, bool full) noexcept;
  void file_swept_locked(mspan* s) noexcept;
  mspan* grow();

  spinlock lock_;
  int spc_ = 0;
  span_list lists_[2][2];
};

extern mcentral centrals[kNumSpanClasses];

// Sweeps span s, which the caller has claimed (sweepgen sg-1): frees the
// unmarked objects (running their finalizers), makes the marks the new
// allocation bits and publishes sweepgen sg. Returns true if the span became
// empty and went back to the page heap.
bool sweep_span(mspan* s) noexcept;

// Claims an unswept span for sweeping (sg-2 -> sg-1).
inline bool claim_for_sweep(mspan* s, std::uint32_t sg) noexcept {
  std::uint32_t expect = sg - 2;
  return s->sweepgen.load(std::memory_order_relaxed) == expect &&
         s->sweepgen.compare_exchange_strong(expect, sg - 1, std::memory_order_acquire);
}

}  // namespace go::detail
