// go::once: Go's sync.Once. The fast path is one atomic load; the first
// caller runs fn under the mutex, so later callers wait until fn has finished
// (not merely started), as Go guarantees. fn counts as done even if it panics.
#pragma once
#include <atomic>
#include <exception>
#include <type_traits>

#include "gocxx/mutex.hpp"
#include "gocxx/task.hpp"

namespace go {

class once {
 public:
  // fn may be a plain callable or return go::task<>.
  template <class F>
  [[nodiscard]] task<> call(F fn) {
    if (done_.load(std::memory_order_acquire)) co_return;
    co_await mu_.lock();
    std::exception_ptr failure;
    if (!done_.load(std::memory_order_relaxed)) {
      try {
        if constexpr (std::is_same_v<std::invoke_result_t<F&>, task<>>) {
          co_await fn();
        } else {
          fn();
        }
      } catch (...) {
        failure = std::current_exception();
      }
      done_.store(true, std::memory_order_release);
    }
    mu_.unlock();
    if (failure) std::rethrow_exception(failure);
  }

  bool done() const noexcept { return done_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> done_{false};
  mutex mu_;
};

}  // namespace go
