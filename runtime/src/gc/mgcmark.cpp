// Marking (Go's mgcmark.go): shading, scanning and draining grey objects,
// and the roots.
//
// Tri-colour invariant. White objects are unmarked; grey ones are marked
// and queued for scanning; black ones are marked and scanned. The write
// barrier (mbarrier.cpp) shades both the overwritten and the stored
// pointer of every handle store while marking, objects allocated while
// marking are born black, and the runtime shades values it copies between
// goroutines (gc_shade_range). Together these keep every object that was
// reachable when marking began, or became reachable since, from being
// swept while white.
//
// Roots:
//   * thread stacks and registers, scanned with the world stopped at the
//     start and again at the end of marking;
//   * goroutine frames, scanned one goroutine at a time while it is not
//     running (its frames cannot change under the scan), else with the
//     world stopped at the end; a goroutine's frames are black once scanned;
//   * handles registered as roots (gc_roots.cpp), read concurrently: their
//     stores and destruction run the barrier.
// In a leak-finding cycle (mgcleak.cpp) a goroutine parked on a channel,
// select or sync primitive is left out of the roots until one of its wait
// targets is marked; the passes over the goroutines repeat until none
// changes side, and the goroutines left out then are recorded as leaked
// and scanned last, with the world stopped.
//
// Everything is scanned conservatively: any word that points into an
// allocated object keeps it alive.
#include <sys/mman.h>

#include <atomic>
#include <cstring>

#include "gc_critical.hpp"
#include "gc_roots.hpp"
#include "gc_threads.hpp"
#include "gocxx/detail/heap.hpp"
#include "gocxx/detail/spinlock.hpp"
#include "mcache.hpp"
#include "mgc.hpp"
#include "mgcleak.hpp"
#include "mgcmark.hpp"
#include "mheap.hpp"
#include "throw.hpp"

namespace go::detail {

std::atomic<bool> gc_alloc_black{false};
std::atomic<std::uint32_t> gc_cycle{0};
std::atomic<bool> gc_flush_requested{false};

namespace {

// --- Work buffer pool ------------------------------------------------------

spinlock pool_lock;
work_buf* empty_bufs = nullptr;
work_buf* full_bufs = nullptr;
std::atomic<std::size_t> nfull{0};

void* map_pages(std::size_t bytes) noexcept {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw_fatal("out of memory (gc work buffers)");
  return p;
}

}  // namespace

work_buf* get_empty_buf() noexcept {
  pool_lock.lock();
  work_buf* b = empty_bufs;
  if (b) empty_bufs = b->next;
  pool_lock.unlock();
  if (!b) {
    constexpr std::size_t kChunk = 64;
    auto* chunk = static_cast<work_buf*>(map_pages(kChunk * sizeof(work_buf)));
    for (std::size_t i = 1; i < kChunk; ++i) put_empty_buf(&chunk[i]);
    b = &chunk[0];
  }
  b->next = nullptr;
  b->n = 0;
  return b;
}

void put_empty_buf(work_buf* b) noexcept {
  pool_lock.lock();
  b->next = empty_bufs;
  empty_bufs = b;
  pool_lock.unlock();
}

void put_full_buf(work_buf* b) noexcept {
  pool_lock.lock();
  b->next = full_bufs;
  full_bufs = b;
  nfull.fetch_add(1, std::memory_order_relaxed);
  pool_lock.unlock();
}

work_buf* get_full_buf() noexcept {
  if (nfull.load(std::memory_order_relaxed) == 0) return nullptr;
  pool_lock.lock();
  work_buf* b = full_bufs;
  if (b) {
    full_bufs = b->next;
    nfull.fetch_sub(1, std::memory_order_relaxed);
  }
  pool_lock.unlock();
  return b;
}

bool global_work_empty() noexcept { return nfull.load(std::memory_order_acquire) == 0; }
std::size_t global_work_count() noexcept { return nfull.load(std::memory_order_acquire); }

// --- Shading and scanning -------------------------------------------------

void shade_visitor(std::uintptr_t w, void* ctx) noexcept { shade_word(w, *static_cast<gc_work*>(ctx)); }

// Objects, frames and stacks are read while other threads may write them
// (the barrier makes that safe) and may contain AddressSanitizer redzones:
// the scanning loop is not instrumented.
__attribute__((no_sanitize("address", "thread", "undefined"))) void scan_words(std::uintptr_t lo, std::uintptr_t hi,
                                                                              gc_work& gcw) noexcept {
  for (std::uintptr_t a = lo; a + sizeof(std::uintptr_t) <= hi; a += sizeof(std::uintptr_t)) {
    const std::uintptr_t w = *reinterpret_cast<const volatile std::uintptr_t*>(a);
    if (w - arena.lo < arena.hi - arena.lo) shade_word(w, gcw);
  }
}

void scan_object(std::uintptr_t obj, gc_work& gcw) noexcept {
  mspan* s = span_of(obj);
  if (!s) return;
  scan_words(obj, obj + s->elemsize, gcw);
  gcw.scanned_bytes += s->elemsize;
}

bool drain(gc_work& gcw, std::int64_t budget) noexcept {
  for (;;) {
    if (!gcw.buf || gcw.buf->n == 0) {
      work_buf* full = get_full_buf();
      if (!full) return false;
      if (gcw.buf) put_empty_buf(gcw.buf);
      gcw.buf = full;
    }
    const std::uintptr_t obj = gcw.buf->obj[--gcw.buf->n];
    const std::uint64_t before = gcw.scanned_bytes;
    scan_object(obj, gcw);
    budget -= static_cast<std::int64_t>(gcw.scanned_bytes - before);
    if (budget <= 0) return true;
  }
}

// --- Goroutine frames -----------------------------------------------------
//
// A goroutine's frames are found from its descriptor (the outermost and the
// innermost suspended frame) and from each other: a frame holds the handle
// of the task it awaits, and that task's frame holds its continuation. The
// walk follows every pointer that lands in a frame slot, whether or not
// that frame was marked already this cycle: a frame marked by the general
// queue may have been read while its goroutine ran; this walk is the one
// that reads it at rest.

namespace {

// A set of frame addresses for one walk, in memory of its own (the walk
// also runs while the world is stopped).
class frame_set {
 public:
  bool insert(std::uintptr_t a) noexcept {
    if ((count_ + 1) * 2 > cap_) grow();
    std::size_t i = hash(a) & (cap_ - 1);
    while (table_[i]) {
      if (table_[i] == a) return false;
      i = (i + 1) & (cap_ - 1);
    }
    table_[i] = a;
    ++count_;
    return true;
  }
  void clear() noexcept {
    if (count_) std::memset(table_, 0, cap_ * sizeof(std::uintptr_t));
    count_ = 0;
  }

 private:
  static std::size_t hash(std::uintptr_t a) noexcept { return (a >> 4) * 0x9E3779B97F4A7C15ull >> 20; }
  void grow() noexcept {
    const std::size_t cap = cap_ ? cap_ * 2 : 1024;
    auto* fresh = static_cast<std::uintptr_t*>(map_pages(cap * sizeof(std::uintptr_t)));
    for (std::size_t i = 0; i < cap_; ++i) {
      const std::uintptr_t a = table_[i];
      if (!a) continue;
      std::size_t j = hash(a) & (cap - 1);
      while (fresh[j]) j = (j + 1) & (cap - 1);
      fresh[j] = a;
    }
    if (table_) munmap(table_, cap_ * sizeof(std::uintptr_t));
    table_ = fresh;
    cap_ = cap;
  }
  std::uintptr_t* table_ = nullptr;
  std::size_t cap_ = 0;
  std::size_t count_ = 0;
};

struct frame_walk {
  gc_work* gcw;
  frame_set seen;
  std::uintptr_t* stack = nullptr;  // frames found and not yet scanned
  std::size_t depth = 0, cap = 0;

  void push(std::uintptr_t f) noexcept {
    if (depth == cap) {
      const std::size_t ncap = cap ? cap * 2 : 512;
      auto* fresh = static_cast<std::uintptr_t*>(map_pages(ncap * sizeof(std::uintptr_t)));
      if (stack) {
        std::memcpy(fresh, stack, depth * sizeof(std::uintptr_t));
        munmap(stack, cap * sizeof(std::uintptr_t));
      }
      stack = fresh;
      cap = ncap;
    }
    stack[depth++] = f;
  }
};

void frame_visitor(std::uintptr_t w, void* ctx) noexcept {
  auto& fw = *static_cast<frame_walk*>(ctx);
  if (w - arena.lo >= arena.hi - arena.lo) return;
  mspan* s = span_of(w);
  if (!s) return;
  if (s->state.load(std::memory_order_relaxed) != span_state::manual) return shade_word(w, *fw.gcw);
  const std::uint32_t i = s->object_index(w);
  if (i >= s->nelems || !s->alloc_bit(i)) return;
  const std::uintptr_t f = s->object_base(i);
  if (!fw.seen.insert(f)) return;
  if (s->try_mark(i)) fw.gcw->marked_bytes += s->elemsize;
  fw.push(f);
}

__attribute__((no_sanitize("address", "thread", "undefined"))) void walk_words(std::uintptr_t lo, std::uintptr_t hi,
                                                                              frame_walk& fw) noexcept {
  for (std::uintptr_t a = lo; a + sizeof(std::uintptr_t) <= hi; a += sizeof(std::uintptr_t))
    frame_visitor(*reinterpret_cast<const volatile std::uintptr_t*>(a), &fw);
}

// One walk object per thread that walks; reused, so its memory is mapped once.
frame_walk& walker() noexcept {
  static thread_local frame_walk* w = nullptr;
  if (!w) w = new (map_pages(sizeof(frame_walk))) frame_walk();
  return *w;
}

}  // namespace

void scan_goroutine_frames(g* gp, gc_work& gcw) noexcept {
  frame_walk& fw = walker();
  fw.gcw = &gcw;
  fw.seen.clear();
  fw.depth = 0;
  const auto base = reinterpret_cast<std::uintptr_t>(gp);
  walk_words(base, base + sizeof(g), fw);
  while (fw.depth) {
    const std::uintptr_t f = fw.stack[--fw.depth];
    mspan* s = span_of(f);
    walk_words(f, f + s->elemsize, fw);
  }
  gp->gcscan_cycle.store(gc_cycle.load(std::memory_order_relaxed), std::memory_order_relaxed);
}

// Claims a goroutine that is not running for a scan; the worker that is
// about to run it waits (sched.cpp, wait_for_gc_scan). Both sides use
// sequentially consistent operations: either the collector sees the
// goroutine running and backs off, or the worker sees the claim and waits.
bool claim_goroutine(g* gp) noexcept {
  gp->gcscan.store(1, std::memory_order_seq_cst);
  const gstatus st = gp->status.load(std::memory_order_seq_cst);
  if (st == gstatus::running || st == gstatus::syscall || st == gstatus::dead) {
    gp->gcscan.store(0, std::memory_order_release);
    return false;
  }
  return true;
}

void release_goroutine(g* gp) noexcept { gp->gcscan.store(0, std::memory_order_seq_cst); }

// --- Entry points ---------------------------------------------------------

void gc_scan_new_goroutine(g* gp) noexcept {
  if (!gc_barrier_on.load(std::memory_order_relaxed)) return;
  critical_section cs;
  scan_goroutine_frames(gp, current_mcache()->gcw);
}

std::atomic<double> assist_ratio{1.0};

void gc_assist(std::size_t bytes) noexcept {
  if (!gc_barrier_on.load(std::memory_order_relaxed)) return;
  std::int64_t owed = static_cast<std::int64_t>(static_cast<double>(bytes) * assist_ratio.load(std::memory_order_relaxed));
  // In slices of about ten microseconds: a stop request that arrives
  // inside a slice waits for its end.
  while (owed > 0 && gc_barrier_on.load(std::memory_order_relaxed)) {
    critical_section cs;
    gc_work& gcw = current_mcache()->gcw;
    const std::uint64_t before = gcw.scanned_bytes;
    const bool more = drain(gcw, 16 * 1024);
    owed -= static_cast<std::int64_t>(gcw.scanned_bytes - before);
    // Work left in this thread's buffer goes back to the global list: the
    // collector decides that marking is done when that list is empty, and
    // a grey object parked here may root a large part of the heap.
    gcw.flush();
    if (!more) break;
  }
}

// Collector side (called by mgc.cpp) ------------------------------------------

void mark_roots_stopped(gc_work& gcw) noexcept { scan_thread_stacks(&shade_visitor, &gcw); }

void mark_registered_roots(gc_work& gcw) noexcept { scan_registered_roots(&shade_visitor, &gcw); }

// Every goroutine descriptor of the current scheduler, for the collector:
// append-only and read without a lock (the scheduler's own allg is under a
// mutex a stopped thread may hold).
namespace {
constexpr std::size_t kMaxGoroutines = std::size_t(1) << 26;
spinlock gc_allg_lock;
std::atomic<g*>* gc_allg = nullptr;
std::atomic<std::size_t> gc_nallg{0};
}  // namespace

void gc_track_goroutine(g* gp) noexcept {
  gc_allg_lock.lock();
  if (!gc_allg) {
    void* p = mmap(nullptr, kMaxGoroutines * sizeof(g*), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw_fatal("out of memory (goroutine table)");
    gc_allg = static_cast<std::atomic<g*>*>(p);
  }
  const std::size_t n = gc_nallg.load(std::memory_order_relaxed);
  gc_allg[n].store(gp, std::memory_order_relaxed);
  gc_nallg.store(n + 1, std::memory_order_release);
  gc_allg_lock.unlock();
}

void gc_forget_goroutines() noexcept {
  gc_nallg.store(0, std::memory_order_release);
  forget_printed_leaks();
}

template <class F>
void for_each_goroutine(F&& fn) {
  const std::size_t n = gc_nallg.load(std::memory_order_acquire);
  for (std::size_t i = 0; i < n; ++i) fn(gc_allg[i].load(std::memory_order_relaxed));
}

namespace {

// Whether gp, which the collector has claimed or the world is stopped, is
// parked on wait targets nobody reached yet (a leak-finding cycle leaves
// it out of the roots for now).
bool left_out(const g* gp) noexcept {
  return gp->status.load(std::memory_order_seq_cst) == gstatus::waiting && leak_candidate(gp);
}

bool scanned_this_cycle(const g* gp, std::uint32_t cycle) noexcept {
  return gp->gcscan_cycle.load(std::memory_order_relaxed) == cycle ||
         gp->status.load(std::memory_order_relaxed) == gstatus::dead;
}

}  // namespace

goroutine_pass mark_goroutines_concurrently(gc_work& gcw, bool find_leaks) noexcept {
  const std::uint32_t cycle = gc_cycle.load(std::memory_order_relaxed);
  goroutine_pass pass;
  for_each_goroutine([&](g* gp) {
    if (scanned_this_cycle(gp, cycle)) return;
    if (!claim_goroutine(gp)) {
      pass.running_left = true;
      return;
    }
    if (find_leaks && left_out(gp)) {
      release_goroutine(gp);
      return;
    }
    {
      critical_section cs;
      scan_goroutine_frames(gp, gcw);
    }
    release_goroutine(gp);
    ++pass.scanned;
  });
  return pass;
}

std::size_t mark_goroutines_stopped(gc_work& gcw, bool leave_out_candidates) noexcept {
  const std::uint32_t cycle = gc_cycle.load(std::memory_order_relaxed);
  std::size_t scanned = 0;
  for_each_goroutine([&](g* gp) {
    if (scanned_this_cycle(gp, cycle)) return;
    if (leave_out_candidates && left_out(gp)) return;
    scan_goroutine_frames(gp, gcw);
    ++scanned;
  });
  return scanned;
}

bool leak_candidates_resolved_stopped() noexcept {
  const std::uint32_t cycle = gc_cycle.load(std::memory_order_relaxed);
  bool resolved = false;
  for_each_goroutine([&](g* gp) {
    if (resolved || scanned_this_cycle(gp, cycle)) return;
    const gstatus st = gp->status.load(std::memory_order_relaxed);
    // Running ones are scanned in the final pause anyway.
    if (st == gstatus::running || st == gstatus::syscall) return;
    resolved = !left_out(gp);
  });
  return resolved;
}

void find_leaks_stopped(gc_work& gcw) noexcept {
  // The fixpoint: each goroutine scanned may reach another's target.
  while (mark_goroutines_stopped(gcw, true) != 0) {
    while (drain(gcw, INT64_MAX)) {
    }
  }
  const std::uint32_t cycle = gc_cycle.load(std::memory_order_relaxed);
  leak_records_clear();
  for_each_goroutine([&](g* gp) {
    if (scanned_this_cycle(gp, cycle)) return;
    // Every goroutine not left out was scanned by the last pass.
    if (!left_out(gp)) [[unlikely]]
      throw_fatal("findleaks: goroutine %llu is neither scanned nor leaked",
                  static_cast<unsigned long long>(gp->id.load(std::memory_order_relaxed)));
    record_leak_stopped(gp);
  });
  // Leaked goroutines keep what their frames reach, as in an ordinary cycle.
  mark_goroutines_stopped(gcw, false);
  while (drain(gcw, INT64_MAX)) {
  }
}

bool mark_drain(gc_work& gcw, std::int64_t budget) noexcept { return drain(gcw, budget); }

}  // namespace go::detail
