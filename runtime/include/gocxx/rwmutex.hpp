// go::rwmutex: Go's sync.RWMutex.
//
// reader_count_ counts active readers; a writer subtracts max_readers from it,
// so a negative count tells new readers that a writer is pending and they
// must wait (writers are not starved by a stream of readers).
// reader_wait_ counts the readers the pending writer still waits for.
#pragma once
#include <atomic>
#include <coroutine>
#include <cstdint>
#include <source_location>

#include "gocxx/detail/sema.hpp"
#include "gocxx/mutex.hpp"
#include "gocxx/task.hpp"

namespace go {

class rwmutex {
 public:
  rwmutex() = default;
  rwmutex(const rwmutex&) = delete;
  rwmutex& operator=(const rwmutex&) = delete;

  class rlock_awaiter {
   public:
    rlock_awaiter(rwmutex* rw, const std::source_location& where) noexcept
        : rw_(rw), wait_(&rw->reader_sem_, false, detail::wait_reason::rwmutex_rlock, where) {}
    bool await_ready() noexcept {
      if (rw_->reader_count_.fetch_add(1, std::memory_order_acq_rel) + 1 >= 0) return true;
      return wait_.await_ready();  // a writer is pending: wait for it
    }
    bool await_suspend(std::coroutine_handle<> h) noexcept { return wait_.await_suspend(h); }
    void await_resume() const noexcept {}

   private:
    rwmutex* rw_;
    detail::sema::acquire_awaiter wait_;
  };

  [[nodiscard]] task<> lock(std::source_location where = std::source_location::current());
  void unlock();
  [[nodiscard]] rlock_awaiter rlock(std::source_location where = std::source_location::current()) noexcept {
    return rlock_awaiter(this, where);
  }
  void runlock();
  bool try_lock() noexcept;
  bool try_rlock() noexcept;

 private:
  static constexpr std::int32_t max_readers = 1 << 30;

  mutex w_;  // held by the pending or active writer
  detail::sema writer_sem_;
  detail::sema reader_sem_;
  std::atomic<std::int32_t> reader_count_{0};
  std::atomic<std::int32_t> reader_wait_{0};
};

}  // namespace go
