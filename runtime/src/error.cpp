// Go's errors package (errors.go, wrap.go, join.go) over go::error's nodes.
//
// The runtime's own nodes -- errors.New's message, fmt.Errorf's wrappers,
// errors.Join's list -- are immutable after construction, like the user
// values in detail::value_error, so every walk below reads them without a
// lock from any goroutine.
#include <utility>

#include "gocxx/error.hpp"

namespace go {
namespace detail {
namespace {

// errors.New's errorString.
class message_error final : public error_node {
 public:
  explicit message_error(std::string m) : msg_(std::move(m)) {}
  std::string message() const override { return msg_; }

 private:
  const std::string msg_;
};

// errors.Join's joinError: the message is made when asked, as Go's Error
// does, from errors that never change.
class join_error final : public error_node {
 public:
  explicit join_error(std::vector<error> errs) : errs_(std::move(errs)) {}
  std::string message() const override {
    std::string m = errs_[0].message();
    for (std::size_t i = 1; i < errs_.size(); ++i) {
      m += '\n';
      m += errs_[i].message();
    }
    return m;
  }
  std::vector<error> unwrap_all() const override { return errs_; }

 private:
  const std::vector<error> errs_;  // non-empty, no nil
};

// The walk of Go's errors.Is and errors.As: err, then its Unwrap chain,
// depth-first into Unwrap() []error lists; whether found(e, node) holds for
// one of them.
template <class Found>
bool walk(const error& err, Found& found) {
  for (error e = err; e;) {
    const error_node* n = error_access::node(e);
    if (found(e, n)) return true;
    if (error next = n->unwrap()) {
      e = std::move(next);
      continue;
    }
    // A node with a single Unwrap that returned nil has an empty list.
    for (const error& x : n->unwrap_all())
      if (walk(x, found)) return true;
    return false;
  }
  return false;
}

// Go's is(), after errors.Is has handled nil. Every go::error is comparable
// (identity at worst), so Go's isComparable test is always true here.
bool is_in(const error& err, const error& target) {
  auto found = [&](const error& e, const error_node* n) { return e == target || n->is(target); };
  return walk(err, found);
}

}  // namespace

// Go's as(): the first value of the tagged type, with the error holding it.
const void* find_value(const error& err, const void* tag, error* holder) {
  const void* v = nullptr;
  auto found = [&](const error& e, const error_node* n) {
    if (!(v = n->value_of(tag))) return false;
    *holder = e;
    return true;
  };
  walk(err, found);
  return v;
}

}  // namespace detail

error error::make(std::string message) { return error(std::make_shared<detail::message_error>(std::move(message))); }

namespace errors {

error unwrap(const error& err) {
  const detail::error_node* n = detail::error_access::node(err);
  return n ? n->unwrap() : error();
}

bool is(const error& err, const error& target) {
  if (!err || !target) return err == target;
  return detail::is_in(err, target);
}

error join(std::span<const error> errs) {
  std::vector<error> kept;
  for (const error& e : errs)
    if (e) kept.push_back(e);
  if (kept.empty()) return {};
  return detail::error_access::make(std::make_shared<detail::join_error>(std::move(kept)));
}

}  // namespace errors
}  // namespace go
