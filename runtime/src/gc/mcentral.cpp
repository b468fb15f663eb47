// Central span lists (see mcentral.hpp).
#include "mcentral.hpp"

#include "mheap.hpp"

namespace go::detail {

mcentral centrals[kNumSpanClasses];

namespace {
struct init_centrals {
  init_centrals() {
    for (int i = 0; i < kNumSpanClasses; ++i) centrals[i].init(i);
  }
};
[[gnu::init_priority(101)]] init_centrals init_centrals_instance;

int sizeclass_of(int spc) noexcept { return spc >= 2 * kNumSizeClasses ? spc - 2 * kNumSizeClasses : spc / 2; }
}  // namespace

void span_list::push(mspan* s, std::int8_t id) noexcept {
  s->prev = nullptr;
  s->next = head;
  if (head) head->prev = s;
  head = s;
  s->list = id;
}

void span_list::remove(mspan* s) noexcept {
  if (s->prev) s->prev->next = s->next;
  else head = s->next;
  if (s->next) s->next->prev = s->prev;
  s->next = s->prev = nullptr;
  s->list = -1;
}

mspan* span_list::pop() noexcept {
  mspan* s = head;
  if (s) remove(s);
  return s;
}

span_list& mcentral::list(bool swept, bool full) noexcept {
  const std::uint32_t parity = (heap_sweepgen.load(std::memory_order_relaxed) / 2) & 1;
  return lists_[swept ? parity : parity ^ 1][full ? 1 : 0];
}

void mcentral::file_swept_locked(mspan* s) noexcept {
  const bool full = s->sizeclass == 0 || s->alloc_count == s->nelems;
  list(true, full).push(s, static_cast<std::int8_t>(full));
}

mspan* mcentral::cache_span() {
  const std::uint32_t sg = heap_sweepgen.load(std::memory_order_acquire);
  lock_.lock();
  // 1. A swept span with room.
  if (mspan* s = list(true, false).pop()) {
    s->sweepgen.store(sg + 3, std::memory_order_relaxed);
    lock_.unlock();
    return s;
  }
  // 2. Unswept spans: sweep them here (Go's lazy sweeping by allocation);
  //    ones with room first, then full ones, which sweeping may empty. The
  //    allocator is inside a critical section, which a stop of the world
  //    waits for, so it sweeps a bounded number (Go's spanBudget) and
  //    otherwise takes fresh pages; the background sweeper does the rest.
  int budget = 32;
  for (bool full : {false, true}) {
    while (budget-- > 0) {
      mspan* s = list(false, full).pop();
      if (!s) break;
      if (!claim_for_sweep(s, sg)) {
        // Someone else sweeps it and will file it; leave it to them.
        continue;
      }
      lock_.unlock();
      const bool freed = sweep_span(s);
      lock_.lock();
      if (freed) continue;
      if (s->alloc_count < s->nelems) {
        s->sweepgen.store(sg + 3, std::memory_order_relaxed);
        lock_.unlock();
        return s;
      }
      file_swept_locked(s);
    }
  }
  lock_.unlock();
  return grow();
}

mspan* mcentral::grow() {
  const int sc = sizeclass_of(spc_);
  const alloc_kind kind = (spc_ < 2 * kNumSizeClasses && (spc_ & 1)) ? alloc_kind::noscan : alloc_kind::scan;
  const bool finalized = spc_ >= 2 * kNumSizeClasses;
  mspan* s = heap_alloc_span(class_info[sc].npages, sc, kind, finalized, 0, false);
  if (!s) return nullptr;
  s->sweepgen.store(heap_sweepgen.load(std::memory_order_acquire) + 3, std::memory_order_relaxed);
  return s;
}

void mcentral::uncache_span(mspan* s) noexcept {
  lock_.lock();
  s->sweepgen.store(heap_sweepgen.load(std::memory_order_relaxed), std::memory_order_relaxed);
  file_swept_locked(s);
  lock_.unlock();
}

void mcentral::add_large(mspan* s) noexcept {
  lock_.lock();
  list(true, true).push(s, 1);
  lock_.unlock();
}

bool mcentral::sweep_one() noexcept {
  const std::uint32_t sg = heap_sweepgen.load(std::memory_order_acquire);
  lock_.lock();
  for (bool full : {false, true}) {
    while (mspan* s = list(false, full).pop()) {
      if (!claim_for_sweep(s, sg)) continue;
      lock_.unlock();
      const bool freed = sweep_span(s);
      lock_.lock();
      if (!freed) file_swept_locked(s);
      lock_.unlock();
      return true;
    }
  }
  lock_.unlock();
  return false;
}

}  // namespace go::detail
