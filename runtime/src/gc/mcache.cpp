// Per-thread allocation caches (see mcache.hpp).
#include "mcache.hpp"

#include <mutex>
#include <vector>

#include "gc_critical.hpp"
#include "gc_threads.hpp"
#include "mgc.hpp"
#include "mheap.hpp"
#include "throw.hpp"

namespace go::detail {
namespace {

// The registry of live caches. Changed only inside critical sections, so a
// collector that stopped the world walks it without the lock.
std::mutex registry_mu;
mcache* registry_head = nullptr;
// Totals of caches whose threads have exited.
std::atomic<std::uint64_t> retired_mallocs{0};
std::atomic<std::uint64_t> retired_bytes{0};
std::atomic<std::uint64_t> retired_tiny{0};
std::atomic<std::uint64_t> retired_marked{0};
std::atomic<std::int64_t> retired_frames{0};

thread_local mcache* tl_mcache = nullptr;

void release_spans(mcache* c) noexcept {
  for (int spc = 0; spc < kNumSpanClasses; ++spc) {
    if (mspan* s = c->alloc[spc]) {
      c->alloc[spc] = nullptr;
      centrals[spc].uncache_span(s);
    }
  }
  c->tiny = 0;
  c->tiny_offset = 0;
}

void give_back_frames(mcache* c) noexcept;

// Flushes and unregisters the thread's cache when the thread exits.
struct cache_owner {
  ~cache_owner() {
    mcache* c = tl_mcache;
    if (!c) return;
    critical_section cs;
    release_spans(c);
    give_back_frames(c);
    c->gcw.flush();
    if (c->gcw.buf) put_empty_buf(c->gcw.buf);
    retired_marked.fetch_add(c->gcw.marked_bytes, std::memory_order_relaxed);
    retired_mallocs.fetch_add(c->nmalloc.load(std::memory_order_relaxed), std::memory_order_relaxed);
    retired_bytes.fetch_add(c->nbytes.load(std::memory_order_relaxed), std::memory_order_relaxed);
    retired_tiny.fetch_add(c->ntiny.load(std::memory_order_relaxed), std::memory_order_relaxed);
    retired_frames.fetch_add(c->nframes_live.load(std::memory_order_relaxed), std::memory_order_relaxed);
    counters.live.fetch_add(static_cast<std::int64_t>(c->since_check), std::memory_order_relaxed);
    {
      std::lock_guard lk(registry_mu);
      if (c->prev_cache)
        c->prev_cache->next_cache = c->next_cache;
      else
        registry_head = c->next_cache;
      if (c->next_cache) c->next_cache->prev_cache = c->prev_cache;
    }
    tl_mcache = nullptr;
    delete c;
  }
};
thread_local cache_owner tl_cache_owner;

// --- Frame slots ---------------------------------------------------------
//
// Frames are freed explicitly, often on another thread than the one that
// allocated them (a goroutine migrates). Freed slots go to the freeing
// thread's list; beyond a limit a batch moves to the class's central list,
// where any thread picks it up. Frame spans are never returned to the page
// heap: like Go's stack spans they are reused for the next frames.

constexpr std::uint32_t kFrameBatch = 32;
constexpr std::uint32_t kFrameCacheLimit = 4 * kFrameBatch;

struct frame_central {
  spinlock lock;
  frame_slot* batches = nullptr;  // chained through the second word of each batch's first slot
};
frame_central frame_centrals[kNumSizeClasses];

frame_slot*& batch_link(frame_slot* head) noexcept { return reinterpret_cast<frame_slot**>(head)[1]; }

std::mutex frame_spans_mu;
std::vector<mspan*>* frame_spans = new std::vector<mspan*>();

void set_alloc_bit(mspan* s, std::uintptr_t p, bool on) noexcept {
  const std::uint32_t i = s->object_index(p);
  const std::uint64_t bit = std::uint64_t(1) << (i % 64);
  std::uint64_t old;
  if (on)
    old = s->alloc_bits[i / 64].fetch_or(bit, std::memory_order_acq_rel);
  else
    old = s->alloc_bits[i / 64].fetch_and(~bit, std::memory_order_acq_rel);
  // A slot handed out twice, or freed twice, would become two frames in one
  // place: stop before that turns into a goroutine running freed memory.
  if (((old & bit) != 0) == on) [[unlikely]]
    throw_fatal("frame slot %p %s twice", reinterpret_cast<void*>(p), on ? "allocated" : "freed");
}

bool refill_frames(mcache* c, int sc) noexcept {
  frame_central& fc = frame_centrals[sc];
  fc.lock.lock();
  frame_slot* b = fc.batches;
  if (b) fc.batches = batch_link(b);
  fc.lock.unlock();
  if (b) {
    batch_link(b) = nullptr;
    std::uint32_t n = 0;
    for (frame_slot* f = b; f; f = f->next) ++n;
    c->frames[sc] = b;
    c->nframes[sc] = n;
    return true;
  }
  const size_class_info& ci = class_info[sc];
  mspan* s = heap_alloc_span(ci.npages, sc, alloc_kind::scan, false, 0, true);
  if (!s) return false;
  {
    std::lock_guard lk(frame_spans_mu);
    frame_spans->push_back(s);
  }
  // Fresh pages are zero; frame slots are zeroed again when reused.
  for (std::uint32_t i = ci.nelems; i-- > 0;) {
    auto* f = reinterpret_cast<frame_slot*>(s->object_base(i));
    f->next = c->frames[sc];
    c->frames[sc] = f;
  }
  c->nframes[sc] += ci.nelems;
  return true;
}

// Moves up to kFrameBatch slots from the cache's list to the central list.
void release_frame_batch(mcache* c, int sc) noexcept {
  frame_slot* b = c->frames[sc];
  if (!b) return;
  frame_slot* last = b;
  std::uint32_t n = 1;
  while (n < kFrameBatch && last->next) {
    last = last->next;
    ++n;
  }
  c->frames[sc] = last->next;
  last->next = nullptr;
  c->nframes[sc] -= n;
  frame_central& fc = frame_centrals[sc];
  fc.lock.lock();
  batch_link(b) = fc.batches;
  fc.batches = b;
  fc.lock.unlock();
}

void give_back_frames(mcache* c) noexcept {
  for (int sc = 1; sc < kNumSizeClasses; ++sc) {
    while (c->frames[sc]) release_frame_batch(c, sc);
    c->nframes[sc] = 0;
  }
}

}  // namespace

mcache* current_mcache() noexcept {
  if (mcache* c = tl_mcache) [[likely]]
    return c;
  critical_section cs;  // registry_mu is never held by a stopped thread
  // A thread that allocates holds heap pointers on its stack.
  gc_register_thread();
  auto* c = new mcache();
  {
    std::lock_guard lk(registry_mu);
    c->next_cache = registry_head;
    if (registry_head) registry_head->prev_cache = c;
    registry_head = c;
  }
  tl_mcache = c;
  (void)&tl_cache_owner;  // constructs the owner, whose destructor flushes at thread exit
  return c;
}

mspan* mcache_refill(mcache* c, int spc) noexcept {
  if (mspan* old = c->alloc[spc]) {
    c->alloc[spc] = nullptr;
    centrals[spc].uncache_span(old);
  }
  mspan* s = centrals[spc].cache_span();
  c->alloc[spc] = s;
  return s;
}

void flush_all_mcaches_stopped() noexcept {
  for (mcache* c = registry_head; c; c = c->next_cache) release_spans(c);
}

void flush_all_gc_work_stopped() noexcept {
  for (mcache* c = registry_head; c; c = c->next_cache) c->gcw.flush();
}

std::uint64_t take_marked_bytes_stopped() noexcept {
  std::uint64_t sum = retired_marked.exchange(0, std::memory_order_relaxed);
  for (mcache* c = registry_head; c; c = c->next_cache) {
    sum += c->gcw.marked_bytes;
    c->gcw.marked_bytes = 0;
  }
  return sum;
}

cache_totals sum_mcache_totals() noexcept {
  critical_section cs;
  std::lock_guard lk(registry_mu);
  cache_totals t{retired_mallocs.load(std::memory_order_relaxed), retired_bytes.load(std::memory_order_relaxed),
                 retired_tiny.load(std::memory_order_relaxed), retired_frames.load(std::memory_order_relaxed)};
  for (mcache* c = registry_head; c; c = c->next_cache) {
    t.mallocs += c->nmalloc.load(std::memory_order_relaxed);
    t.bytes += c->nbytes.load(std::memory_order_relaxed);
    t.tiny += c->ntiny.load(std::memory_order_relaxed);
    t.frames += c->nframes_live.load(std::memory_order_relaxed);
  }
  return t;
}

void* mcache_frame_alloc(mcache* c, int sc) noexcept {
  if (!c->frames[sc] && !refill_frames(c, sc)) return nullptr;
  frame_slot* f = c->frames[sc];
  c->frames[sc] = f->next;
  --c->nframes[sc];
  auto p = reinterpret_cast<std::uintptr_t>(f);
  set_alloc_bit(span_of(p), p, true);
  return f;
}

void mcache_frame_free(mcache* c, int sc, void* p) noexcept {
  const auto addr = reinterpret_cast<std::uintptr_t>(p);
  set_alloc_bit(span_of(addr), addr, false);
  auto* f = static_cast<frame_slot*>(p);
  f->next = c->frames[sc];
  c->frames[sc] = f;
  if (++c->nframes[sc] >= kFrameCacheLimit) release_frame_batch(c, sc);
}

void for_each_frame_span(void (*fn)(mspan*)) noexcept {
  critical_section cs;
  std::lock_guard lk(frame_spans_mu);
  for (mspan* s : *frame_spans) fn(s);
}

}  // namespace go::detail
