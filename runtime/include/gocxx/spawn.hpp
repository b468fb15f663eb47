// Goroutines: go::run (the program's main goroutine), go::spawn (Go's `go`
// statement), go::yield (runtime.Gosched) and the scheduler's counters.
#pragma once
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <source_location>
#include <type_traits>
#include <utility>

#include "gocxx/detail/goroutine.hpp"
#include "gocxx/task.hpp"

namespace go {

// Unset fields come from GOMAXPROCS, GOGC and GOMEMLIMIT, then the defaults
// (number of CPUs, 100, no limit).
struct config {
  std::optional<int> maxprocs;
  std::optional<int> gc_percent;
  std::optional<std::int64_t> memory_limit;
};

namespace detail {

// The outermost frame of a goroutine: it holds the callable and the
// arguments, and points to the goroutine's descriptor. Descriptors are
// recycled through per-P free lists, as Go recycles its gs.
struct goroutine_frame {
  struct promise_type : frame_allocation {
    g* gp = nullptr;
    goroutine_frame get_return_object() noexcept {
      return goroutine_frame{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct final_awaiter {
      bool await_ready() noexcept { return false; }
      void await_suspend(std::coroutine_handle<promise_type> h) noexcept { goexit(h.promise().gp); }
      void await_resume() noexcept {}
    };
    final_awaiter final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    // A panic (any exception) that leaves a goroutine ends the process, as in Go.
    [[noreturn]] void unhandled_exception() noexcept { die_of_panic(gp); }
  };
  std::coroutine_handle<promise_type> h;
};

// The body of every goroutine: the callable and the arguments live in this
// frame (copied at the spawn), so they outlive every task the callable starts.
template <class F, class... Args>
goroutine_frame goroutine_main(F fn, Args... args) {
  co_await std::invoke(fn, std::move(args)...);
}

// Gives the frame a descriptor (stored in *gp_slot) and puts the new
// goroutine on the current P's run queue.
void start_goroutine(std::coroutine_handle<> root, g** gp_slot, const std::source_location& site) noexcept;
int run_main(std::coroutine_handle<> root, g** gp_slot, const config& cfg, const std::source_location& site);

template <class F, class... Args>
concept goroutine_callable = std::is_invocable_v<F&, Args&&...>;

}  // namespace detail

// go::spawn(fn, args...) -- Go's `go fn(args...)`. The arguments are copied
// before spawn returns; the goroutine starts later, on some P.
//
// spawn is a class template only so that a default argument can record the
// spawn site after a parameter pack; use it exactly like a function.
template <class F, class... Args>
struct spawn {
  static_assert(detail::goroutine_callable<F, Args...>,
                "go::spawn: fn(args...) must be callable and return go::task<>");
  explicit spawn(F fn, Args... args, std::source_location site = std::source_location::current()) {
    detail::goroutine_frame fr = detail::goroutine_main<F, Args...>(std::move(fn), std::move(args)...);
    detail::start_goroutine(fr.h, &fr.h.promise().gp, site);
  }
};
template <class F, class... Args>
spawn(F, Args...) -> spawn<F, Args...>;

// Runs main_fn as the main goroutine on a fresh scheduler and returns 0 when
// it finishes; goroutines still running are abandoned, as in Go.
template <class F>
int run(F main_fn, config cfg = {}, std::source_location site = std::source_location::current()) {
  detail::goroutine_frame fr = detail::goroutine_main<F>(std::move(main_fn));
  return detail::run_main(fr.h, &fr.h.promise().gp, cfg, site);
}

// runtime.Gosched: lets other goroutines run; this one goes to the global queue.
struct yield {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) noexcept;
  void await_resume() const noexcept {}
};

std::size_t num_goroutine() noexcept;
int maxprocs() noexcept;

}  // namespace go
