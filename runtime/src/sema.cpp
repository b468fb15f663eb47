#include "gocxx/detail/sema.hpp"

#include "sched.hpp"

namespace go::detail {

bool sema::try_acquire() noexcept {
  std::uint32_t v = count_.load(std::memory_order_seq_cst);
  while (v > 0) {
    if (count_.compare_exchange_weak(v, v - 1, std::memory_order_acquire, std::memory_order_relaxed)) return true;
  }
  return false;
}

bool sema::park(sema_waiter* w, bool lifo, std::coroutine_handle<> h, wait_reason why,
                const std::source_location& where) noexcept {
  lock_.lock();
  // Announce the waiter before the last look at count_, so that a release
  // that adds a unit after that look sees nwait_ and comes to the queue.
  nwait_.fetch_add(1, std::memory_order_seq_cst);
  if (try_acquire()) {
    nwait_.fetch_sub(1, std::memory_order_relaxed);
    lock_.unlock();
    return false;  // resume at once
  }
  w->gp = current_g();
  park_current(h, why, where, wait_target{.obj = this});
  w->queued = true;
  if (lifo && first_) {
    w->prev = nullptr;
    w->next = first_;
    first_->prev = w;
    first_ = w;
  } else {
    w->next = nullptr;
    w->prev = last_;
    if (last_) last_->next = w;
    else first_ = w;
    last_ = w;
  }
  lock_.unlock();
  return true;
}

void sema::cancel(sema_waiter* w) noexcept {
  lock_.lock();
  if (w->queued) {
    if (w->prev) w->prev->next = w->next;
    else first_ = w->next;
    if (w->next) w->next->prev = w->prev;
    else last_ = w->prev;
    w->queued = false;
    nwait_.fetch_sub(1, std::memory_order_relaxed);
  }
  lock_.unlock();
}

void sema::release_many(std::uint32_t n) noexcept {
  if (n == 0) return;
  count_.fetch_add(n, std::memory_order_seq_cst);
  if (nwait_.load(std::memory_order_seq_cst) == 0) return;
  g* wake = nullptr;  // linked through schedlink: parked goroutines are on no run queue
  lock_.lock();
  for (std::uint32_t i = 0; i < n && first_ && try_acquire(); ++i) {
    sema_waiter* w = first_;
    first_ = w->next;
    if (first_) first_->prev = nullptr;
    else last_ = nullptr;
    w->queued = false;
    nwait_.fetch_sub(1, std::memory_order_relaxed);
    w->gp->schedlink = wake;
    wake = w->gp;
  }
  lock_.unlock();
  while (g* gp = wake) {
    wake = gp->schedlink;
    gp->schedlink = nullptr;
    ready(gp);
  }
}

}  // namespace go::detail
