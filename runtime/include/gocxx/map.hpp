// go::map<K, V>: Go's map[K]V on the garbage-collected heap.
//
// A map value is a reference, as in Go: the handle is one traced pointer to a
// header object on the GC heap (detail::hmap), and copying the handle shares
// the table. A default-constructed handle is the nil map: it reads as empty
// and panics on assignment.
//
// The table is open addressing with linear probing over a power-of-two array
// of entries (a go::slice, so the collector traces keys and values and runs
// their destructors when the array dies). Invariants:
//   * An entry is in use iff its `hash` word is non-zero: stored hashes have
//     their lowest bit set. The home slot of an entry is the TOP log2(size)
//     bits of its hash, so the low bit costs nothing.
//   * Every in-use entry lies in the run of in-use slots that starts at its
//     home slot (wrapping around): lookups stop at the first free slot.
//     Deletion keeps this by shifting later entries of the run back
//     (backward-shift deletion), so there are no tombstones and erase-heavy
//     use does not degrade the table.
//   * Free slots hold value-initialised keys and values, so a deleted entry
//     keeps nothing alive and frees its strings at once.
//   * count <= 3/4 of the array: the table doubles before an insertion would
//     pass that load (Go's maps never shrink either).
// Hashes are std::hash<K> xor a per-map random seed, run through a bijective
// mixer, so the layout (and the iteration order) differs from map to map.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "gocxx/ptr.hpp"
#include "gocxx/slice.hpp"

namespace go {

namespace detail {

static_assert(sizeof(std::size_t) == 8, "go::map assumes 64-bit hashes");

// A cheap per-thread generator (splitmix64) for map seeds and iteration
// starts: Go's fastrand plays the same role.
inline std::uint64_t map_rand() noexcept {
  thread_local std::uint64_t state = [] {
    int local = 0;
    return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
           reinterpret_cast<std::uintptr_t>(&local);
  }();
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

template <class K, class V>
struct map_entry {
  std::size_t hash = 0;  // 0: free; otherwise the mixed hash with bit 0 set
  K key{};
  V value{};
};

}  // namespace detail

// Map entries are scanned only if the key or the value may hold pointers.
template <class K, class V>
struct pointer_free<detail::map_entry<K, V>> : std::bool_constant<pointer_free_v<K> && pointer_free_v<V>> {};

template <class K, class V>
class map;

namespace detail {
// An entry array needs a finalizer only for keys or values that own
// something (std::string); map[int]*T's arrays have none. See slice.hpp.
template <class K, class V>
struct heap_destructor_needed<map_entry<K, V>>
    : std::bool_constant<heap_destructor_needed<K>::value || heap_destructor_needed<V>::value> {};
template <class K, class V>
struct heap_destructor_needed<map<K, V>> : std::false_type {};
}  // namespace detail

namespace detail {

// Moves within the table (growth, backward shift) must not fail halfway:
// an element whose move assignment may throw is copied instead.
template <class T>
constexpr auto&& relocatable(T& x) noexcept {
  if constexpr (std::is_nothrow_move_assignable_v<T>) {
    return std::move(x);
  } else {
    return static_cast<const T&>(x);
  }
}

template <class K, class V>
struct hmap {
  static constexpr std::size_t min_size = 8;

  slice<map_entry<K, V>> entries;  // len == cap == size of the table (0 until the first set)
  std::size_t count = 0;
  std::size_t seed = map_rand();
  unsigned shift = 64;  // 64 - log2(size): home = hash >> shift

  std::size_t hash_of(const K& k) const {
    std::uint64_t z = static_cast<std::uint64_t>(std::hash<K>()(k)) ^ seed;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return static_cast<std::size_t>(z ^ (z >> 31)) | 1;
  }

  // The slot holding k, or the free slot that ends k's probe run.
  std::size_t probe(const K& k, std::size_t h) const {
    map_entry<K, V>* e = entries.data();
    const std::size_t mask = entries.len() - 1;
    for (std::size_t i = h >> shift;; i = (i + 1) & mask) {
      if (e[i].hash == 0 || (e[i].hash == h && e[i].key == k)) return i;
    }
  }

  map_entry<K, V>* find(const K& k) const {
    if (count == 0) return nullptr;
    const std::size_t h = hash_of(k);
    map_entry<K, V>& e = entries.data()[probe(k, h)];
    return e.hash ? &e : nullptr;
  }

  // Rehashes into an array of `size` slots. Stored hashes are reused, so
  // keys are never hashed twice. The old array belongs to this map alone
  // (ranges in progress aside, see map::iterator), so its entries may be
  // moved from; moving a handle copies it anyway.
  void resize(std::size_t size) {
    auto fresh = make_slice<map_entry<K, V>>(static_cast<std::ptrdiff_t>(size));
    unsigned new_shift = 64;
    for (std::size_t s = size; s > 1; s >>= 1) --new_shift;
    map_entry<K, V>* dst = fresh.data();
    const std::size_t mask = size - 1;
    for (map_entry<K, V>& e : entries) {
      if (e.hash == 0) continue;
      std::size_t i = e.hash >> new_shift;
      while (dst[i].hash != 0) i = (i + 1) & mask;
      dst[i].key = relocatable(e.key);
      dst[i].value = relocatable(e.value);
      dst[i].hash = e.hash;
    }
    entries = fresh;
    shift = new_shift;
  }

  template <class KK, class VV>
  void set(KK&& k, VV&& v) {
    std::size_t h = hash_of(k);
    if (entries.len() != 0) {
      map_entry<K, V>& e = entries.data()[probe(k, h)];
      if (e.hash != 0) {
        e.value = std::forward<VV>(v);
        return;
      }
    }
    // A new key: grow first if it would push the load past 3/4.
    if ((count + 1) * 4 > entries.len() * 3)
      resize(entries.len() ? entries.len() * 2 : min_size);
    map_entry<K, V>& e = entries.data()[probe(k, h)];
    e.key = std::forward<KK>(k);
    e.value = std::forward<VV>(v);
    e.hash = h;  // last: an exception above leaves the slot free
    ++count;
  }

  bool erase(const K& k) {
    if (count == 0) return false;
    map_entry<K, V>* e = entries.data();
    const std::size_t mask = entries.len() - 1;
    std::size_t hole = probe(k, hash_of(k));
    if (e[hole].hash == 0) return false;
    // Backward shift: walk the rest of the run; an entry whose home lies
    // cyclically at or before the hole may move into it (it stays reachable
    // from its home), and leaves a new hole behind.
    for (std::size_t j = (hole + 1) & mask; e[j].hash != 0; j = (j + 1) & mask) {
      const std::size_t home = e[j].hash >> shift;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        e[hole].key = relocatable(e[j].key);
        e[hole].value = relocatable(e[j].value);
        e[hole].hash = e[j].hash;
        hole = j;
      }
    }
    e[hole].hash = 0;
    e[hole].key = K{};
    e[hole].value = V{};
    --count;
    return true;
  }
};

// The header holds no resource of its own: its one member with a destructor
// is the entries slice, a handle whose destructor is moot in the heap (see
// heap_destructor_needed) and whose array has its own finalizer if needed.
// So headers are allocated without a finalizer, like Go's hmap, and their
// destructor is never run.
template <class K, class V>
hmap<K, V>* new_hmap(std::size_t hint) {
  static_assert(!heap_destructor_needed<slice<map_entry<K, V>>>::value);
  void* mem = gc_alloc(sizeof(hmap<K, V>), alloc_kind::scan);
  auto* h = ::new (mem) hmap<K, V>();
  // Go ignores a hint it could never allocate; so do we.
  if (hint > 0 && hint <= max_alloc / sizeof(map_entry<K, V>) / 2) {
    std::size_t size = hmap<K, V>::min_size;
    while (size * 3 / 4 < hint) size *= 2;
    h->resize(size);
  }
  return h;
}

}  // namespace detail

template <class K, class V>
map<K, V> make_map(std::size_t hint = 0);

template <class K, class V>
class map {
  static_assert(std::is_default_constructible_v<K> && std::is_default_constructible_v<V>,
                "map keys and values need a zero value (default constructor)");
  using table = detail::hmap<K, V>;
  using entry = detail::map_entry<K, V>;

 public:
  using key_type = K;
  using mapped_type = V;

  map() noexcept = default;
  map(std::nullptr_t) noexcept {}
  map& operator=(std::nullptr_t) noexcept {
    h_ = nullptr;
    return *this;
  }

  std::size_t len() const noexcept { return h_ ? h_->count : 0; }

  // m[k] = v.
  template <class KK = K, class VV = V>
    requires std::is_constructible_v<K, KK&&> && std::is_assignable_v<V&, VV&&>
  void set(KK&& k, VV&& v) const {
    if (!h_) [[unlikely]]
      detail::panic_runtime("assignment to entry in nil map");
    if constexpr (std::is_same_v<std::remove_cvref_t<KK>, K>) {
      h_->set(std::forward<KK>(k), std::forward<VV>(v));
    } else {
      h_->set(K(std::forward<KK>(k)), std::forward<VV>(v));
    }
  }

  // v, ok := m[k]: std::nullopt when absent (also in a nil map).
  std::optional<V> get(const K& k) const {
    if (!h_) return std::nullopt;
    if (const entry* e = h_->find(k)) return e->value;
    return std::nullopt;
  }
  bool contains(const K& k) const { return h_ && h_->find(k) != nullptr; }

  // delete(m, k): a no-op when k is absent or the map is nil.
  void erase(const K& k) const {
    if (h_) h_->erase(k);
  }

  // for k, v := range m. Each range starts at a random slot, so the order
  // differs from one range to the next (Go randomises it on purpose, and
  // programs must not depend on it). The pair refers into the table:
  // assigning to .second updates the entry. Inserting or erasing while a
  // range is in progress is not supported (Go defines it; here entries may
  // be skipped or seen twice); the range keeps the array it started with
  // alive, so it never touches freed memory.
  class iterator {
   public:
    using value_type = std::pair<const K&, V&>;
    using difference_type = std::ptrdiff_t;

    iterator() = default;
    std::pair<const K&, V&> operator*() const {
      entry& e = entries_.data()[slot()];
      return {e.key, e.value};
    }
    iterator& operator++() {
      ++step_;
      settle();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept {
      return it.step_ >= it.entries_.len();
    }

   private:
    friend class map;
    iterator(const slice<entry>& entries, std::size_t start) : entries_(entries), start_(start) { settle(); }
    std::size_t slot() const noexcept { return (start_ + step_) & (entries_.len() - 1); }
    void settle() noexcept {
      while (step_ < entries_.len() && entries_.data()[slot()].hash == 0) ++step_;
    }

    slice<entry> entries_;
    std::size_t start_ = 0;
    std::size_t step_ = 0;
  };

  iterator begin() const {
    if (!h_ || h_->count == 0) return iterator();
    return iterator(h_->entries, static_cast<std::size_t>(detail::map_rand()));
  }
  std::default_sentinel_t end() const noexcept { return {}; }

  // Maps compare only with nil, as in Go.
  friend bool operator==(const map& m, std::nullptr_t) noexcept { return m.h_ == nullptr; }

 private:
  friend map make_map<K, V>(std::size_t);
  explicit map(table* h) noexcept : h_(h) {}

  detail::traced<table> h_;  // the handle protocol: copies, stores and destruction
};

// make(map[K]V) and make(map[K]V, hint): room for `hint` entries before the
// first growth.
template <class K, class V>
map<K, V> make_map(std::size_t hint) {
  return map<K, V>(detail::new_hmap<K, V>(hint));
}

}  // namespace go
