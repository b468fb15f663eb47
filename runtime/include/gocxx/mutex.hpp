// go::mutex: Go's sync.Mutex, with its two modes.
//
// Normal mode: waiters queue FIFO, but a woken waiter competes for the lock
// with newly arriving goroutines, which usually win (they are already
// running). That is fast but can starve a waiter, so a waiter that has waited
// more than 1 ms switches the mutex to starvation mode: unlock then hands the
// lock directly to the first waiter, and newcomers queue at the tail. The
// mutex returns to normal mode when a waiter that gets the lock is the last one
// or waited less than 1 ms.
//
// state: bit 0 locked, bit 1 woken (a waiter is awake, unlock need not wake
// another), bit 2 starving, the rest the number of waiters.
#pragma once
#include <atomic>
#include <coroutine>
#include <cstdint>
#include <source_location>

#include "gocxx/detail/sema.hpp"
#include "gocxx/task.hpp"

namespace go {

class mutex;

// Unlocks at scope exit (the result of co_await mu.scoped()).
class [[nodiscard]] mutex_guard {
 public:
  explicit mutex_guard(mutex* mu) noexcept : mu_(mu) {}
  mutex_guard(mutex_guard&& o) noexcept : mu_(o.mu_) { o.mu_ = nullptr; }
  mutex_guard(const mutex_guard&) = delete;
  ~mutex_guard();
  void unlock();

 private:
  mutex* mu_;
};

class mutex {
 public:
  mutex() = default;
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;

  class lock_awaiter {
   public:
    lock_awaiter(mutex* mu, const std::source_location& where) noexcept : mu_(mu), where_(where) {}
    bool await_ready() noexcept { return mu_->try_lock(); }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> h) {
      slow_ = mu_->lock_slow(where_);
      return std::move(slow_).operator co_await().await_suspend(h);
    }
    void await_resume() {
      if (slow_.valid()) std::move(slow_).operator co_await().await_resume();
    }

   private:
    mutex* mu_;
    std::source_location where_;
    task<> slow_;
  };

  [[nodiscard]] lock_awaiter lock(std::source_location where = std::source_location::current()) noexcept {
    return lock_awaiter(this, where);
  }
  // Takes the lock if it is free and not reserved for a starved waiter.
  bool try_lock() noexcept {
    std::int32_t old = state_.load(std::memory_order_relaxed);
    if (old & (locked | starving_bit)) return false;
    return state_.compare_exchange_strong(old, old | locked, std::memory_order_acquire, std::memory_order_relaxed);
  }
  void unlock();

  // auto guard = co_await mu.scoped();
  [[nodiscard]] task<mutex_guard> scoped(std::source_location where = std::source_location::current());

  // Extension, for tests and diagnostics: is the mutex in starvation mode?
  bool starving() const noexcept { return state_.load(std::memory_order_relaxed) & starving_bit; }

 private:
  static constexpr std::int32_t locked = 1;
  static constexpr std::int32_t woken = 2;
  static constexpr std::int32_t starving_bit = 4;
  static constexpr int waiter_shift = 3;
  static constexpr std::int64_t starvation_threshold_ns = 1'000'000;

  task<> lock_slow(std::source_location where);
  void unlock_slow(std::int32_t state);

  std::atomic<std::int32_t> state_{0};
  detail::sema sema_;
};

}  // namespace go
