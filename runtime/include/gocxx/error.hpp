// go::error: Go's error interface values, and Go's errors package.
//
// An error is nil or a shared pointer to an immutable node: errors.New's
// message, fmt.Errorf's wrapper, errors.Join's list, or a value of a user
// type with `std::string error() const` (Go's Error method). Nodes never
// change once made, so a go::error is copied (a reference count) and shared
// between goroutines without a lock.
//
// Equality is Go's == on interface values: the same node, or two values of
// the same user type that compare equal with the type's operator== (Go
// compares non-pointer error values by value: syscall.Errno). Every other
// error is equal only to itself: two errorf calls with the same text give
// different errors, as two errors.New calls do, so sentinels such as
// go::canceled work with ==.
//
// A user type is identified by the address of a per-type variable, not by
// typeid, so programs built with -fno-rtti can use errors::as.
#pragma once
#include <concepts>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "gocxx/detail/errorf_format.hpp"

namespace go {

class error;

namespace detail {
class error_node;
struct error_access;
}  // namespace detail

// A user error type: Go's `Error() string` is `std::string error() const`.
// Optional members, as in Go:
//   go::error unwrap() const;               // Unwrap() error
//   std::vector<go::error> unwrap() const;  // Unwrap() []error
//   bool is(const go::error& target) const; // Is(error) bool
//   bool operator==(const T&) const;        // a value type: == compares values
template <class T>
concept error_type = !std::is_same_v<std::remove_cvref_t<T>, error> && requires(const std::remove_cvref_t<T>& v) {
  { v.error() } -> std::convertible_to<std::string>;
};

class error {
 public:
  error() noexcept = default;  // nil

  // A user error value, copied into a new node (Go: assigning a value to an
  // error variable).
  template <error_type T>
  error(T&& value);  // NOLINT(google-explicit-constructor): `return not_found{...};` as in Go

  // errors.New; go::errors::new_ is the Go-like spelling.
  static error make(std::string message);

  explicit operator bool() const noexcept { return node_ != nullptr; }
  // Go's Error(); "<nil>" for nil, as fmt prints a nil error.
  std::string message() const;
  friend bool operator==(const error& a, const error& b) noexcept;

 private:
  friend struct detail::error_access;
  explicit error(std::shared_ptr<const detail::error_node> n) noexcept : node_(std::move(n)) {}
  std::shared_ptr<const detail::error_node> node_;
};

namespace detail {

// What an error points to. The defaults are those of a type without the
// optional method.
class error_node {
 public:
  virtual ~error_node() = default;
  virtual std::string message() const = 0;
  // Unwrap() error: nil when the node has none.
  virtual error unwrap() const { return {}; }
  // Unwrap() []error: empty when the node has none. A node has at most one
  // of the two.
  virtual std::vector<error> unwrap_all() const { return {}; }
  // A custom Is method; false when the node has none.
  virtual bool is(const error&) const { return false; }
  // The user value, when the node holds one of the type tagged `tag`.
  virtual const void* value_of(const void*) const noexcept { return nullptr; }
  // Go's == for two different nodes: a user value type's operator==.
  virtual bool equals(const error_node&) const noexcept { return false; }
};

struct error_access {
  static const error_node* node(const error& e) noexcept { return e.node_.get(); }
  static error make(std::shared_ptr<const error_node> n) noexcept { return error(std::move(n)); }
};

}  // namespace detail

inline bool operator==(const error& a, const error& b) noexcept {
  const detail::error_node* x = detail::error_access::node(a);
  const detail::error_node* y = detail::error_access::node(b);
  if (x == y) return true;  // the same node, or both nil: all that most comparisons need
  return x != nullptr && y != nullptr && x->equals(*y);
}

inline std::string error::message() const { return node_ ? node_->message() : std::string("<nil>"); }

namespace detail {

// A type's identity: the address of a variable of its own. Writable, so
// that no linker folds two of them together (identical-code folding can
// merge equal read-only data).
template <class T>
struct error_type_tag {
  static inline char id = 0;
};
template <class T>
const void* tag_of() noexcept {
  return &error_type_tag<T>::id;
}

// The optional members of a user error type.
template <class T>
concept single_unwrapper = requires(const T& v) {
  { v.unwrap() } -> std::convertible_to<error>;
};
template <class T>
concept multi_unwrapper = requires(const T& v) {
  { v.unwrap() } -> std::convertible_to<std::vector<error>>;
};
template <class T>
concept custom_is = requires(const T& v, const error& target) {
  { v.is(target) } -> std::convertible_to<bool>;
};

// A user error value. const: goroutines that share the node read it
// without a lock, as Go's methods on a shared value only read it.
template <class T>
class value_error final : public error_node {
 public:
  template <class... A>
  explicit value_error(A&&... args) : value_(std::forward<A>(args)...) {}

  std::string message() const override { return std::string(value_.error()); }
  error unwrap() const override {
    if constexpr (single_unwrapper<T>)
      return value_.unwrap();
    else
      return {};
  }
  std::vector<error> unwrap_all() const override {
    if constexpr (multi_unwrapper<T>)
      return value_.unwrap();
    else
      return {};
  }
  bool is(const error& target) const override {
    if constexpr (custom_is<T>)
      return value_.is(target);
    else
      return false;
  }
  const void* value_of(const void* tag) const noexcept override { return tag == tag_of<T>() ? &value_ : nullptr; }
  bool equals(const error_node& other) const noexcept override {
    if constexpr (std::equality_comparable<T>) {
      const void* v = other.value_of(tag_of<T>());
      return v != nullptr && value_ == *static_cast<const T*>(v);
    } else {
      return false;
    }
  }

 private:
  const T value_;
};

[[noreturn]] void panic_nil_deref();

// The walk of errors::as: the first user value of the tagged type, with the
// error whose node holds it in *holder.
const void* find_value(const error& err, const void* tag, error* holder);

template <class T>
  requires(std::is_same_v<T, error> || error_type<T>)
struct fmt_is_error<T> : std::true_type {};

// errorf's arguments, as errorf.cpp reads them; a user error value becomes a
// go::error that lives until the end of the call.
template <class T>
decltype(auto) fmt_value(const T& v) {
  if constexpr (error_type<T>)
    return error(v);
  else
    return (v);
}
template <class T>
fmt_arg make_fmt_arg(const T& v) {
  constexpr fmt_class cls = fmt_type_of<T>().cls;
  fmt_arg a;
  a.cls = cls;
  if constexpr (cls == fmt_class::signed_int)
    a.i = static_cast<long long>(v);
  else if constexpr (cls == fmt_class::unsigned_int)
    a.u = static_cast<unsigned long long>(v);
  else if constexpr (cls == fmt_class::floating)
    a.d = static_cast<double>(v);
  else if constexpr (cls == fmt_class::long_double)
    a.ld = v;
  else if constexpr (cls == fmt_class::c_string)
    a.p = static_cast<const char*>(v);
  else if constexpr (cls == fmt_class::string)
    a.str = {std::string_view(v).data(), std::string_view(v).size()};
  else if constexpr (cls == fmt_class::pointer)
    a.p = static_cast<const void*>(v);
  else if constexpr (cls == fmt_class::error)
    a.err = &v;  // fmt_value made every error value a go::error
  return a;
}

error errorf_impl(const char* format, std::initializer_list<fmt_arg> args);

}  // namespace detail

template <error_type T>
error::error(T&& value)
    : node_(std::make_shared<detail::value_error<std::remove_cvref_t<T>>>(std::forward<T>(value))) {}

// A user error value made in place: go::make_error<not_found>("x").
template <error_type T, class... A>
error make_error(A&&... args) {
  return detail::error_access::make(std::make_shared<detail::value_error<T>>(std::forward<A>(args)...));
}

// fmt.Errorf: printf's conversions, checked at compile time against the
// arguments (the format must be a constant), plus Go's
//   %w  a go::error (or user error value): its message, and the result
//       unwraps to it; with several %w it unwraps to all of them (Go 1.20).
//       A nil error prints %!w(<nil>).
//   %v  a go::error's message, "<nil>" for nil.
//   %s  also takes a std::string, std::string_view or go::error (a nil
//       error prints %!s(<nil>), as Go's fmt).
// Without %w the result is a new error, as errors.New.
template <class... Args>
error errorf(detail::errorf_format<std::type_identity_t<Args>...> format, const Args&... args) {
  static_assert(((detail::fmt_type_of<Args>().cls != detail::fmt_class::unsupported) && ...),
                "go::errorf: an argument is not a number, pointer, string or error");
  return detail::errorf_impl(format.str, {detail::make_fmt_arg(detail::fmt_value(args))...});
}

// Go's errors package.
namespace errors {

// errors.New: a new error with this message, equal only to itself.
inline error new_(std::string message) { return error::make(std::move(message)); }

// errors.Unwrap: what err's single Unwrap returns; nil when err has none,
// also when it unwraps to several errors (errors.Join, several %w).
error unwrap(const error& err);

// errors.Is: whether err or an error it wraps equals target or has an `is`
// method that says so. The tree is walked depth-first, err first.
bool is(const error& err, const error& target);

// What errors::as finds: a pointer to the T inside an error, and a share of
// the node that holds it, so the T lives as long as the result does (an
// unwrap method may make the errors it returns). Empty when nothing was
// found; * and -> on an empty result panic, as a nil dereference.
template <class T>
class as_result {
 public:
  as_result() noexcept = default;
  as_result(error holder, const T* value) noexcept : holder_(std::move(holder)), value_(value) {}

  explicit operator bool() const noexcept { return value_ != nullptr; }
  const T* get() const noexcept { return value_; }
  const T& operator*() const {
    if (!value_) detail::panic_nil_deref();
    return *value_;
  }
  const T* operator->() const {
    if (!value_) detail::panic_nil_deref();
    return value_;
  }

 private:
  error holder_;
  const T* value_ = nullptr;
};

// errors.As: the first value of type T in the same walk as errors::is.
//   if (auto nf = go::errors::as<not_found>(err)) use(nf->name);
template <error_type T>
as_result<T> as(const error& err) {
  error holder;
  const void* v = detail::find_value(err, detail::tag_of<T>(), &holder);
  return as_result<T>(std::move(holder), static_cast<const T*>(v));
}

// errors.Join: nil when every error is nil; otherwise an error that unwraps
// to the non-nil ones and whose message is theirs, one per line.
error join(std::span<const error> errs);
template <class... E>
  requires(std::is_convertible_v<const E&, error> && ...)
error join(const E&... errs) {
  const error all[] = {error(errs)..., error()};  // the extra nil keeps the array non-empty
  return join(std::span<const error>(all, sizeof...(E)));
}

}  // namespace errors
}  // namespace go
