// go::blocking(fn): run a blocking system call from a goroutine.
//
// As in Go's entersyscall/exitsyscall, the worker thread gives its P to
// another thread before calling fn, so the other goroutines keep running; when
// fn returns the thread takes an idle P if there is one and continues the
// goroutine at once, or else queues the goroutine globally and goes idle.
#pragma once
#include <coroutine>
#include <exception>
#include <functional>
#include <optional>
#include <type_traits>

#include "gocxx/detail/goroutine.hpp"

namespace go {
namespace detail {

// Releases the current P (entersyscall + handoff).
void enter_blocking(std::coroutine_handle<> h) noexcept;
// Reacquires a P; false when none was idle and the goroutine was queued.
bool exit_blocking() noexcept;

template <class F>
class blocking_awaiter {
  using R = std::invoke_result_t<F&>;

 public:
  explicit blocking_awaiter(F fn) : fn_(std::move(fn)) {}
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) {
    enter_blocking(h);
    try {
      if constexpr (std::is_void_v<R>) {
        std::invoke(fn_);
      } else {
        result_.emplace(std::invoke(fn_));
      }
    } catch (...) {
      error_ = std::current_exception();
    }
    // After exit_blocking returns false another worker may already be running
    // this goroutine: nothing here may touch the frame after it.
    return !exit_blocking();
  }
  R await_resume() {
    if (error_) std::rethrow_exception(error_);
    if constexpr (!std::is_void_v<R>) return std::move(*result_);
  }

 private:
  F fn_;
  std::conditional_t<std::is_void_v<R>, char, std::optional<R>> result_{};
  std::exception_ptr error_;
};

}  // namespace detail

template <class F>
auto blocking(F fn) {
  return detail::blocking_awaiter<F>(std::move(fn));
}

}  // namespace go
