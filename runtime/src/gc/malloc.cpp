// Allocation on the GC heap (Go's mallocgc), in three sizes as in Go:
//   * tiny: pointer-free objects of at most 16 bytes without a finalizer
//     share 16-byte blocks; the block is freed when nothing points into it;
//   * small: up to 32 KiB, a slot of the size class from the thread's
//     cached span (no lock), refilled from the central list;
//   * large: a span of its own straight from the page heap.
// While the collector marks, new objects are marked at once (allocated
// black) and the allocator pays for its allocation with mark work (assists).
#include <algorithm>
#include <cstring>
#include <new>

#include "asan_hooks.hpp"
#include "gc_critical.hpp"
#include "gocxx/detail/heap.hpp"
#include "mcache.hpp"
#include "mgc.hpp"
#include "mheap.hpp"

namespace go::detail {

heap_counters counters;

std::uint32_t mspan::next_free_index() const noexcept {
  std::uint32_t i = freeindex.load(std::memory_order_relaxed);
  if (i >= nelems) return nelems;
  std::uint32_t w = i / 64;
  std::uint64_t free = ~alloc_bits[w].load(std::memory_order_relaxed) & (~std::uint64_t(0) << (i % 64));
  while (!free) {
    if (++w * 64 >= nelems) return nelems;
    free = ~alloc_bits[w].load(std::memory_order_relaxed);
  }
  const std::uint32_t idx = w * 64 + static_cast<std::uint32_t>(std::countr_zero(free));
  return idx < nelems ? idx : nelems;
}

namespace {

// How often (in bytes allocated by one thread) the pacer is consulted and
// assists are paid.
constexpr std::size_t kCheckEvery = 64 * 1024;

// Takes the next slot of span class spc; nullptr when out of memory.
// Inside a critical section.
void* small_alloc(mcache* c, int spc, bool* refilled) noexcept {
  mspan* s = c->alloc[spc];
  std::uint32_t idx = s ? s->next_free_index() : 0;
  if (!s || idx == s->nelems) {
    s = mcache_refill(c, spc);
    if (!s) return nullptr;
    *refilled = true;
    idx = s->next_free_index();
  }
  s->freeindex.store(idx + 1, std::memory_order_release);
  ++s->alloc_count;
  if (gc_alloc_black.load(std::memory_order_relaxed) && s->try_mark(idx)) c->gcw.marked_bytes += s->elemsize;
  void* p = reinterpret_cast<void*>(s->object_base(idx));
  unpoison(p, s->elemsize);
  if (s->needzero) std::memset(p, 0, s->elemsize);
  c->count(s->elemsize);
  return p;
}

void* tiny_alloc(mcache* c, std::size_t size, bool* refilled) noexcept {
  // Align as Go does: by 8, 4 or 2 when the size is a multiple of it.
  std::size_t off = c->tiny_offset;
  if (size % 8 == 0)
    off = (off + 7) & ~std::size_t(7);
  else if (size % 4 == 0)
    off = (off + 3) & ~std::size_t(3);
  else if (size % 2 == 0)
    off = (off + 1) & ~std::size_t(1);
  if (c->tiny && off + size <= kTinySize) {
    c->tiny_offset = off + size;
    // Like Go, a tiny object is counted as both allocated and freed: only
    // its block is ever freed.
    c->count(0);
    mcache::bump(c->ntiny, 1);
    return reinterpret_cast<void*>(c->tiny + off);
  }
  void* block = small_alloc(c, span_class(size_to_class(kTinySize), alloc_kind::noscan, false), refilled);
  if (!block) return nullptr;
  // Keep whichever block has more room left.
  if (size < c->tiny_offset || !c->tiny) {
    c->tiny = reinterpret_cast<std::uintptr_t>(block);
    c->tiny_offset = size;
  }
  return block;
}

// A large object is zeroed by the caller after the critical section: clearing
// megabytes must not hold up a stop of the world.
void* large_alloc(mcache* c, std::size_t size, alloc_kind kind, bool finalized, std::size_t* zero) noexcept {
  const std::size_t npages = (size + kPageSize - 1) / kPageSize;
  mspan* s = heap_alloc_span(npages, 0, kind, finalized, size, false);
  if (!s) return nullptr;
  s->freeindex.store(1, std::memory_order_release);
  s->alloc_count = 1;
  if (gc_alloc_black.load(std::memory_order_relaxed) && s->try_mark(0)) c->gcw.marked_bytes += s->elemsize;
  void* p = reinterpret_cast<void*>(s->base);
  unpoison(p, s->elemsize);
  if (s->needzero) *zero = s->elemsize;
  centrals[span_class(0, kind, finalized)].add_large(s);
  counters.large_mallocs.fetch_add(1, std::memory_order_relaxed);
  counters.large_bytes.fetch_add(s->elemsize, std::memory_order_relaxed);
  return p;
}

void* alloc_once(std::size_t size, alloc_kind kind, bool finalized, bool* grew, std::size_t* zero) noexcept {
  critical_section cs;
  mcache* c = current_mcache();
  void* p;
  if (kind == alloc_kind::noscan && !finalized && size <= kTinySize) {
    p = tiny_alloc(c, size, grew);
  } else if (size <= kMaxSmallSize) {
    p = small_alloc(c, span_class(size_to_class(size), kind, finalized), grew);
  } else {
    p = large_alloc(c, size, kind, finalized, zero);
    if (p) c->since_check += gc_round_size(size);
    *grew = true;
  }
  if (c->since_check >= kCheckEvery) *grew = true;
  return p;
}

}  // namespace

void* gc_alloc(std::size_t bytes, alloc_kind kind, finalizer fin) {
  std::size_t size = bytes + (fin ? sizeof(object_header) : 0);
  if (size == 0) size = 1;
  const std::int64_t limit = gc_memory_limit();
  if (limit > 0 && heap_live() + size > static_cast<std::uint64_t>(limit) && !gc_make_room(size))
    gc_out_of_memory(size);
  bool grew = false;
  std::size_t zero = 0;
  void* p = alloc_once(size, kind, fin != nullptr, &grew, &zero);
  if (!p) {
    // The reservation is exhausted: collect everything and retry once.
    gc_collect();
    p = alloc_once(size, kind, fin != nullptr, &grew, &zero);
    if (!p) gc_out_of_memory(size);
  }
  if (zero) std::memset(p, 0, zero);
  if (grew) {
    std::size_t since;
    {
      critical_section cs;
      mcache* c = current_mcache();
      since = c->since_check;
      c->since_check = 0;
    }
    counters.live.fetch_add(static_cast<std::int64_t>(since), std::memory_order_relaxed);
    if (gc_alloc_black.load(std::memory_order_relaxed)) {
      gc_assist(since);
      gc_pace_allocation();
    }
    gc_maybe_trigger(heap_live());
  }
  if (fin) {
    auto* h = static_cast<object_header*>(p);
    h->fin = fin;
    h->bytes = bytes;
    return h + 1;
  }
  return p;
}

void gc_cancel_finalizer(void* object) noexcept {
  auto* h = static_cast<object_header*>(object) - 1;
  h->fin = nullptr;
}

std::size_t gc_round_size(std::size_t bytes) noexcept {
  if (bytes == 0) return 0;
  if (bytes <= kMaxSmallSize) return class_info[size_to_class(bytes)].size;
  return (bytes + kPageSize - 1) / kPageSize * kPageSize;
}

// --- Frames ---------------------------------------------------------------

void* frame_alloc(std::size_t bytes) {
  if (bytes < 16) bytes = 16;  // a free slot holds two links
  void* p;
  {
    critical_section cs;
    mcache* c = current_mcache();
    mcache::bump_signed(c->nframes_live, 1);
    if (bytes <= kMaxSmallSize) {
      p = mcache_frame_alloc(c, size_to_class(bytes));
    } else {
      mspan* s = heap_alloc_span((bytes + kPageSize - 1) / kPageSize, 0, alloc_kind::scan, false, bytes, true);
      if (s) s->alloc_bits[0].store(1, std::memory_order_release);
      p = s ? reinterpret_cast<void*>(s->base) : nullptr;
    }
  }
  if (!p) gc_out_of_memory(bytes);
  const std::size_t slot = gc_round_size(bytes);
  unpoison(p, slot);
  // Frames are scanned conservatively: whatever a previous frame left in
  // this slot must not look like pointers.
  std::memset(p, 0, slot);
  return p;
}

void frame_free(void* p, std::size_t bytes) noexcept {
  if (bytes < 16) bytes = 16;
  const std::size_t slot = gc_round_size(bytes);
  critical_section cs;
  mcache* c = current_mcache();
  mcache::bump_signed(c->nframes_live, -1);
  if (bytes <= kMaxSmallSize) {
    // Poison before the slot is on a free list: once there, a batch may
    // move to the central list and another thread may allocate the slot,
    // unpoison it and run a goroutine in it; poisoning after would poison
    // that goroutine's live frame. The two links stay addressable.
    poison(static_cast<char*>(p) + 2 * sizeof(void*), slot - 2 * sizeof(void*));
    mcache_frame_free(c, size_to_class(bytes), p);
  } else {
    mspan* s = span_of(reinterpret_cast<std::uintptr_t>(p));
    s->alloc_bits[0].store(0, std::memory_order_release);
    heap_free_span(s);
  }
}

// --- Totals ---------------------------------------------------------------

alloc_totals allocated_totals() noexcept {
  const cache_totals t = sum_mcache_totals();
  return {t.mallocs + counters.large_mallocs.load(std::memory_order_relaxed),
          t.bytes + counters.large_bytes.load(std::memory_order_relaxed),
          t.tiny + counters.frees.load(std::memory_order_relaxed),
          static_cast<std::uint64_t>(std::max<std::int64_t>(t.frames, 0))};
}

}  // namespace go::detail
