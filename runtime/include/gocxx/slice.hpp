// go::slice<T>: Go's []T on the garbage-collected heap, with make, append,
// copy, slicing and Go's bounds checks and growth rule (runtime/slice.go).
//
// A slice is a view of a backing array: the traced pointer word, then len and
// cap. Copying a slice copies the view, so two slices may share one array and
// see each other's writes, exactly as in Go; append writes into the shared
// array while len+n <= cap and moves to a new array otherwise.
//
// Invariants:
//   * Every one of the backing array's elements is a constructed T, from its
//     allocation until the collector frees it (make and growth value-initialise
//     what they do not copy, as Go zeroes the whole array). Element stores are
//     therefore assignments, which run the handles' write barriers.
//   * data_ points INTO the backing array, never one past its end: the
//     collector keeps alive the object a word points into, so a pointer past
//     the end would keep the NEXT heap object alive and let this array die.
//     A slice expression whose result has capacity 0 keeps the old pointer
//     instead (Go's compiler does the same).
//   * A nil slice has data_ == nullptr; an empty non-nil slice (make(T, 0))
//     points at zerobase, a static object the collector ignores.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "gocxx/ptr.hpp"

namespace go {

namespace detail {

// Go's maxAlloc on 64-bit Linux: the largest allocation the heap can hand out.
inline constexpr std::size_t max_alloc = sizeof(void*) == 8 ? (std::size_t{1} << 48) : (std::size_t{1} << 31) - 1;

// What zero-capacity non-nil slices point to (Go's runtime.zerobase). Not on
// the GC heap, so the collector ignores pointers to it.
alignas(16) inline unsigned char zerobase[16];

// Go's boundsError texts (runtime/error.go), negative operands included.
[[noreturn, gnu::cold, gnu::noinline]] inline void panic_index(std::ptrdiff_t i, std::size_t len) {
  std::string m = "runtime error: index out of range [" + std::to_string(i) + "]";
  if (i >= 0) m += " with length " + std::to_string(len);
  panic_runtime(m.c_str());
}
// s[lo:hi] / s[lo:hi:max]: what = 'A' (the high bound against cap), 'B' (lo > hi
// in s[lo:hi], or hi > max in s[lo:hi:max]), 'C' (lo > hi in s[lo:hi:max]).
[[noreturn, gnu::cold, gnu::noinline]] inline void panic_slice(bool three, char what, std::ptrdiff_t x,
                                                             std::ptrdiff_t y) {
  const std::string xs = std::to_string(x), ys = std::to_string(y);
  std::string m = "runtime error: slice bounds out of range [";
  if (what == 'A') {
    m += (three ? "::" : ":") + xs + "]";
    if (x >= 0) m += " with capacity " + ys;
  } else if (what == 'B' && !three) {
    m += xs + ":" + (x >= 0 ? ys : std::string()) + "]";
  } else if (what == 'B') {
    m += ":" + xs + ":" + (x >= 0 ? ys : std::string()) + "]";
  } else {
    m += xs + ":" + (x >= 0 ? ys + ":" : std::string(":")) + "]";
  }
  panic_runtime(m.c_str());
}

// Runs the destructors of a backing array the collector frees; its length is
// what make or growth asked gc_alloc for.
template <class T>
void destroy_array(void* object, std::size_t bytes) noexcept {
  T* p = static_cast<T*>(object);
  for (std::size_t i = 0, n = bytes / sizeof(T); i < n; ++i) p[i].~T();
}

}  // namespace detail

template <class T>
class slice;
template <class T>
struct trivially_collectable<slice<T>> : std::true_type {};

namespace detail {

// The collector runs T's destructors when it frees an array of T unless T
// is trivially_collectable (ptr.hpp): []*T and [][]T carry no finalizer, as
// in Go.
template <class T>
constexpr finalizer finalizer_for_array() noexcept {
  if constexpr (trivially_collectable_v<T>) {
    return nullptr;
  } else {
    return &destroy_array<T>;
  }
}

// The heap hands out zeroed memory, which is already the value-initialised
// representation of these types: make can skip the constructor loop.
template <class T>
inline constexpr bool zero_is_value_init =
    std::is_trivially_default_constructible_v<T> && std::is_trivially_destructible_v<T> &&
    !std::is_member_pointer_v<T>;

// Copies of trivially copyable elements are memmoves. When T may hold raw
// pointers, shade the source words while the collector marks, as Go's
// bulkBarrierPreWrite does for typedmemmove.
template <class T>
void shade_before_memmove(const T* src, std::size_t n) noexcept {
  if constexpr (!pointer_free_v<T>) {
    if (gc_barrier_on.load(std::memory_order_relaxed)) [[unlikely]]
      gc_shade_range(src, n * sizeof(T));
  }
}

// Go's copy/memmove for constructed elements: overlap-safe assignment.
template <class T>
void move_elements(T* dst, const T* src, std::size_t n) {
  if (n == 0 || dst == src) return;
  if constexpr (std::is_trivially_copyable_v<T>) {
    shade_before_memmove(src, n);
    std::memmove(static_cast<void*>(dst), static_cast<const void*>(src), n * sizeof(T));
  } else if (std::less<const T*>()(dst, src)) {
    for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
  } else {
    for (std::size_t i = n; i-- > 0;) dst[i] = src[i];
  }
}

// A new backing array of `cap` elements: ONE gc_alloc, with a finalizer when
// T's destructor matters (finalizer_for_array). The first `ncopy` elements
// are copy-constructed from `src`, the next `nextra` from `extra` (an
// iterator over values T is constructible from), the rest value-initialised. If a constructor throws, the elements built
// so far are destroyed and the finalizer disarmed, so the collector reclaims
// the memory without running destructors on raw bytes.
template <class T, class Extra = const T*>
T* new_array(std::size_t cap, const T* src = nullptr, std::size_t ncopy = 0, Extra extra = nullptr,
             std::size_t nextra = 0) {
  static_assert(alignof(T) <= 16, "over-aligned types are not supported on the GC heap");
  if (cap == 0) return reinterpret_cast<T*>(zerobase);
  void* mem = gc_alloc(cap * sizeof(T), alloc_kind_for<T>(), finalizer_for_array<T>());
  T* a = static_cast<T*>(mem);
  std::size_t built = 0;
  try {
    if constexpr (std::is_trivially_copyable_v<T>) {
      if (ncopy) {
        shade_before_memmove(src, ncopy);
        std::memcpy(mem, static_cast<const void*>(src), ncopy * sizeof(T));
      }
      built = ncopy;
    } else {
      for (; built < ncopy; ++built) ::new (static_cast<void*>(a + built)) T(src[built]);
    }
    for (std::size_t i = 0; i < nextra; ++i, ++built) ::new (static_cast<void*>(a + built)) T(extra[i]);
    if constexpr (zero_is_value_init<T>) {
      built = cap;
    } else {
      for (; built < cap; ++built) ::new (static_cast<void*>(a + built)) T();
    }
  } catch (...) {
    if constexpr (!std::is_trivially_destructible_v<T>) {
      while (built > 0) a[--built].~T();
    }
    if constexpr (finalizer_for_array<T>() != nullptr) gc_cancel_finalizer(mem);
    throw;
  }
  return a;
}

}  // namespace detail

template <class T>
slice<T> make_slice(std::ptrdiff_t len, std::ptrdiff_t cap);

namespace detail {
template <class T, class It>
slice<T> append_n(slice<T> s, It src, std::size_t n);
}  // namespace detail

template <class T>
class slice {
  static_assert(!std::is_reference_v<T> && !std::is_const_v<T>, "slice<T> needs a non-const object type");

 public:
  using value_type = T;
  using iterator = T*;

  slice() noexcept = default;
  slice(std::nullptr_t) noexcept {}
  // []T{a, b, c}: a new array of exactly that many elements (a composite
  // literal's capacity is its length, not rounded to a size class).
  slice(std::initializer_list<T> values) : data_(make_literal(values)), len_(values.size()), cap_(values.size()) {}
  slice(const slice& o) noexcept = default;
  // Go has no moves: a moved-from slice still refers to its array.
  slice(slice&& o) noexcept : slice(static_cast<const slice&>(o)) {}

  slice& operator=(const slice& o) noexcept {
    store(o.data_, o.len_, o.cap_);
    return *this;
  }
  slice& operator=(slice&& o) noexcept { return *this = static_cast<const slice&>(o); }
  slice& operator=(std::nullptr_t) noexcept {
    store(nullptr, 0, 0);
    return *this;
  }

  std::size_t len() const noexcept { return len_; }
  std::size_t cap() const noexcept { return cap_; }
  T* data() const noexcept { return data_; }
  T* begin() const noexcept { return data_; }
  T* end() const noexcept { return data_ + len_; }

  // s[i]. Like Go's, a slice's elements are writable through any copy of it,
  // so indexing a const slice still gives a T&.
  T& operator[](std::ptrdiff_t i) const {
    if (static_cast<std::size_t>(i) >= len_) [[unlikely]]
      detail::panic_index(i, len_);
    return data_[i];
  }

  // s[lo:], s[lo:hi] and s[lo:hi:max]: views of the same array. Bounds are
  // checked in Go's order: the high bound against cap, then lo <= hi.
  slice sub(std::ptrdiff_t lo) const { return sub(lo, static_cast<std::ptrdiff_t>(len_)); }
  slice sub(std::ptrdiff_t lo, std::ptrdiff_t hi) const {
    if (static_cast<std::size_t>(hi) > cap_) [[unlikely]]
      detail::panic_slice(false, 'A', hi, static_cast<std::ptrdiff_t>(cap_));
    if (static_cast<std::size_t>(lo) > static_cast<std::size_t>(hi)) [[unlikely]]
      detail::panic_slice(false, 'B', lo, hi);
    return view(static_cast<std::size_t>(lo), static_cast<std::size_t>(hi), cap_);
  }
  slice sub(std::ptrdiff_t lo, std::ptrdiff_t hi, std::ptrdiff_t max) const {
    if (static_cast<std::size_t>(max) > cap_) [[unlikely]]
      detail::panic_slice(true, 'A', max, static_cast<std::ptrdiff_t>(cap_));
    if (static_cast<std::size_t>(hi) > static_cast<std::size_t>(max)) [[unlikely]]
      detail::panic_slice(true, 'B', hi, max);
    if (static_cast<std::size_t>(lo) > static_cast<std::size_t>(hi)) [[unlikely]]
      detail::panic_slice(true, 'C', lo, hi);
    return view(static_cast<std::size_t>(lo), static_cast<std::size_t>(hi), static_cast<std::size_t>(max));
  }

  // Slices compare only with nil, as in Go.
  friend bool operator==(const slice& s, std::nullptr_t) noexcept { return s.data_ == nullptr; }

 private:
  template <class U>
  friend slice<U> make_slice(std::ptrdiff_t, std::ptrdiff_t);
  template <class U, class It>
  friend slice<U> detail::append_n(slice<U>, It, std::size_t);
  template <class U, std::size_t N>
  friend class local_array;

  // Adopts an array (or a window of one): what make, append and sub return.
  slice(T* data, std::size_t len, std::size_t cap) noexcept : data_(data), len_(len), cap_(cap) {}

  static T* make_literal(std::initializer_list<T> values) {
    return detail::new_array<T>(values.size(), values.begin(), values.size());
  }

  // [lo, hi) of a window whose capacity ends at `max`. A result of capacity
  // 0 keeps the current pointer: lo may be cap, and data_ + cap is past the
  // array (see the invariants above).
  slice view(std::size_t lo, std::size_t hi, std::size_t max) const noexcept {
    T* p = max - lo == 0 ? data_ : data_ + lo;
    return slice(p, hi - lo, max - lo);
  }

  void store(T* data, std::size_t len, std::size_t cap) noexcept {
    data_ = data;
    len_ = len;
    cap_ = cap;
  }

  detail::traced<T> data_;  // the handle protocol: copies, stores and destruction
  std::size_t len_ = 0;
  std::size_t cap_ = 0;
};

// The stack-allocation rewrite's backing array: what `make([]T, n)` with a
// constant n whose array does not escape becomes (Go's compiler puts such an
// array in the frame up to 64 KiB). Its memory is zeroed and then its N
// elements value-initialised, as make's array on the heap is; slice(len)
// hands out the window [0, len) with capacity N. The collector ignores
// pointers into it, as into any memory off its heap; an append beyond N
// moves to a new array on the heap, as in Go.
template <class T, std::size_t N>
class local_array {
  static_assert(N > 0, "a zero-capacity make does not allocate: nothing to move to the stack");

 public:
  local_array() {
    std::memset(static_cast<void*>(elems_), 0, sizeof elems_);
    if constexpr (!detail::zero_is_value_init<T>) {
      std::size_t built = 0;
      try {
        for (; built < N; ++built) ::new (static_cast<void*>(elems_ + built)) T();
      } catch (...) {
        while (built > 0) elems_[--built].~T();
        throw;
      }
    }
  }
  local_array(const local_array&) = delete;
  local_array& operator=(const local_array&) = delete;
  ~local_array() {
    if constexpr (!std::is_trivially_destructible_v<T>) {
      for (std::size_t i = N; i > 0; --i) elems_[i - 1].~T();
    }
  }

  // make_slice's checks on len: negative, or beyond the capacity.
  go::slice<T> slice(std::ptrdiff_t len) {
    if (len < 0 || static_cast<std::size_t>(len) > N) [[unlikely]]
      detail::panic_runtime("runtime error: makeslice: len out of range");
    return go::slice<T>(elems_, static_cast<std::size_t>(len), N);
  }

 private:
  // A union: the elements are constructed by hand, after the zeroing.
  union {
    T elems_[N];
  };
};

namespace detail {

// Go 1.19's growslice: the new capacity for `needed` elements when the array
// holds `old_cap`. Doubling below 256 elements, then a smooth transition
// toward 1.25x; finally rounded up to the size class the allocator really
// hands out, so the slack of that class is usable capacity.
template <class T>
std::size_t grow_cap(std::size_t old_cap, std::size_t needed) {
  if (needed < old_cap || needed > max_alloc / sizeof(T)) [[unlikely]]
    panic_runtime("runtime error: growslice: cap out of range");
  std::size_t newcap = old_cap;
  const std::size_t doublecap = newcap + newcap;
  if (needed > doublecap) {
    newcap = needed;
  } else {
    constexpr std::size_t threshold = 256;
    if (old_cap < threshold) {
      newcap = doublecap;
    } else {
      while (newcap < needed) newcap += (newcap + 3 * threshold) / 4;
    }
  }
  if (newcap > max_alloc / sizeof(T)) [[unlikely]]
    panic_runtime("runtime error: growslice: cap out of range");
  return gc_round_size(newcap * sizeof(T)) / sizeof(T);
}

}  // namespace detail

// make([]T, len, cap): every one of the cap elements value-initialised.
// Checks in Go's order: an impossible cap reports the len when the len alone
// is impossible too.
template <class T>
slice<T> make_slice(std::ptrdiff_t len, std::ptrdiff_t cap) {
  constexpr auto limit = static_cast<std::ptrdiff_t>(detail::max_alloc / sizeof(T));
  if (cap < 0 || cap > limit || len < 0 || len > cap) [[unlikely]] {
    if (len < 0 || len > limit) detail::panic_runtime("runtime error: makeslice: len out of range");
    detail::panic_runtime("runtime error: makeslice: cap out of range");
  }
  T* a = detail::new_array<T>(static_cast<std::size_t>(cap));
  return slice<T>(a, static_cast<std::size_t>(len), static_cast<std::size_t>(cap));
}
template <class T>
slice<T> make_slice(std::ptrdiff_t len) {
  return make_slice<T>(len, len);
}

namespace detail {

// The one implementation behind both forms of append: n values at `src` (a
// pointer, or an iterator whose elements convert to T).
template <class T, class It>
slice<T> append_n(slice<T> s, It src, std::size_t n) {
  if (n == 0) return s;
  const std::size_t len = s.len_;
  if (n > s.cap_ - len) {
    // Grow: the old array may still be shared with other slices, so its
    // elements are copied, never moved.
    const std::size_t cap = grow_cap<T>(s.cap_, len + n);
    T* a = new_array<T>(cap, s.data_, len, src, n);
    return slice<T>(a, len + n, cap);
  }
  // In place: every slice that shares the array and reaches into
  // [len, len+n) sees the new values (Go's aliasing, on purpose).
  if constexpr (std::is_same_v<It, const T*>) {
    move_elements(s.data_ + len, src, n);  // append(s[:1], s[0:2]...) overlaps
  } else {
    for (std::size_t i = 0; i < n; ++i) s.data_[len + i] = src[i];
  }
  return slice<T>(s.data_, len + n, s.cap_);
}

}  // namespace detail

// append(s, t...): the elements of t appended to s.
template <class T>
slice<T> append(slice<T> s, const slice<T>& t) {
  return detail::append_n(std::move(s), static_cast<const T*>(t.data()), t.len());
}

// append(s, x, y, z). As in Go, the arguments are evaluated (here: converted
// to T) before anything is stored, so an argument that refers to an element
// the append overwrites still contributes its old value.
template <class T, class... Xs>
  requires(std::is_constructible_v<T, Xs &&> && ...)
slice<T> append(slice<T> s, Xs&&... xs) {
  if constexpr (sizeof...(Xs) == 0) {
    return s;
  } else {
    T values[] = {T(std::forward<Xs>(xs))...};
    return detail::append_n(std::move(s), std::make_move_iterator(values + 0), sizeof...(Xs));
  }
}

// copy(dst, src): min(len(dst), len(src)) elements, correct when the two
// overlap (memmove semantics). Returns the number copied.
template <class T>
std::size_t copy(const slice<T>& dst, const slice<T>& src) {
  const std::size_t n = dst.len() < src.len() ? dst.len() : src.len();
  detail::move_elements(dst.data(), static_cast<const T*>(src.data()), n);
  return n;
}

}  // namespace go
