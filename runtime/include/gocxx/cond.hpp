// go::cond: Go's sync.Cond over a go::mutex.
//
// Tickets (Go's notifyList): wait takes a ticket *before* unlocking the
// mutex, so a signal that comes between the unlock and the park is not lost;
// signal wakes the oldest ticket not yet notified, broadcast all of them.
#pragma once
#include <coroutine>
#include <cstdint>
#include <source_location>

#include "gocxx/detail/goroutine.hpp"
#include "gocxx/detail/spinlock.hpp"
#include "gocxx/mutex.hpp"
#include "gocxx/task.hpp"

namespace go {

class cond {
 public:
  explicit cond(mutex* mu) noexcept : mu_(mu) {}
  cond(const cond&) = delete;
  cond& operator=(const cond&) = delete;

  // Unlocks the mutex, waits for signal or broadcast, locks it again.
  [[nodiscard]] task<> wait(std::source_location where = std::source_location::current());
  void signal() noexcept;
  void broadcast() noexcept;

 private:
  struct waiter {
    detail::g* gp = nullptr;
    std::uint64_t ticket = 0;
    waiter* next = nullptr;
    bool queued = false;
  };
  class ticket_awaiter;

  std::uint64_t take_ticket() noexcept;
  void forget(waiter* w) noexcept;

  mutex* mu_;
  detail::spinlock lock_;
  std::uint64_t wait_ticket_ = 0;    // next ticket to hand out
  std::uint64_t notify_ticket_ = 0;  // tickets below this have been notified
  waiter* head_ = nullptr;
  waiter* tail_ = nullptr;
};

}  // namespace go
