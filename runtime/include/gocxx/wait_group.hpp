// go::wait_group: Go's sync.WaitGroup.
//
// state_ packs the counter (high 32 bits) and the number of waiters (low 32)
// so that "counter reached zero" and "who is waiting" change atomically
// together; the goroutine that brings the counter to zero releases every
// waiter and resets the state for reuse.
#pragma once
#include <atomic>
#include <coroutine>
#include <cstdint>
#include <source_location>

#include "gocxx/detail/sema.hpp"

namespace go {

class wait_group {
 public:
  wait_group() = default;
  wait_group(const wait_group&) = delete;
  wait_group& operator=(const wait_group&) = delete;

  void add(int delta);
  void done() { add(-1); }

  class wait_awaiter {
   public:
    wait_awaiter(wait_group* wg, const std::source_location& where) noexcept
        : wg_(wg), wait_(&wg->sema_, false, detail::wait_reason::wait_group_wait, where) {}
    bool await_ready() noexcept;
    bool await_suspend(std::coroutine_handle<> h) noexcept { return wait_.await_suspend(h); }
    void await_resume() const noexcept {}

   private:
    wait_group* wg_;
    detail::sema::acquire_awaiter wait_;
  };
  [[nodiscard]] wait_awaiter wait(std::source_location where = std::source_location::current()) noexcept {
    return wait_awaiter(this, where);
  }

 private:
  std::atomic<std::uint64_t> state_{0};
  detail::sema sema_;
};

}  // namespace go
