// A declarations-only stand-in for the GC part of the gocxx runtime
// (docs/runtime-api.md, "Memory and the GC"), until it lands in
// runtime/include: exactly the contract's surface, no definitions. The
// escape analysis recognises these by name (checks/runtime_model/
// escape_model.hpp) and never needs their bodies. Channels, spawn and task
// come from the real runtime.
#pragma once
#include <gocxx/gocxx.hpp>

#include <cstddef>
#include <optional>

namespace go {

template <class T>
class ptr {
 public:
  ptr() noexcept;
  ptr(std::nullptr_t) noexcept;
  template <class U>
  ptr(const ptr<U>& other) noexcept;  // ptr<Derived> -> ptr<Base>
  T* operator->() const;              // panics on nil
  T& operator*() const;               // panics on nil
  T* get() const noexcept;
  explicit operator bool() const noexcept;
  bool operator==(const ptr& other) const noexcept;
  bool operator==(std::nullptr_t) const noexcept;

 private:
  T* p_;
};

template <class T, class... A>
ptr<T> new_(A&&... args);

template <class T>
class slice {
 public:
  slice() noexcept;
  slice(std::nullptr_t) noexcept;
  T& operator[](std::size_t i) const;  // panics out of range
  std::size_t len() const noexcept;
  std::size_t cap() const noexcept;
  slice sub(std::size_t lo, std::size_t hi) const;  // shares the array

 private:
  T* array_;
  std::size_t len_, cap_;
};

template <class T>
slice<T> make_slice(std::size_t len);
template <class T>
slice<T> make_slice(std::size_t len, std::size_t cap);
template <class T, class... U>
slice<T> append(slice<T> s, U&&... xs);

template <class K, class V>
class map {
 public:
  map() noexcept;
  void set(const K& k, const V& v);
  std::optional<V> get(const K& k) const;
  void erase(const K& k);
  std::size_t len() const noexcept;

 private:
  void* h_;
};

template <class K, class V>
map<K, V> make_map();
template <class K, class V>
map<K, V> make_map(std::size_t hint);

void gc();

}  // namespace go
