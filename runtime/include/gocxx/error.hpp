// go::error: Go's error values. nil or a message; errors compare by identity
// (two errorf calls with the same text are different errors, as errors.New
// values are in Go), so sentinels like go::canceled work with ==.
#pragma once
#include <memory>
#include <string>

namespace go {

class error {
 public:
  error() noexcept = default;  // nil
  static error make(std::string message) { return error(std::make_shared<const std::string>(std::move(message))); }

  explicit operator bool() const noexcept { return msg_ != nullptr; }
  std::string message() const { return msg_ ? *msg_ : std::string("<nil>"); }
  friend bool operator==(const error& a, const error& b) noexcept { return a.msg_ == b.msg_; }

 private:
  explicit error(std::shared_ptr<const std::string> m) noexcept : msg_(std::move(m)) {}
  std::shared_ptr<const std::string> msg_;
};

// fmt.Errorf, printf-style.
error errorf(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace go
