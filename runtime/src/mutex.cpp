// sync.Mutex (Go's sync/mutex.go); the invariant is explained in mutex.hpp.
#include "gocxx/mutex.hpp"

#include "gocxx/detail/chan_core.hpp"

namespace go {

task<> mutex::lock_slow(std::source_location where) {
  std::int64_t wait_start = 0;
  bool starving = false;
  bool awoke = false;
  std::int32_t old = state_.load(std::memory_order_relaxed);
  for (;;) {
    std::int32_t next = old;
    // In starvation mode newcomers do not take the lock: they queue.
    if (!(old & starving_bit)) next |= locked;
    if (old & (locked | starving_bit)) next += 1 << waiter_shift;
    // Switch to starvation mode only while the mutex is locked: unlock
    // expects waiters in that mode.
    if (starving && (old & locked)) next |= starving_bit;
    if (awoke) next &= ~woken;  // we are the awake waiter; clear the flag
    if (!state_.compare_exchange_weak(old, next, std::memory_order_acq_rel, std::memory_order_relaxed)) continue;
    if (!(old & (locked | starving_bit))) co_return;  // got the lock

    // A waiter that has waited before goes to the front of the queue.
    const bool lifo = wait_start != 0;
    if (wait_start == 0) wait_start = detail::nanotime();
    co_await sema_.acquire(lifo, detail::wait_reason::mutex_lock, where);
    starving = starving || detail::nanotime() - wait_start > starvation_threshold_ns;
    old = state_.load(std::memory_order_relaxed);
    if (old & starving_bit) {
      // Handed the lock directly: it is unlocked with us counted as a waiter.
      std::int32_t delta = locked - (1 << waiter_shift);
      if (!starving || (old >> waiter_shift) == 1) delta -= starving_bit;  // leave starvation mode
      state_.fetch_add(delta, std::memory_order_acq_rel);
      co_return;
    }
    awoke = true;
  }
}

void mutex::unlock() {
  std::int32_t next = state_.fetch_sub(locked, std::memory_order_release) - locked;
  if (next != 0) unlock_slow(next);
}

void mutex::unlock_slow(std::int32_t next) {
  if (!((next + locked) & locked)) {
    state_.fetch_add(locked, std::memory_order_relaxed);  // undo, for a recovered panic
    detail::panic_runtime("sync: unlock of unlocked mutex");
  }
  if (next & starving_bit) {
    // Starvation mode: hand the lock to the first waiter, which runs next.
    sema_.release();
    return;
  }
  std::int32_t old = next;
  for (;;) {
    // Nobody to wake, or a waiter is already awake or has the lock.
    if ((old >> waiter_shift) == 0 || (old & (locked | woken | starving_bit))) return;
    std::int32_t wake = (old - (1 << waiter_shift)) | woken;
    if (state_.compare_exchange_weak(old, wake, std::memory_order_release, std::memory_order_relaxed)) {
      sema_.release();
      return;
    }
  }
}

task<mutex_guard> mutex::scoped(std::source_location where) {
  co_await lock(where);
  co_return mutex_guard(this);
}

mutex_guard::~mutex_guard() {
  if (mu_) mu_->unlock();
}
void mutex_guard::unlock() {
  if (mu_) std::exchange(mu_, nullptr)->unlock();
}

}  // namespace go
