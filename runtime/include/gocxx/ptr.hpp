// go::ptr<T> and go::new_<T>: Go's *T and &T{...} on the garbage-collected heap.
//
// A ptr is one word. It is a root wherever it lives: inside a GC object or a
// goroutine frame it is found by scanning; on a thread stack too; anywhere
// else (a std::vector's buffer, a std::function capture, a global) it
// registers its own address with the collector for as long as it lives
// there. Every store runs the write barrier. Moving a ptr copies it, as
// assigning a Go pointer does.
#pragma once
#include <array>
#include <compare>
#include <cstddef>
#include <cstring>
#include <functional>
#include <new>
#include <source_location>
#include <tuple>
#include <type_traits>
#include <utility>

#include "gocxx/detail/heap.hpp"
#include "gocxx/detail/traced.hpp"

namespace go {

// Types the collector never has to scan. Scalars and arrays of scalars are
// pointer-free by definition; specialise this for a type of your own that
// holds neither handles nor raw pointers to GC objects, to make its
// allocations cheaper (noscan spans, the tiny allocator for 16 bytes or less).
template <class T>
struct pointer_free : std::bool_constant<(std::is_arithmetic_v<T> || std::is_enum_v<T>)> {};
template <class T, std::size_t N>
struct pointer_free<T[N]> : pointer_free<T> {};
template <class T>
inline constexpr bool pointer_free_v = pointer_free<std::remove_cv_t<T>>::value;

// Types the collector may free without running their destructor. Their
// objects get no finalizer: no 16-byte header before each object (a node of
// two go::ptr takes Go's 16 bytes, not 32) and nothing for the sweep to call,
// so it never touches a dead object's memory, as Go's never does.
//
// True for trivially destructible types, for the GC handles go::ptr,
// go::slice and go::map (a handle inside the heap is never a registered
// root, and the shade in its destructor is a deletion barrier, moot for an
// object nobody can reach), and for arrays, std::array, std::pair and
// std::tuple of such types. Specialise it for a type of your own whose
// destructor is implicit (or does nothing) and whose members are all such
// types: `struct node { go::ptr<node> left, right; };` is the example. Do not
// for a type whose destructor has effects (closing a file, counting): they
// would not happen. Specialise it before the first go::new_ of the type.
// go::chan is not on the list: its handle holds a reference
// count that its destructor releases.
template <class T>
struct trivially_collectable : std::bool_constant<std::is_trivially_destructible_v<T>> {};
template <class T>
inline constexpr bool trivially_collectable_v = trivially_collectable<std::remove_cv_t<T>>::value;
template <class T, std::size_t N>
struct trivially_collectable<T[N]> : std::bool_constant<trivially_collectable_v<T>> {};
template <class T, std::size_t N>
struct trivially_collectable<std::array<T, N>> : std::bool_constant<trivially_collectable_v<T>> {};
template <class A, class B>
struct trivially_collectable<std::pair<A, B>>
    : std::bool_constant<trivially_collectable_v<A> && trivially_collectable_v<B>> {};
template <class... Ts>
struct trivially_collectable<std::tuple<Ts...>> : std::bool_constant<(trivially_collectable_v<Ts> && ...)> {};

namespace detail {

[[noreturn]] void panic_runtime(const char* msg);
[[noreturn]] void panic_runtime(const char* msg, const std::source_location& where);
[[noreturn]] void panic_nil_deref();

template <class T>
void destroy_object(void* object, std::size_t) noexcept {
  static_cast<T*>(object)->~T();
}

template <class T>
constexpr finalizer finalizer_for() noexcept {
  if constexpr (trivially_collectable_v<T>) {
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

  ptr() noexcept = default;
  ptr(std::nullptr_t) noexcept {}
  template <class U>
    requires std::is_convertible_v<U*, T*>
  ptr(const ptr<U>& o) noexcept : p_(o.get()) {}  // NOLINT: implicit, as Go's assignability
  // A ptr to an object that is not on the GC heap (what go::local hands out,
  // or the address of a global): the collector ignores such targets.
  ptr(detail::adopt_t, T* p) noexcept : p_(p) {}

  ptr& operator=(std::nullptr_t) noexcept {
    p_ = nullptr;
    return *this;
  }
  template <class U>
    requires std::is_convertible_v<U*, T*>
  ptr& operator=(const ptr<U>& o) noexcept {
    p_ = o.get();
    return *this;
  }

  T* get() const noexcept { return p_.get(); }
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
    return a.get() == b.get();
  }
  friend bool operator==(const ptr& a, std::nullptr_t) noexcept { return a.get() == nullptr; }

 private:
  detail::traced<T> p_;  // the handle protocol: copies, stores and destruction
};

// new(T) / &T{args...}: a zeroed, constructed T on the GC heap. Its
// destructor runs when the collector frees it, unless T is
// trivially_collectable.
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
    // Only an object with a finalizer has a header to disarm; for any other
    // the word before it belongs to the object before it.
    if constexpr (detail::finalizer_for<T>() != nullptr) detail::gc_cancel_finalizer(mem);
    throw;
  }
  return ptr<T>(detail::adopt, obj);
}

// The stack-allocation rewrite's object: a T in the enclosing scope, handed
// out as a go::ptr. The collector ignores pointers to it.
//
// Like go::new_, it zeroes the object's memory before constructing it: a
// constructor that leaves a member uninitialised leaves it at its zero value,
// as on the heap (a port of Go code relies on it). The destructor runs at
// the end of the scope (the rewrite is offered only for types whose
// destructor runs no user code, so that the finalizer's timing is moot).
template <class T>
class local {
 public:
  template <class... Args>
  explicit local(Args&&... args) {
    std::memset(static_cast<void*>(&obj_), 0, sizeof(T));
    if constexpr (std::is_constructible_v<T, Args&&...>) {
      ::new (static_cast<void*>(&obj_)) T(std::forward<Args>(args)...);
    } else {
      ::new (static_cast<void*>(&obj_)) T{std::forward<Args>(args)...};
    }
  }
  local(const local&) = delete;
  local& operator=(const local&) = delete;
  ~local() { obj_.~T(); }

  ptr<T> ptr() noexcept { return go::ptr<T>(detail::adopt, &obj_); }
  T& operator*() noexcept { return obj_; }
  T* operator->() noexcept { return &obj_; }

 private:
  // A union: the member is constructed by hand, after the zeroing.
  union {
    T obj_;
  };
};

template <class U>
struct trivially_collectable<ptr<U>> : std::true_type {};

}  // namespace go

template <class T>
struct std::hash<go::ptr<T>> {
  std::size_t operator()(const go::ptr<T>& p) const noexcept { return std::hash<T*>()(p.get()); }
};

static_assert(sizeof(go::ptr<int>) == sizeof(void*), "go::ptr is one word");
