// Sweeping (Go's mgcsweep.go).
//
// After marking, every span is unswept (its sweepgen is two behind the
// heap's). Spans are swept lazily by allocators that need a span of their
// class (mcentral::cache_span) and in the background by the collector's
// thread, which walks every span class until nothing is left; a new cycle
// starts only when the heap is fully swept. Sweeping a span frees its
// unmarked objects -- running their finalizers and, under AddressSanitizer,
// poisoning them -- then makes the marks the new allocation bits.
#include <bit>

#include "asan_hooks.hpp"
#include "gc_critical.hpp"
#include "mcache.hpp"
#include "mcentral.hpp"
#include "mgc.hpp"
#include "mheap.hpp"

namespace go::detail {
namespace {

void free_object(mspan* s, std::uintptr_t p) noexcept {
  if (s->finalized) {
    auto* h = reinterpret_cast<object_header*>(p);
    if (finalizer fin = h->fin) {
      h->fin = nullptr;
      fin(h + 1, h->bytes);
    }
  }
  poison(reinterpret_cast<void*>(p), s->elemsize);
}

void clear_marks(mspan* s) noexcept {
  for (std::size_t w = 0; w < kBitWords; ++w) s->mark_bits[w].store(0, std::memory_order_relaxed);
}

}  // namespace

bool sweep_span(mspan* s) noexcept {
  const std::uint32_t sg = heap_sweepgen.load(std::memory_order_relaxed);
  const std::uint32_t freeidx = s->freeindex.load(std::memory_order_relaxed);
  const std::uint32_t words = (s->nelems + 63) / 64;
  std::uint32_t live = 0, nfreed = 0;
  for (std::uint32_t w = 0; w < words; ++w) {
    // Allocated: live at the last sweep, or handed out below freeindex since.
    std::uint64_t allocated = s->alloc_bits[w].load(std::memory_order_relaxed);
    const std::uint32_t lo = w * 64;
    if (freeidx > lo) allocated |= freeidx - lo >= 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << (freeidx - lo)) - 1;
    if (s->nelems - lo < 64) allocated &= (std::uint64_t(1) << (s->nelems - lo)) - 1;
    const std::uint64_t marked = s->mark_bits[w].load(std::memory_order_relaxed);
    std::uint64_t dead = allocated & ~marked;
    while (dead) {
      const int b = std::countr_zero(dead);
      dead &= dead - 1;
      free_object(s, s->object_base(lo + b));
      ++nfreed;
    }
    live += static_cast<std::uint32_t>(std::popcount(marked & allocated));
    s->alloc_bits[w].store(marked & allocated, std::memory_order_relaxed);
  }
  clear_marks(s);
  s->freeindex.store(0, std::memory_order_relaxed);
  s->alloc_count = live;
  if (nfreed) {
    s->needzero = true;
    counters.frees.fetch_add(nfreed, std::memory_order_relaxed);
    counters.freed_bytes.fetch_add(std::uint64_t(nfreed) * s->elemsize, std::memory_order_relaxed);
    counters.live.fetch_sub(static_cast<std::int64_t>(nfreed) * s->elemsize, std::memory_order_relaxed);
  }
  if (live == 0) {
    heap_free_span(s);
    return true;
  }
  s->sweepgen.store(sg, std::memory_order_release);
  return false;
}

void finish_sweep() noexcept {
  for (int spc = 0; spc < kNumSpanClasses; ++spc) {
    for (;;) {
      critical_section cs;  // finalizers may allocate; a stop waits for the span
      if (!centrals[spc].sweep_one()) break;
    }
  }
  // Frame spans are never freed by the collector; only their marks, which
  // say "scanned this cycle", are reset.
  for_each_frame_span([](mspan* s) { clear_marks(s); });
}

}  // namespace go::detail
