// panic, recover and defer.
//
// go::panic(v) throws go::panic_error; recover is `catch (go::panic_error&)`.
// A panic that leaves a goroutine ends the process with Go's report and
// exit status 2 (see report.cpp).
#pragma once
#include <exception>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#include "gocxx/error.hpp"

namespace go {

class panic_error : public std::exception {
 public:
  explicit panic_error(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  const std::string& message() const noexcept { return message_; }

 private:
  std::string message_;
};

namespace detail {
template <class T>
std::string panic_text(const T& v) {
  if constexpr (std::is_same_v<T, error>) {
    return v.message();
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
[[noreturn]] void panic(const T& value) {
  throw panic_error(detail::panic_text(value));
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
