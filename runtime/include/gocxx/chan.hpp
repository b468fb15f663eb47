// Channels: go::chan<T> (chan T), go::send_chan<T> (chan<- T) and
// go::recv_chan<T> (<-chan T). Handles are copyable references to one channel
// object, like Go's channel values; a default-constructed handle is nil.
#pragma once
#include <coroutine>
#include <cstddef>
#include <new>
#include <optional>
#include <source_location>
#include <type_traits>
#include <utility>

#include "gocxx/detail/chan_core.hpp"
#include "gocxx/detail/heap.hpp"
#include "gocxx/ptr.hpp"

namespace go {

// Element type of signal-only channels (Go's struct{}).
struct unit {
  friend bool operator==(unit, unit) noexcept { return true; }
};

template <class T>
struct recv_result {
  T value;
  bool ok;
};

namespace detail {

template <class T>
struct typed_elem_ops {
  static void move_assign(void* dst, void* src) { *static_cast<T*>(dst) = std::move(*static_cast<T*>(src)); }
  static void reset(void* p) { *static_cast<T*>(p) = T{}; }
  static constexpr elem_ops table{&move_assign, &reset, std::is_trivially_copyable_v<T>};
};

// The channel object with its ring buffer in the same allocation, on the GC
// heap: it lives while a handle, a goroutine frame or a buffered value
// refers to it, and its finalizer destroys the buffered elements.
template <class T>
class hchan final : public hchan_base {
  static_assert(std::is_default_constructible_v<T>, "channel elements need a zero value (default constructor)");
  static_assert(std::is_move_assignable_v<T>, "channel elements must be move-assignable");
  static_assert(alignof(T) <= alignof(std::max_align_t), "over-aligned channel elements are not supported");

  static constexpr std::size_t header = (sizeof(hchan_base) + alignof(T) - 1) / alignof(T) * alignof(T);
  static std::size_t bytes(std::size_t cap) noexcept { return header + cap * sizeof(T); }

  hchan(std::size_t cap, T* buf) noexcept : hchan_base(cap, buf, sizeof(T), &typed_elem_ops<T>::table) {}
  ~hchan() = default;

 public:
  static hchan* make(std::size_t cap) {
    if (cap > (std::size_t(1) << 40) / (sizeof(T) ? sizeof(T) : 1)) panic_runtime("makechan: size out of range");
    // Buffered elements the collector may free without their destructor
    // (trivially_collectable: scalars, go::ptr) are not destroyed one by one.
    constexpr finalizer fin = trivially_collectable_v<T> ? &destroy_header_only : &destroy;
    unsigned char* mem = static_cast<unsigned char*>(gc_alloc(bytes(cap), alloc_kind::scan, fin));
    T* buf = reinterpret_cast<T*>(mem + header);
    std::size_t built = 0;
    try {
      for (; built < cap; ++built) new (buf + built) T();
    } catch (...) {
      for (std::size_t i = 0; i < built; ++i) buf[i].~T();
      gc_cancel_finalizer(mem);
      throw;
    }
    // An unbuffered channel keeps no pointer to its (empty) buffer: that
    // would point one past the object, into the next one on the heap, and
    // the conservative collector would keep that object alive with it.
    return new (mem) hchan(cap, cap ? buf : nullptr);
  }

 private:
  static void destroy(void* obj, std::size_t) noexcept {
    auto* c = static_cast<hchan*>(obj);
    const std::size_t n = c->cap();
    T* buf = reinterpret_cast<T*>(static_cast<unsigned char*>(obj) + header);
    for (std::size_t i = 0; i < n; ++i) buf[i].~T();
    c->~hchan();
  }
  static void destroy_header_only(void* obj, std::size_t) noexcept { static_cast<hchan*>(obj)->~hchan(); }
};

template <class T>
class send_awaiter {
 public:
  send_awaiter(hchan<T>* c, T v, const std::source_location& where) : c_(c), value_(std::move(v)), where_(where) {}
  send_awaiter(const send_awaiter&) = delete;
  ~send_awaiter() {
    if (s_.queued) c_->cancel_wait(&s_);
  }
  bool await_ready() { return c_ && c_->try_send(&value_, where_); }
  void await_suspend(std::coroutine_handle<> h) noexcept {
    if (!c_) return park_current(h, wait_reason::chan_send_nil, where_, wait_target{});
    c_->park_send(&s_, &value_, h, where_);
  }
  void await_resume() {
    if (s_.c && !s_.success) panic_runtime("send on closed channel", where_);
  }

 private:
  hchan<T>* c_;
  T value_;
  sudog s_;
  std::source_location where_;
};

enum class recv_mode { value, with_ok, next };

template <class T, recv_mode Mode>
class recv_awaiter {
 public:
  recv_awaiter(hchan<T>* c, const std::source_location& where) : c_(c), where_(where) {}
  recv_awaiter(const recv_awaiter&) = delete;
  ~recv_awaiter() {
    if (s_.queued) c_->cancel_wait(&s_);
  }
  bool await_ready() noexcept { return c_ && c_->try_recv(&value_, &ok_); }
  void await_suspend(std::coroutine_handle<> h) noexcept {
    if (!c_) return park_current(h, wait_reason::chan_receive_nil, where_, wait_target{});
    c_->park_recv(&s_, &value_, h, where_);
  }
  auto await_resume() {
    if (s_.c) ok_ = s_.success;
    if constexpr (Mode == recv_mode::value) {
      return std::move(value_);
    } else if constexpr (Mode == recv_mode::with_ok) {
      return recv_result<T>{std::move(value_), ok_};
    } else {
      return ok_ ? std::optional<T>(std::move(value_)) : std::optional<T>();
    }
  }

 private:
  hchan<T>* c_;
  T value_{};
  bool ok_ = false;
  sudog s_;
  std::source_location where_;
};

// The traced pointer shared by the three handle types; it follows go::ptr's
// rules (a root wherever it lives, the write barrier on every store).
template <class T>
class chan_ref {
 public:
  chan_ref() noexcept = default;
  chan_ref(std::nullptr_t) noexcept {}

  std::size_t len() const noexcept { return c_ ? c_->len() : 0; }
  std::size_t cap() const noexcept { return c_ ? c_->cap() : 0; }
  friend bool operator==(const chan_ref& a, const chan_ref& b) noexcept { return a.c_ == b.c_; }
  friend bool operator==(const chan_ref& a, std::nullptr_t) noexcept { return a.c_ == nullptr; }

  hchan<T>* raw() const noexcept { return c_; }

  // `co_await ch` (Go's `<-ch`, or `<-ctx.Done()`) is one line of error, not
  // "no member named 'await_ready'". It is not made to work: the operation
  // could not record where it blocked (an operator takes no defaulted
  // std::source_location), and the deadlock and leak reports need that.
  // The return type is spelled out so that asking whether a channel is
  // awaitable instantiates nothing; only a real co_await reaches the assert.
  template <class Self = T>
  std::suspend_never operator co_await() const {
    static_assert(sizeof(Self) == 0,
                  "co_await ch: write co_await ch.recv() (Go's <-ch), co_await ch.send(v) (ch <- v), "
                  "or while (auto v = co_await ch.next()) (for v := range ch)");
    return {};
  }

 protected:
  explicit chan_ref(hchan<T>* adopt) noexcept : c_(adopt) {}

  send_awaiter<T> send_op(T v, const std::source_location& where) const {
    return send_awaiter<T>(c_, std::move(v), where);
  }
  template <recv_mode M>
  recv_awaiter<T, M> recv_op(const std::source_location& where) const {
    return recv_awaiter<T, M>(c_, where);
  }
  void close_op(const std::source_location& where) const {
    if (!c_) panic_runtime("close of nil channel", where);
    c_->close(where);
  }

  traced<hchan<T>> c_;  // the handle protocol: copies, stores and destruction
};

}  // namespace detail

template <class T>
class chan;

// chan<- T: send and close only.
template <class T>
class send_chan : public detail::chan_ref<T> {
 public:
  using detail::chan_ref<T>::chan_ref;
  send_chan(const chan<T>& c) noexcept : detail::chan_ref<T>(c) {}
  [[nodiscard]] auto send(T v, std::source_location where = std::source_location::current()) const {
    return this->send_op(std::move(v), where);
  }
  void close(std::source_location where = std::source_location::current()) const { this->close_op(where); }
};

// <-chan T: receive only.
template <class T>
class recv_chan : public detail::chan_ref<T> {
 public:
  using detail::chan_ref<T>::chan_ref;
  recv_chan(const chan<T>& c) noexcept : detail::chan_ref<T>(c) {}
  [[nodiscard]] auto recv(std::source_location where = std::source_location::current()) const {
    return this->template recv_op<detail::recv_mode::value>(where);
  }
  [[nodiscard]] auto recv_ok(std::source_location where = std::source_location::current()) const {
    return this->template recv_op<detail::recv_mode::with_ok>(where);
  }
  // for x := range ch: std::nullopt once the channel is closed and drained.
  [[nodiscard]] auto next(std::source_location where = std::source_location::current()) const {
    return this->template recv_op<detail::recv_mode::next>(where);
  }
};

// chan T.
template <class T>
class chan : public detail::chan_ref<T> {
 public:
  using detail::chan_ref<T>::chan_ref;
  [[nodiscard]] auto send(T v, std::source_location where = std::source_location::current()) const {
    return this->send_op(std::move(v), where);
  }
  [[nodiscard]] auto recv(std::source_location where = std::source_location::current()) const {
    return this->template recv_op<detail::recv_mode::value>(where);
  }
  [[nodiscard]] auto recv_ok(std::source_location where = std::source_location::current()) const {
    return this->template recv_op<detail::recv_mode::with_ok>(where);
  }
  [[nodiscard]] auto next(std::source_location where = std::source_location::current()) const {
    return this->template recv_op<detail::recv_mode::next>(where);
  }
  void close(std::source_location where = std::source_location::current()) const { this->close_op(where); }

  template <class U>
  friend chan<U> make_chan(std::size_t);

 private:
  explicit chan(detail::hchan<T>* adopt) noexcept : detail::chan_ref<T>(adopt) {}
};

// make(chan T, cap)
template <class T>
chan<T> make_chan(std::size_t cap = 0) {
  return chan<T>(detail::hchan<T>::make(cap));
}

}  // namespace go
