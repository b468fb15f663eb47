// Goroutines: go::run (the program's main goroutine), go::spawn (Go's `go`
// statement), go::yield (runtime.Gosched) and the scheduler's counters.
#pragma once
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <new>
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
  std::optional<int> maxprocs = std::nullopt;
  std::optional<int> gc_percent = std::nullopt;
  std::optional<std::int64_t> memory_limit = std::nullopt;
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

// What a goroutine's function may return: go::task<T> (awaited, the result
// dropped, as `go f()` drops f's results) or void -- a plain function, like
// `go func() { ... }()`, runs as the goroutine's whole body.
template <class R>
struct is_task : std::false_type {};
template <class T>
struct is_task<task<T>> : std::true_type {};
template <class R>
constexpr bool goroutine_result = std::is_void_v<R> || is_task<R>::value;

// The body of every goroutine: the callable and the arguments live in this
// frame (copied at the spawn), so they outlive every task the callable starts.
template <class F, class... Args>
goroutine_frame goroutine_main(F fn, Args... args) {
  if constexpr (std::is_void_v<std::invoke_result_t<F&, Args&&...>>) {
    std::invoke(fn, std::move(args)...);
  } else {
    co_await std::invoke(fn, std::move(args)...);
  }
}

// Whether fn(args...) can be a goroutine, with one line of error for each
// way it cannot, instead of the template errors of invoking it (checked
// where the callable is converted, so the message points at the go::spawn
// or go::run). The callers instantiate nothing more for a bad fn (`if
// constexpr` on the result), so the message is the only error.
template <class F, class... Args>
constexpr bool check_goroutine_function() {
  static_assert(std::is_invocable_v<F&, Args&&...>,
                "go::spawn(fn, args...) / go::run(fn): fn cannot be called with these arguments "
                "(each is copied into the goroutine, then passed as an rvalue)");
  if constexpr (std::is_invocable_v<F&, Args&&...>) {
    static_assert(goroutine_result<std::invoke_result_t<F&, Args&&...>>,
                  "go::spawn(fn, args...) / go::run(fn): fn must return go::task<> (a coroutine: "
                  "write `-> go::task<>` and co_await inside) or void (a plain function)");
    return goroutine_result<std::invoke_result_t<F&, Args&&...>>;
  } else {
    return false;
  }
}

// Gives the frame a descriptor (stored in *gp_slot) and puts the new
// goroutine on the current P's run queue.
void start_goroutine(std::coroutine_handle<> root, g** gp_slot, const std::source_location& site) noexcept;
int run_main(std::coroutine_handle<> root, g** gp_slot, const config& cfg, const std::source_location& site);

// Whether fn(args...) can itself be the goroutine's outermost frame, saving
// the wrapper frame: fn must need no storage of its own (a function pointer,
// or a lambda without captures) and take every parameter by value, so that
// the task's frame holds its own copies of the arguments.
template <class Sig>
struct params_by_value : std::false_type {};
template <class R, class... P>
struct params_by_value<R (*)(P...)> : std::bool_constant<(!std::is_reference_v<P> && ...)> {};
template <class R, class C, class... P>
struct params_by_value<R (C::*)(P...) const> : std::bool_constant<(!std::is_reference_v<P> && ...)> {};

template <class F>
constexpr bool stateless_by_value() {
  if constexpr (std::is_pointer_v<F> && std::is_function_v<std::remove_pointer_t<F>>) {
    return params_by_value<F>::value;
  } else if constexpr (std::is_empty_v<F> && requires { &F::operator(); }) {
    return params_by_value<decltype(&F::operator())>::value;
  } else {
    return false;
  }
}

template <class F, class... Args>
constexpr bool direct_root = stateless_by_value<F>() && std::is_same_v<std::invoke_result_t<F&, Args&&...>, task<>>;

// The callable of a spawn together with the spawn site.
//
// spawn's first parameter has this type with Args in a non-deduced context:
// Args are deduced from the arguments, then the callable converts implicitly,
// and the converting constructor's defaulted std::source_location records
// where go::spawn was called. The constructor knows the callable's type and
// Args, so it can remember how to start the goroutine; spawn supplies the
// argument values.
template <class... Args>
class spawn_callable {
 public:
  template <class F>
  spawn_callable(F&& fn, std::source_location site = std::source_location::current())  // NOLINT: implicit
      : site_(site) {
    using Fn = std::decay_t<F>;
    if constexpr (check_goroutine_function<Fn, Args...>()) {
      if constexpr (sizeof(Fn) <= sizeof(inline_) && alignof(Fn) <= alignof(std::max_align_t)) {
        fn_ = new (inline_) Fn(std::forward<F>(fn));
        destroy_ = [](void* p) { static_cast<Fn*>(p)->~Fn(); };
      } else {
        // From the C++ heap: handles among the captures register as roots.
        fn_ = new Fn(std::forward<F>(fn));
        destroy_ = [](void* p) { delete static_cast<Fn*>(p); };
      }
      launch_ = [](void* p, Args&&... args, const std::source_location& at) {
        if constexpr (direct_root<Fn, Args...>) {
          auto h = std::invoke(*static_cast<Fn*>(p), std::move(args)...).release();
          start_goroutine(h, &h.promise().goroutine, at);
        } else {
          goroutine_frame fr = goroutine_main<Fn, Args...>(std::move(*static_cast<Fn*>(p)), std::move(args)...);
          start_goroutine(fr.h, &fr.h.promise().gp, at);
        }
      };
    }
  }
  spawn_callable(const spawn_callable&) = delete;
  ~spawn_callable() { destroy_(fn_); }

  void launch(Args&&... args) { launch_(fn_, std::move(args)..., site_); }

 private:
  alignas(std::max_align_t) unsigned char inline_[64];
  void* fn_;
  void (*destroy_)(void*);
  void (*launch_)(void*, Args&&..., const std::source_location&);
  std::source_location site_;
};

}  // namespace detail

// go::spawn(fn, args...) -- Go's `go fn(args...)`. The arguments are copied
// (decayed) before spawn returns; the goroutine starts later, on some P.
template <class... Args>
void spawn(detail::spawn_callable<std::decay_t<Args>...> fn, Args&&... args) {
  fn.launch(std::decay_t<Args>(std::forward<Args>(args))...);
}

// Runs main_fn as the main goroutine on a fresh scheduler and returns 0 when
// it finishes; goroutines still running are abandoned, as in Go.
template <class F>
int run(F main_fn, config cfg = {}, std::source_location site = std::source_location::current()) {
  if constexpr (detail::check_goroutine_function<F>()) {
    detail::goroutine_frame fr = detail::goroutine_main<F>(std::move(main_fn));
    return detail::run_main(fr.h, &fr.h.promise().gp, cfg, site);
  } else {
    return 2;
  }
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
