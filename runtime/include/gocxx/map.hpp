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
//   * Every in-use entry lies in the run of non-free slots that starts at its
//     home slot (wrapping around): lookups stop at the first free slot.
//   * Deletion keeps that by shifting later entries of the run back
//     (backward-shift deletion), so erase-heavy use leaves no tombstones --
//     except while a range is in progress (`ranging` > 0): then nothing may
//     move, because a range walks the slots in order and an entry shifted
//     back behind it would be skipped. A deletion then leaves a tombstone
//     (hash == tomb, even so never a stored hash), which lookups pass over
//     and which keeps the entry's key and value intact: the range's
//     references to the entry it is on stay valid (Go's iteration values
//     are copies; erasing the current entry must not change them). Once
//     there are tombstones, every deletion makes one until the next rehash.
//   * Free slots hold value-initialised keys and values, so a deleted entry
//     keeps nothing alive and frees its strings at once. A tombstone made
//     outside a range is cleared so at once; one made during a range keeps
//     them until the last range ends (tombs_hold says one may).
//   * count + tombs <= 3/4 of the array: an insertion that would pass that
//     load rehashes first, doubling when live entries fill half the array
//     and at the same size otherwise (to drop tombstones; Go's maps never
//     shrink either).
//   * Insertion never moves an entry, and a rehash during a range copies
//     (never moves from) the old array, which the range keeps alive.
// A range (map::iterator) follows Go's hiter: it walks the array it started
// with from a random slot. While that is still the map's array, it yields
// the entries it finds; after a rehash it looks each key of its old array up
// in the current table, skips it if it was deleted, and yields the current
// entry otherwise. So every entry present for the whole range is produced
// exactly once, one deleted before it is reached never, and one added
// during the range may or may not be, as the Go spec says.
// Hashes are std::hash<K> xor a per-map random seed, run through a bijective
// mixer, so the layout (and the iteration order) differs from map to map.
#pragma once
#include <atomic>
#include <chrono>
#include <concepts>
#include <functional>
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
  static constexpr std::size_t tomb = 2;  // erased during a range (see the header)
  std::size_t hash = 0;                   // 0: free; tomb; otherwise the mixed hash with bit 0 set
  K key{};
  V value{};
  bool live() const noexcept { return (hash & 1) != 0; }
};

}  // namespace detail

// Map entries are scanned only if the key or the value may hold pointers.
template <class K, class V>
struct pointer_free<detail::map_entry<K, V>> : std::bool_constant<pointer_free_v<K> && pointer_free_v<V>> {};

template <class K, class V>
class map;

// An entry array needs a finalizer only for keys or values that own
// something (std::string); map[int]*T's arrays have none. See slice.hpp.
template <class K, class V>
struct trivially_collectable<detail::map_entry<K, V>>
    : std::bool_constant<trivially_collectable_v<K> && trivially_collectable_v<V>> {};
template <class K, class V>
struct trivially_collectable<map<K, V>> : std::true_type {};

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

// A rehash during a range leaves the old array to the range, which looks its
// keys up again and may still hold references to its values: copy them.
// (A move-only key or value is moved; a range over such a map then skips
// the entries it had not reached when the table grew.)
template <class T>
constexpr auto&& kept(T& x) noexcept {
  if constexpr (std::is_copy_assignable_v<T>) {
    return static_cast<const T&>(x);
  } else {
    return std::move(x);
  }
}

template <class K, class V>
struct hmap {
  static constexpr std::size_t min_size = 8;

  slice<map_entry<K, V>> entries;  // len == cap == size of the table (0 until the first set)
  std::size_t count = 0;
  std::size_t tombs = 0;
  bool tombs_hold = false;  // some tombstone still holds its key and value for a range
  std::size_t seed = map_rand();
  unsigned shift = 64;  // 64 - log2(size): home = hash >> shift
  // Ranges in progress. Atomic because ranging is reading, and Go lets
  // goroutines read (and range over) a map concurrently.
  std::atomic<std::uint32_t> ranging{0};

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

  // Rehashes into an array of `size` slots, dropping tombstones. Stored
  // hashes are reused, so keys are never hashed twice. Without a range in
  // progress the old array belongs to this map alone, so its entries may be
  // moved from (moving a handle copies it anyway); with one, it is copied.
  void resize(std::size_t size) {
    if (ranging.load(std::memory_order_relaxed) != 0) {
      rehash_into(size, [](auto& x) -> auto&& { return kept(x); });
    } else {
      rehash_into(size, [](auto& x) -> auto&& { return relocatable(x); });
    }
  }

  template <class Take>
  void rehash_into(std::size_t size, Take take) {
    auto fresh = make_slice<map_entry<K, V>>(static_cast<std::ptrdiff_t>(size));
    unsigned new_shift = 64;
    for (std::size_t s = size; s > 1; s >>= 1) --new_shift;
    map_entry<K, V>* dst = fresh.data();
    const std::size_t mask = size - 1;
    for (map_entry<K, V>& e : entries) {
      if (!e.live()) continue;
      std::size_t i = e.hash >> new_shift;
      while (dst[i].hash != 0) i = (i + 1) & mask;
      dst[i].key = take(e.key);
      dst[i].value = take(e.value);
      dst[i].hash = e.hash;
    }
    entries = fresh;
    shift = new_shift;
    tombs = 0;
    tombs_hold = false;
  }

  // The entry holding k (hash h), or, with *fresh set, the free slot a new
  // k goes into: a rehash comes first if it would push the load past 3/4
  // -- into twice the room when live entries fill half the array, else at
  // the same size, which only drops tombstones.
  map_entry<K, V>& entry_for(const K& k, std::size_t h, bool* fresh) {
    if (entries.len() != 0) {
      map_entry<K, V>& e = entries.data()[probe(k, h)];
      if ((*fresh = e.hash == 0) == false) return e;
    }
    if ((count + tombs + 1) * 4 > entries.len() * 3) {
      const std::size_t size = entries.len();
      resize(size == 0 ? min_size : (count + 1) * 2 > size ? size * 2 : size);
    }
    *fresh = true;
    return entries.data()[probe(k, h)];
  }

  template <class KK, class VV>
  void set(KK&& k, VV&& v) {
    const std::size_t h = hash_of(k);
    bool fresh;
    map_entry<K, V>& e = entry_for(k, h, &fresh);
    if (fresh) e.key = std::forward<KK>(k);
    e.value = std::forward<VV>(v);
    if (!fresh) return;
    e.hash = h;  // last: an exception above leaves the slot free
    ++count;
  }

  // Go's mapassign: k's value, the zero value newly stored if k is absent
  // (free slots hold it already), for an update in place (m[k] += x).
  V& slot(const K& k) {
    const std::size_t h = hash_of(k);
    bool fresh;
    map_entry<K, V>& e = entry_for(k, h, &fresh);
    if (fresh) {
      e.key = k;
      e.hash = h;
      ++count;
    }
    return e.value;
  }

  bool erase(const K& k) {
    if (count == 0) return false;
    map_entry<K, V>* e = entries.data();
    const std::size_t mask = entries.len() - 1;
    std::size_t hole = probe(k, hash_of(k));
    if (e[hole].hash == 0) return false;
    --count;
    if (tombs != 0 || ranging.load(std::memory_order_relaxed) != 0) {
      e[hole].hash = map_entry<K, V>::tomb;
      ++tombs;
      if (ranging.load(std::memory_order_relaxed) != 0) {
        tombs_hold = true;  // key and value stay for the range: see the header
      } else {
        e[hole].key = K{};
        e[hole].value = V{};
      }
      return true;
    }
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
    return true;
  }

  // The last range has ended: tombstones need not keep their key and value
  // for it any more (they stay tombstones until the next rehash).
  void clear_tombs() {
    if (!tombs_hold) return;
    tombs_hold = false;
    for (map_entry<K, V>& e : entries) {
      if (e.hash != map_entry<K, V>::tomb) continue;
      e.key = K{};
      e.value = V{};
    }
  }
};

// The header holds no resource of its own: its one member with a destructor
// is the entries slice, a handle whose destructor is moot in the heap (see
// trivially_collectable) and whose array has its own finalizer if needed.
// So headers are allocated without a finalizer, like Go's hmap, and their
// destructor is never run.
template <class K, class V>
hmap<K, V>* new_hmap(std::size_t hint) {
  static_assert(trivially_collectable_v<slice<map_entry<K, V>>>);
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
  static_assert(std::is_default_constructible_v<std::hash<K>>,
                "go::map<K, V>: K needs a hash: specialise std::hash<K> (and give K an operator==)");
  static_assert(std::equality_comparable<K>, "go::map<K, V>: K needs operator== (Go's comparable keys)");
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

  // m[k]: reads as the value, or V's zero value when k is absent (without
  // inserting it, as Go), and `m[k] = v`, `m[k] += d`, `++m[k]` store (on
  // a nil map they panic as `set` does). The element holds its own copy of
  // the key, so it stays right if kept (`auto e = m[k]` reads the map
  // again each time it is converted).
  class element {
   public:
    operator V() const {  // NOLINT(google-explicit-constructor): m[k] reads as V
      if (const entry* e = h_ ? h_->find(k_) : nullptr) return e->value;
      return V{};
    }
    template <class VV>
      requires std::is_assignable_v<V&, VV&&>
    const element& operator=(VV&& v) const {
      store(std::forward<VV>(v));
      return *this;
    }
    const element& operator=(const element& other) const {  // m[a] = m[b]
      store(static_cast<V>(other));
      return *this;
    }

#define GOCXX_MAP_ELEMENT_OP(op)                               \
  template <class X>                                           \
    requires requires(V v, X&& x) { v op std::forward<X>(x); } \
  const element& operator op(X && x) const {                   \
    slot() op std::forward<X>(x);                              \
    return *this;                                              \
  }
    GOCXX_MAP_ELEMENT_OP(+=)
    GOCXX_MAP_ELEMENT_OP(-=)
    GOCXX_MAP_ELEMENT_OP(*=)
    GOCXX_MAP_ELEMENT_OP(/=)
    GOCXX_MAP_ELEMENT_OP(%=)
    GOCXX_MAP_ELEMENT_OP(&=)
    GOCXX_MAP_ELEMENT_OP(|=)
    GOCXX_MAP_ELEMENT_OP(^=)
    GOCXX_MAP_ELEMENT_OP(<<=)
    GOCXX_MAP_ELEMENT_OP(>>=)
#undef GOCXX_MAP_ELEMENT_OP

    // Go's m[k]++ is a statement: the postfix forms return nothing (the old
    // value they would return in C++ is not Go's).
    const element& operator++() const
      requires requires(V v) { ++v; }
    {
      ++slot();
      return *this;
    }
    const element& operator--() const
      requires requires(V v) { --v; }
    {
      --slot();
      return *this;
    }
    void operator++(int) const
      requires requires(V v) { ++v; }
    {
      ++slot();
    }
    void operator--(int) const
      requires requires(V v) { --v; }
    {
      --slot();
    }

    // Comparisons that a template operator of V (std::string's) would not
    // find through the conversion.
    friend bool operator==(const element& e, const V& v)
      requires requires(const V& a) { a == a; }
    {
      return static_cast<V>(e) == v;
    }

   private:
    friend class map;
    element(table* h, K k) : h_(h), k_(std::move(k)) {}
    template <class VV>
    void store(VV&& v) const {
      if (!h_) [[unlikely]]
        detail::panic_runtime("assignment to entry in nil map");
      h_->set(k_, std::forward<VV>(v));
    }
    // One lookup for an update in place (Go's mapassign).
    V& slot() const {
      if (!h_) [[unlikely]]
        detail::panic_runtime("assignment to entry in nil map");
      return h_->slot(k_);
    }

    table* h_;  // an element lives on a stack (scanned) while a handle to the map lives
    K k_;
  };

  element operator[](K k) const { return element(h_.get(), std::move(k)); }

  // for k, v := range m, with Go's semantics (see the header): an entry
  // erased before the range reaches it is not produced, one added during the
  // range may or may not be, every other entry is produced exactly once.
  // Each range starts at a random slot, so the order differs from one range
  // to the next (Go randomises it on purpose). The pair refers into the
  // table: assigning to .second updates the entry; the references stay
  // valid until the range ends, even if the body erases the entry (the
  // tombstone keeps it) or the table grows (the range keeps its array).
  class iterator {
   public:
    using value_type = std::pair<const K&, V&>;
    using difference_type = std::ptrdiff_t;

    iterator() = default;
    iterator(const iterator& o) : h_(o.h_), entries_(o.entries_), start_(o.start_), step_(o.step_), cur_(o.cur_) {
      enter();
    }
    iterator& operator=(const iterator& o) {
      if (this != &o) {
        iterator copy(o);
        swap(copy);
      }
      return *this;
    }
    ~iterator() { leave(); }

    std::pair<const K&, V&> operator*() const { return {cur_->key, cur_->value}; }
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
    iterator(table* h, std::size_t start) : h_(h), entries_(h->entries), start_(start) {
      // Counted before the first step, so the range's view holds from here.
      enter();
      settle();
    }
    void enter() noexcept {
      if (h_) h_->ranging.fetch_add(1, std::memory_order_relaxed);
    }
    void leave() {
      if (h_ && h_->ranging.fetch_sub(1, std::memory_order_acq_rel) == 1) h_->clear_tombs();
      // (A write racing with the end of a range is a data race in Go too.)
    }
    void swap(iterator& o) noexcept {
      table* h = h_;
      h_ = o.h_.get();
      o.h_ = h;
      std::swap(entries_, o.entries_);
      std::swap(start_, o.start_);
      std::swap(step_, o.step_);
      std::swap(cur_, o.cur_);
    }
    std::size_t slot() const noexcept { return (start_ + step_) & (entries_.len() - 1); }
    // Moves to the next entry to produce, from the current step on.
    void settle() {
      // (No user code runs here: whether the table was rehashed holds for
      // the whole walk.)
      const bool current = entries_.data() == h_->entries.data();
      for (; step_ < entries_.len(); ++step_) {
        entry& e = entries_.data()[slot()];
        if (!e.live()) continue;
        if (current) {
          cur_ = &e;
          return;
        }
        // The table was rehashed: the current entry, if the key is still there.
        if ((cur_ = h_->find(e.key)) != nullptr) return;
      }
    }

    detail::traced<table> h_;  // traced: an iterator may outlive the handle it came from
    slice<entry> entries_;     // the array the range walks (the map may have moved on)
    std::size_t start_ = 0;
    std::size_t step_ = 0;
    entry* cur_ = nullptr;
  };

  iterator begin() const {
    if (!h_ || h_->count == 0) return iterator();
    return iterator(h_.get(), static_cast<std::size_t>(detail::map_rand()));
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
