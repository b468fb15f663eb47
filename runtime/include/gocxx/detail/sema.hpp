// A counting semaphore for goroutines (Go's sema.go), the building block of
// mutex, rwmutex and wait_group.
//
// acquire takes a unit or parks in a FIFO queue (at the front with lifo, for a
// waiter that has already waited once, as Go's mutex does). release adds a
// unit and, if someone waits, hands a unit straight to the first waiter
// while holding the queue lock, so a woken waiter never has to compete again;
// the woken waiter runs next on the releasing P (ready() uses runnext), which
// is the hand-off Go's starving mutex asks for.
#pragma once
#include <atomic>
#include <coroutine>
#include <cstdint>
#include <source_location>

#include "gocxx/detail/goroutine.hpp"
#include "gocxx/detail/spinlock.hpp"

namespace go::detail {

class sema;

struct sema_waiter {
  g* gp = nullptr;
  sema_waiter* prev = nullptr;
  sema_waiter* next = nullptr;
  bool queued = false;
};

class sema {
 public:
  class acquire_awaiter {
   public:
    acquire_awaiter(sema* s, bool lifo, wait_reason why, const std::source_location& where) noexcept
        : s_(s), lifo_(lifo), why_(why), where_(where) {}
    acquire_awaiter(const acquire_awaiter&) = delete;
    ~acquire_awaiter() {
      if (w_.queued) s_->cancel(&w_);
    }
    bool await_ready() noexcept { return s_->try_acquire(); }
    bool await_suspend(std::coroutine_handle<> h) noexcept { return s_->park(&w_, lifo_, h, why_, where_); }
    void await_resume() const noexcept {}

   private:
    sema* s_;
    bool lifo_;
    wait_reason why_;
    std::source_location where_;
    sema_waiter w_;
  };

  acquire_awaiter acquire(bool lifo, wait_reason why, const std::source_location& where) noexcept {
    return acquire_awaiter(this, lifo, why, where);
  }
  void release() noexcept { release_many(1); }
  // Adds n units at once and wakes up to n waiters; once the first waiter is
  // readied the sema is not touched again, so that waiter may destroy the
  // object that holds it (a wait_group's last waiter usually does).
  void release_many(std::uint32_t n) noexcept;
  bool try_acquire() noexcept;

 private:
  bool park(sema_waiter* w, bool lifo, std::coroutine_handle<> h, wait_reason why,
            const std::source_location& where) noexcept;
  void cancel(sema_waiter* w) noexcept;

  std::atomic<std::uint32_t> count_{0};
  std::atomic<std::uint32_t> nwait_{0};
  spinlock lock_;
  sema_waiter* first_ = nullptr;
  sema_waiter* last_ = nullptr;
};

}  // namespace go::detail
