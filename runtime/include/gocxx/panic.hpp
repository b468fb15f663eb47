// panic, recover and defer.
//
// go::panic(v) throws go::panic_error; recover is `catch (go::panic_error&)`.
// A panic that leaves a goroutine ends the process with Go's report and
// exit status 2 (see report.cpp): the message, where it panicked, and the
// goroutine's stack -- the co_await in each coroutine frame the panic left
// through (each task records where it last awaited, task.hpp), innermost
// first, as Go's traceback lists the calls.
#pragma once
#include <exception>
#include <source_location>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "gocxx/error.hpp"

namespace go {

class panic_error : public std::exception {
 public:
  explicit panic_error(std::string message) : message_(std::move(message)) {}
  panic_error(std::string message, const std::source_location& site)
      : message_(std::move(message)), site_(site), has_site_(true) {}
  const char* what() const noexcept override { return message_.c_str(); }
  const std::string& message() const noexcept { return message_; }

  // Where it panicked: the go::panic call, or the channel operation that
  // panicked; null when the operation cannot know (an operator: `->` on a
  // nil go::ptr, `s[i]` out of range), and then the traceback's innermost
  // frame says which function it was.
  const std::source_location* site() const noexcept { return has_site_ ? &site_ : nullptr; }
  // The co_await in each task frame the panic has left so far, innermost
  // first (the innermost frame's is where it last awaited before panicking).
  const std::vector<std::source_location>& frames() const noexcept { return frames_; }
  void add_frame(const std::source_location& at) { frames_.push_back(at); }

 private:
  std::string message_;
  std::source_location site_;
  bool has_site_ = false;
  std::vector<std::source_location> frames_;
};

namespace detail {
template <class T>
std::string panic_text(const T& v) {
  if constexpr (std::is_same_v<T, error>) {
    return v.message();
  } else if constexpr (error_type<T>) {
    return std::string(v.error());  // Go's panic(err) prints err.Error()
  } else if constexpr (std::is_convertible_v<const T&, std::string>) {
    return std::string(v);
  } else {
    std::ostringstream os;
    os << v;
    return os.str();
  }
}
}  // namespace detail

template <class T>
[[noreturn]] void panic(const T& value, std::source_location where = std::source_location::current()) {
  throw panic_error(detail::panic_text(value), where);
}

// Runs fn when the scope ends, also while a panic unwinds it. Several defers
// in one scope run in reverse order of declaration, as in Go.
template <class F>
class [[nodiscard]] defer {
 public:
  explicit defer(F fn) : fn_(std::move(fn)) {}
  defer(const defer&) = delete;
  defer& operator=(const defer&) = delete;
  ~defer() noexcept(false) { fn_(); }

 private:
  F fn_;
};
template <class F>
defer(F) -> defer<F>;

}  // namespace go
