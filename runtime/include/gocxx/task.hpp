// go::task<T>: the coroutine type of every function that may block.
//
// A task is lazily started: calling the function allocates its frame and
// returns; `co_await task` starts it and transfers control to it directly
// (symmetric transfer), and when it finishes control transfers straight back
// to the awaiting coroutine. A whole goroutine is therefore a chain of frames
// linked by continuations; when the innermost one parks, the scheduler records
// only that frame's handle and later resumes exactly there.
#pragma once
#include <coroutine>
#include <exception>
#include <source_location>
#include <optional>
#include <type_traits>
#include <utility>

#include "gocxx/detail/goroutine.hpp"
#include "gocxx/detail/heap.hpp"
#include "gocxx/detail/traced.hpp"

namespace go {

template <class T = void>
class task;

namespace detail {

// Frames live on the GC heap, in slots their owner frees explicitly (the
// collector scans them as roots, never frees them). The size is passed back
// on delete so that no per-frame header is needed.
struct frame_allocation {
  static void* operator new(std::size_t size) { return detail::frame_alloc(size); }
  static void operator delete(void* p, std::size_t size) noexcept { detail::frame_free(p, size); }
};

// A task handle is a pointer to a frame, and a frame holds arguments and
// locals the collector must see: like go::ptr, a task living outside the GC
// heap and the stacks (a std::vector of tasks) registers itself as a root
// (detail::track_handle). A frame is owned by one task and freed
// explicitly, so no barrier is needed on its handle.

struct task_promise_base : frame_allocation {
  std::coroutine_handle<> continuation;
  std::exception_ptr exception;
  // Where this frame last awaited (every co_await passes through
  // await_transform, whose defaulted argument is the co_await's own
  // position): the frame's line in a panic's traceback. One store per
  // co_await; the awaited expression itself is passed through untouched.
  std::source_location suspended_at;
  // Set when this task is the outermost frame of a goroutine (go::spawn of a
  // function whose parameters are all taken by value): it then ends the
  // goroutine instead of resuming a caller.
  g* goroutine = nullptr;

  std::suspend_always initial_suspend() noexcept { return {}; }

  template <class A>
  A&& await_transform(A&& awaitable, std::source_location at = std::source_location::current()) noexcept {
    suspended_at = at;
    return static_cast<A&&>(awaitable);
  }

  struct final_awaiter {
    bool await_ready() noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      task_promise_base& pr = h.promise();
      if (pr.goroutine) {
        goexit(pr.goroutine);  // destroys this frame
        return std::noop_coroutine();
      }
      return pr.continuation ? pr.continuation : std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  final_awaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept {
    note_panic_frame(suspended_at);
    if (goroutine) die_of_panic(goroutine);  // a panic leaving a goroutine
    exception = std::current_exception();
  }
};

template <class T>
struct task_promise : task_promise_base {
  std::optional<T> value;
  task<T> get_return_object() noexcept;
  template <class U = T>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
  T take() {
    if (exception) std::rethrow_exception(exception);
    return std::move(*value);
  }
};

template <>
struct task_promise<void> : task_promise_base {
  task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take() {
    if (exception) std::rethrow_exception(exception);
  }
};

}  // namespace detail

template <class T>
class [[nodiscard]] task {
 public:
  using promise_type = detail::task_promise<T>;
  using value_type = T;

  task() noexcept { detail::track_handle(&h_); }
  explicit task(std::coroutine_handle<promise_type> h) noexcept : h_(h) { detail::track_handle(&h_); }
  task(task&& o) noexcept : h_(std::exchange(o.h_, {})) { detail::track_handle(&h_); }
  task& operator=(task&& o) noexcept {
    if (this != &o) {
      if (h_) h_.destroy();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  ~task() {
    if (h_) h_.destroy();
    detail::untrack_handle(&h_);
  }

  bool valid() const noexcept { return bool(h_); }
  // Gives up ownership of the frame (go::spawn makes it a goroutine's root).
  std::coroutine_handle<promise_type> release() noexcept { return std::exchange(h_, {}); }

  // Awaiting a task runs it to completion inside the awaiting goroutine.
  auto operator co_await() && noexcept {
    struct awaiter {
      std::coroutine_handle<promise_type> h;
      bool await_ready() const noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) noexcept {
        h.promise().continuation = caller;
        return h;
      }
      T await_resume() { return h.promise().take(); }
    };
    return awaiter{h_};
  }
  auto operator co_await() & noexcept { return std::move(*this).operator co_await(); }

 private:
  std::coroutine_handle<promise_type> h_;
};

namespace detail {
template <class T>
task<T> task_promise<T>::get_return_object() noexcept {
  return task<T>(std::coroutine_handle<task_promise<T>>::from_promise(*this));
}
inline task<void> task_promise<void>::get_return_object() noexcept {
  return task<void>(std::coroutine_handle<task_promise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace go
