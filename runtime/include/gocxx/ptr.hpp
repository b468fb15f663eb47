// go::ptr<T> and go::new_<T>: Go's *T and &T{...} on the garbage-collected heap.
//
// A ptr is one word. It is a root wherever it lives: inside a GC object or a
// goroutine frame it is found by scanning; on a thread stack too; anywhere
// else (a std::vector's buffer, a std::function capture, a global) it
// registers its own address with the collector for as long as it lives
// there. Every store runs the write barrier. Moving a ptr copies it, as
// assigning a Go pointer does.
#pragma once
#include <compare>
#include <cstddef>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

#include "gocxx/detail/heap.hpp"

namespace go {

// Types the collector never has to scan. Scalars and arrays of scalars are
// pointer-free by definition; specialise this for a type of your own that
// holds neither handles nor raw pointers to GC objects, to make its
// allocations cheaper (noscan spans, the tiny allocator for 16 bytes or less).
template <class T>
struct pointer_free
    : std::bool_constant<(std::is_arithmetic_v<T> || std::is_enum_v<T>)> {};
template <class T, std::size_t N>
struct pointer_free<T[N]> : pointer_free<T> {};
template <class T>
inline constexpr bool pointer_free_v = pointer_free<std::remove_cv_t<T>>::value;

namespace detail {

[[noreturn]] void panic_runtime(const char* msg);
[[noreturn]] void panic_nil_deref();

// A handle's root bookkeeping, shared by ptr, slice, map and chan: the word
// at `slot` is a pointer the collector must see.
inline void track_handle(const void* slot) noexcept {
  if (handle_slot_is_root(slot)) register_root(slot);
}
inline void untrack_handle(const void* slot) noexcept {
  if (handle_slot_is_root(slot)) unregister_root(slot);
}

template <class T>
void destroy_object(void* object, std::size_t) noexcept {
  static_cast<T*>(object)->~T();
}

template <class T>
constexpr finalizer finalizer_for() noexcept {
  if constexpr (std::is_trivially_destructible_v<T>) {
    return nullptr;
  } else {
    return &destroy_object<T>;
  }
}

template <class T>
constexpr alloc_kind alloc_kind_for() noexcept {
  return pointer_free_v<T> ? alloc_kind::noscan : alloc_kind::scan;
}

struct adopt_t {};
inline constexpr adopt_t adopt{};

}  // namespace detail

template <class T>
class ptr {
 public:
  using element_type = T;

  ptr() noexcept { detail::track_handle(this); }
  ptr(std::nullptr_t) noexcept { detail::track_handle(this); }
  ptr(const ptr& o) noexcept : p_(o.p_) {
    detail::gc_shade(p_);
    detail::track_handle(this);
  }
  // Go has no moves: a moved-from ptr still points where it did.
  ptr(ptr&& o) noexcept : ptr(static_cast<const ptr&>(o)) {}
  template <class U>
    requires std::is_convertible_v<U*, T*>
  ptr(const ptr<U>& o) noexcept : p_(o.get()) {  // NOLINT: implicit, as Go's assignability
    detail::gc_shade(p_);
    detail::track_handle(this);
  }
  // A ptr to an object that is not on the GC heap (what go::local hands out,
  // or the address of a global): the collector ignores such targets.
  ptr(detail::adopt_t, T* p) noexcept : p_(p) {
    detail::gc_shade(p_);
    detail::track_handle(this);
  }
  ~ptr() {
    detail::gc_shade(p_);  // a deletion, as far as the barrier is concerned
    detail::untrack_handle(this);
  }

  ptr& operator=(const ptr& o) noexcept {
    store(o.p_);
    return *this;
  }
  ptr& operator=(ptr&& o) noexcept {
    store(o.p_);
    return *this;
  }
  ptr& operator=(std::nullptr_t) noexcept {
    store(nullptr);
    return *this;
  }
  template <class U>
    requires std::is_convertible_v<U*, T*>
  ptr& operator=(const ptr<U>& o) noexcept {
    store(o.get());
    return *this;
  }

  T* get() const noexcept { return p_; }
  T* operator->() const {
    if (!p_) [[unlikely]]
      detail::panic_nil_deref();
    return p_;
  }
  T& operator*() const
    requires(!std::is_void_v<T>)
  {
    if (!p_) [[unlikely]]
      detail::panic_nil_deref();
    return *p_;
  }
  explicit operator bool() const noexcept { return p_ != nullptr; }

  template <class U>
  friend bool operator==(const ptr& a, const ptr<U>& b) noexcept {
    return a.p_ == b.get();
  }
  friend bool operator==(const ptr& a, std::nullptr_t) noexcept { return a.p_ == nullptr; }

 private:
  void store(T* v) noexcept {
    detail::write_barrier(p_, v);
    p_ = v;
  }

  T* p_ = nullptr;
};

// new(T) / &T{args...}: a zeroed, constructed T on the GC heap. Its
// destructor, if not trivial, runs when the collector frees it.
template <class T, class... Args>
ptr<T> new_(Args&&... args) {
  static_assert(!std::is_array_v<T>, "use go::make_slice for arrays");
  static_assert(alignof(T) <= 16, "over-aligned types are not supported on the GC heap");
  void* mem = detail::gc_alloc(sizeof(T), detail::alloc_kind_for<T>(), detail::finalizer_for<T>());
  T* obj;
  try {
    if constexpr (std::is_constructible_v<T, Args&&...>) {
      obj = ::new (mem) T(std::forward<Args>(args)...);
    } else {
      obj = ::new (mem) T{std::forward<Args>(args)...};
    }
  } catch (...) {
    detail::gc_cancel_finalizer(mem);
    throw;
  }
  return ptr<T>(detail::adopt, obj);
}

// The stack-allocation rewrite's object: a T in the enclosing scope, handed
// out as a go::ptr. The collector ignores pointers to it.
template <class T>
class local {
 public:
  template <class... Args>
  explicit local(Args&&... args) : obj_(make(std::forward<Args>(args)...)) {}
  local(const local&) = delete;
  local& operator=(const local&) = delete;

  ptr<T> ptr() noexcept { return go::ptr<T>(detail::adopt, &obj_); }
  T& operator*() noexcept { return obj_; }
  T* operator->() noexcept { return &obj_; }

 private:
  template <class... Args>
  static T make(Args&&... args) {
    if constexpr (std::is_constructible_v<T, Args&&...>) {
      return T(std::forward<Args>(args)...);
    } else {
      return T{std::forward<Args>(args)...};
    }
  }
  T obj_;
};

}  // namespace go

template <class T>
struct std::hash<go::ptr<T>> {
  std::size_t operator()(const go::ptr<T>& p) const noexcept { return std::hash<T*>()(p.get()); }
};
