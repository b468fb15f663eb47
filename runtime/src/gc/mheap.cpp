// The page heap (see mheap.hpp).
//
// The heap lock is only ever taken inside a critical section (allocation,
// sweeping, statistics), so no thread is stopped while holding it.
//
// The whole heap is one reservation made at start-up. Reserving address
// space costs nothing until pages are touched, and a single range makes the
// collector's most frequent question -- "is this word a heap pointer?" --
// two comparisons and one load from the page map.
#include "mheap.hpp"

#include "asan_hooks.hpp"
#include "gc_critical.hpp"
#include "throw.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

namespace go::detail {

heap_arena arena;
heap_range gc_heap_range;
std::atomic<std::uint32_t> heap_sweepgen{4};

namespace {

// 64 GiB by default; GOCXX_HEAP_RESERVE (bytes, or with a G suffix) overrides.
std::size_t reserve_bytes() {
  std::size_t bytes = std::size_t(64) << 30;
  if (const char* e = std::getenv("GOCXX_HEAP_RESERVE")) {
    char* end = nullptr;
    unsigned long long v = std::strtoull(e, &end, 10);
    if (end && (*end == 'G' || *end == 'g')) v <<= 30;
    if (v >= (std::size_t(64) << 20)) bytes = v;
  }
  return bytes / kPageSize * kPageSize;
}

void* map_noreserve(std::size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

struct free_run {
  std::size_t npages;
  bool dirty;     // may hold old data (needs zeroing before use)
  bool released;  // returned to the OS
};

struct page_heap {
  std::mutex lock;
  std::atomic<mspan*>* page_map = nullptr;  // one entry per page of the reservation
  std::size_t npages_total = 0;
  std::size_t next_fresh = 0;  // pages below this have been used at least once
  std::size_t leak_roots_end = 0;  // pages below this are a LeakSanitizer root region
  std::map<std::size_t, free_run> runs;                    // by first page
  std::set<std::pair<std::size_t, std::size_t>> by_size;  // (npages, first page)
  std::vector<mspan*> spare_spans;
  // Descriptors of spans freed while the collector marks: the marker may
  // still be reading one it resolved a moment earlier, so they are reused
  // only after marking (a large frame is the only span freed then).
  std::vector<mspan*> freed_while_marking;
  std::atomic<mspan*>* all = nullptr;
  std::atomic<std::size_t> nall{0};
  std::vector<std::size_t> free_all_slots;
  std::size_t in_use_pages = 0, free_pages = 0, released_pages = 0;

  page_heap() {
    const std::size_t bytes = reserve_bytes();
    void* base = map_noreserve(bytes);
    if (!base) {
      throw_fatal("gocxx could not reserve %zu bytes of address space for the heap", bytes);
    }
    arena.lo = reinterpret_cast<std::uintptr_t>(base);
    arena.hi = arena.lo + bytes;
    gc_heap_range.lo = arena.lo;
    gc_heap_range.hi = arena.hi;
    npages_total = bytes / kPageSize;
    page_map = static_cast<std::atomic<mspan*>*>(map_noreserve(npages_total * sizeof(void*)));
    all = static_cast<std::atomic<mspan*>*>(map_noreserve(npages_total * sizeof(void*)));
    if (!page_map || !all) throw_fatal("gocxx could not map the heap's page tables");
  }

  void insert_run(std::size_t first, free_run r) {
    // Coalesce with the neighbours on both sides.
    auto next = runs.find(first + r.npages);
    if (next != runs.end()) {
      by_size.erase({next->second.npages, next->first});
      r = merge(r, next->second);
      runs.erase(next);
    }
    auto it = runs.lower_bound(first);
    if (it != runs.begin()) {
      auto prev = std::prev(it);
      if (prev->first + prev->second.npages == first) {
        by_size.erase({prev->second.npages, prev->first});
        first = prev->first;
        r = merge(prev->second, r);
        runs.erase(prev);
      }
    }
    runs.emplace(first, r);
    by_size.emplace(r.npages, first);
  }

  // A merged run counts as released only if both halves were; the released
  // half simply faults back in when touched.
  free_run merge(const free_run& a, const free_run& b) {
    if (a.released != b.released) {
      const std::size_t n = a.released ? a.npages : b.npages;
      released_pages -= n;
      free_pages += n;
    }
    return {a.npages + b.npages, a.dirty || b.dirty, a.released && b.released};
  }

  // Best fit among free runs, else fresh pages from the reservation.
  bool take(std::size_t npages, std::size_t* first, bool* dirty) {
    auto it = by_size.lower_bound({npages, 0});
    if (it != by_size.end()) {
      const std::size_t start = it->second;
      free_run r = runs[start];
      by_size.erase(it);
      runs.erase(start);
      (r.released ? released_pages : free_pages) -= npages;
      if (r.npages > npages) {
        free_run rest{r.npages - npages, r.dirty, r.released};
        runs.emplace(start + npages, rest);
        by_size.emplace(rest.npages, start + npages);
      }
      *first = start;
      *dirty = r.dirty && !r.released;
      return true;
    }
    if (npages_total - next_fresh < npages) return false;
    *first = next_fresh;
    next_fresh += npages;
    while (leak_roots_end < next_fresh) {
      constexpr std::size_t kChunk = (64 << 20) / kPageSize;
      const std::size_t end = std::min(npages_total, leak_roots_end + kChunk);
      leak_check_root(reinterpret_cast<void*>(arena.lo + leak_roots_end * kPageSize),
                      (end - leak_roots_end) * kPageSize);
      leak_roots_end = end;
    }
    *dirty = false;
    return true;
  }

  mspan* new_span_struct() {
    if (!freed_while_marking.empty() && !gc_barrier_on.load(std::memory_order_relaxed)) {
      spare_spans.insert(spare_spans.end(), freed_while_marking.begin(), freed_while_marking.end());
      freed_while_marking.clear();
    }
    if (!spare_spans.empty()) {
      mspan* s = spare_spans.back();
      spare_spans.pop_back();
      return s;
    }
    return new mspan();
  }
};

page_heap& heap() {
  static page_heap* h = new page_heap();  // never destroyed: spans outlive static destructors
  return *h;
}

// Reserve the heap before main, so that gc_heap_range is set before any
// thread can read it.
struct reserve_at_start {
  reserve_at_start() { heap(); }
};
[[gnu::init_priority(101)]] reserve_at_start reserve_at_start_instance;

}  // namespace

mspan* span_of(std::uintptr_t p) noexcept {
  if (p < arena.lo || p >= arena.hi) return nullptr;
  return heap().page_map[(p - arena.lo) >> kPageShift].load(std::memory_order_acquire);
}

mspan* heap_alloc_span(std::size_t npages, int sizeclass, alloc_kind kind, bool finalized,
                       std::size_t large_bytes, bool manual) {
  page_heap& h = heap();
  std::lock_guard lk(h.lock);
  std::size_t first;
  bool dirty;
  if (!h.take(npages, &first, &dirty)) return nullptr;
  mspan* s = h.new_span_struct();
  s->base = arena.lo + first * kPageSize;
  s->npages = npages;
  // Pages of a freed span stay poisoned until a span takes them again.
  unpoison(reinterpret_cast<void*>(s->base), npages * kPageSize);
  s->sizeclass = static_cast<std::uint8_t>(sizeclass);
  s->kind = kind;
  s->finalized = finalized;
  s->needzero = dirty;
  if (sizeclass == 0) {
    s->elemsize = static_cast<std::uint32_t>(npages * kPageSize);
    s->nelems = 1;
    s->div_magic = 0;
    (void)large_bytes;
  } else {
    const size_class_info& ci = class_info[sizeclass];
    s->elemsize = ci.size;
    s->nelems = ci.nelems;
    s->div_magic = ci.div_magic;
  }
  s->freeindex.store(0, std::memory_order_relaxed);
  s->alloc_count = 0;
  for (std::size_t i = 0; i < kBitWords; ++i) {
    s->alloc_bits[i].store(0, std::memory_order_relaxed);
    s->mark_bits[i].store(0, std::memory_order_relaxed);
  }
  s->sweepgen.store(heap_sweepgen.load(std::memory_order_relaxed), std::memory_order_relaxed);
  s->next = s->prev = nullptr;
  s->list = -1;
  s->state.store(manual ? span_state::manual : span_state::in_use, std::memory_order_relaxed);
  for (std::size_t i = 0; i < npages; ++i) h.page_map[first + i].store(s, std::memory_order_release);
  std::size_t slot;
  if (!h.free_all_slots.empty()) {
    slot = h.free_all_slots.back();
    h.free_all_slots.pop_back();
  } else {
    slot = h.nall.load(std::memory_order_relaxed);
    h.nall.store(slot + 1, std::memory_order_release);
  }
  s->all_index = slot;
  h.all[slot].store(s, std::memory_order_release);
  h.in_use_pages += npages;
  return s;
}

void heap_free_span(mspan* s) noexcept {
  page_heap& h = heap();
  std::lock_guard lk(h.lock);
  const std::size_t first = (s->base - arena.lo) >> kPageShift;
  for (std::size_t i = 0; i < s->npages; ++i) h.page_map[first + i].store(nullptr, std::memory_order_release);
  h.all[s->all_index].store(nullptr, std::memory_order_release);
  h.free_all_slots.push_back(s->all_index);
  s->state.store(span_state::free, std::memory_order_release);
  poison(reinterpret_cast<void*>(s->base), s->npages * kPageSize);
  h.in_use_pages -= s->npages;
  h.free_pages += s->npages;
  h.insert_run(first, {s->npages, true, false});
  (gc_barrier_on.load(std::memory_order_relaxed) ? h.freed_while_marking : h.spare_spans).push_back(s);
}

std::size_t allspans_count() noexcept { return heap().nall.load(std::memory_order_acquire); }
mspan* allspans_at(std::size_t i) noexcept { return heap().all[i].load(std::memory_order_acquire); }

void heap_scavenge(std::size_t retain) noexcept {
  page_heap& h = heap();
  critical_section cs;
  std::lock_guard lk(h.lock);
  if (h.free_pages * kPageSize <= retain) return;
  // Largest runs first: fewest system calls for the most memory.
  for (auto it = h.by_size.rbegin(); it != h.by_size.rend() && h.free_pages * kPageSize > retain; ++it) {
    free_run& r = h.runs[it->second];
    if (r.released) continue;
    madvise(reinterpret_cast<void*>(arena.lo + it->second * kPageSize), r.npages * kPageSize, MADV_DONTNEED);
    r.released = true;
    r.dirty = false;
    h.free_pages -= r.npages;
    h.released_pages += r.npages;
  }
}

heap_page_stats heap_pages() noexcept {
  page_heap& h = heap();
  critical_section cs;
  std::lock_guard lk(h.lock);
  return {h.in_use_pages * kPageSize, h.free_pages * kPageSize, h.released_pages * kPageSize};
}

}  // namespace go::detail
