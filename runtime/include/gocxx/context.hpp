// go::context: Go's context package. A context is a copyable handle to an
// immutable node in a tree; cancelling a node closes its done() channel and
// cancels every descendant, never an ancestor.
#pragma once
#include <any>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "gocxx/chan.hpp"
#include "gocxx/error.hpp"
#include "gocxx/time.hpp"

namespace go {

// context.Canceled and context.DeadlineExceeded.
extern const error canceled;
extern const error deadline_exceeded;

namespace detail {

class context_node;

// A value key: the key itself and how to compare it with another key.
struct context_key {
  std::any key;
  bool (*equal)(const std::any& a, const std::any& b);
};

template <class K>
context_key make_context_key(K key) {
  if constexpr (std::is_convertible_v<K, const char*>) {
    return make_context_key(std::string(key));  // string literals compare by text
  } else {
    return {std::any(std::move(key)), [](const std::any& a, const std::any& b) {
              const K* x = std::any_cast<K>(&a);
              const K* y = std::any_cast<K>(&b);
              return x && y && *x == *y;
            }};
  }
}

}  // namespace detail

class context {
 public:
  context();  // background
  explicit context(std::shared_ptr<const detail::context_node> n) noexcept : node_(std::move(n)) {}

  // Closed when the context is cancelled or its deadline passes; the nil
  // channel (never ready) for contexts that can never be cancelled.
  recv_chan<unit> done() const;
  // nil until done() is closed; then go::canceled or go::deadline_exceeded.
  error err() const;
  std::optional<time_point> deadline() const;
  // The value stored under key by with_value here or in an ancestor; an
  // empty std::any when there is none.
  template <class K>
  std::any value(const K& key) const {
    return lookup(detail::make_context_key(key));
  }

  const std::shared_ptr<const detail::context_node>& node() const noexcept { return node_; }

 private:
  std::any lookup(const detail::context_key& key) const;
  std::shared_ptr<const detail::context_node> node_;
};

using cancel_func = std::function<void()>;

struct context_with_cancel {
  context ctx;
  cancel_func cancel;  // idempotent; cancels ctx and its descendants
};

context background();
context todo();
context_with_cancel with_cancel(const context& parent);
context_with_cancel with_deadline(const context& parent, time_point deadline);
context_with_cancel with_timeout(const context& parent, duration timeout);

context with_value_any(const context& parent, detail::context_key key, std::any value);

template <class K, class V>
context with_value(const context& parent, K key, V value) {
  return with_value_any(parent, detail::make_context_key(std::move(key)), std::any(std::move(value)));
}

}  // namespace go
