// go::sync_map<K, V>: Go's sync.Map (the read/dirty design of Go 1.9 to 1.23,
// src/sync/map.go), a map for many goroutines that is fast when keys are
// written once and read many times, or when goroutines work on disjoint keys.
//
// It keeps two maps of entries, each entry shared by both:
//   * read_: an immutable map behind a shared pointer (a shared_slot), read
//     without mu_. Its entries' values may change (in the entry), its set
//     of keys never does. `amended` says whether dirty_ holds keys it lacks.
//   * dirty_: under mu_, every live key: read_'s entries that are not
//     expunged, plus new keys. nullptr when it would equal read_.
// An entry's value is a shared_ptr<const V> in a shared_slot: nullptr when
// the key was deleted, `expunged` when it was deleted and is missing from
// dirty_ (so a store to it must first put it back there), else the value.
// Loads that miss read_ and go to dirty_ count misses; once they add up to
// dirty_'s size, dirty_ is promoted to be the new read_ (moved, not copied),
// and the next new key copies read_'s live entries into a fresh dirty_.
//
// Memory: Go leaves old read maps and values to its collector. Here a read
// map, once replaced, is freed when the last reader holding its shared_ptr
// drops it, and a value likewise; nothing is freed under a reader.
//
// Nothing here waits for a goroutine, so none of it is a co_await (Go's
// sync.Map never parks either). mu_ is a std::mutex: its critical sections
// are short (a lookup, an insert, at most a copy of the keys when a fresh
// dirty map is made) and block only on another thread inside one, never on
// a goroutine. The reads that skip mu_ still take a shared_slot's spinlock
// for the few instructions of a shared_ptr copy: Go's reads are plain
// atomic loads, so many readers of one map contend here where Go's do not.
//
// Keys and values may be any copyable C++ types, go handles included (a
// go::ptr inside a key or value lives in malloc'd memory and registers
// itself as a root there). Values are compared with == only by
// compare_and_swap and compare_and_delete.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "gocxx/detail/spinlock.hpp"

namespace go {

namespace detail {

// A shared_ptr that threads load, store, exchange and compare-exchange
// concurrently (what std::atomic<std::shared_ptr> offers). A spinlock
// guards the pointer for the few instructions of a copy or a swap; the
// object a replaced pointer was the last owner of is destroyed after the
// lock is released, never under it. (libstdc++'s std::atomic<shared_ptr>
// has the same shape, but its readers unlock with a relaxed store, which
// ThreadSanitizer reports as a race with the next writer.)
template <class T>
class shared_slot {
 public:
  explicit shared_slot(std::shared_ptr<T> p) noexcept : p_(std::move(p)) {}
  shared_slot(const shared_slot&) = delete;
  shared_slot& operator=(const shared_slot&) = delete;

  std::shared_ptr<T> load() const noexcept {
    lock_.lock();
    std::shared_ptr<T> p = p_;
    lock_.unlock();
    return p;
  }
  void store(std::shared_ptr<T> p) noexcept { exchange(std::move(p)); }
  std::shared_ptr<T> exchange(std::shared_ptr<T> p) noexcept {
    lock_.lock();
    p_.swap(p);
    lock_.unlock();
    return p;
  }
  // Replaces the pointer with desired if it still points where expected
  // does (the caller owns expected, so that address cannot have been
  // reused); otherwise loads it into expected.
  bool compare_exchange(std::shared_ptr<T>& expected, std::shared_ptr<T> desired) noexcept {
    lock_.lock();
    if (p_.get() == expected.get()) {
      p_.swap(desired);
      lock_.unlock();
      return true;  // the old pointer dies with desired, unlocked
    }
    std::shared_ptr<T> now = p_;
    lock_.unlock();
    expected = std::move(now);
    return false;
  }

 private:
  mutable spinlock lock_;
  std::shared_ptr<T> p_;
};

}  // namespace detail

template <class K, class V, class Hash = std::hash<K>, class KeyEqual = std::equal_to<K>>
class sync_map {
 public:
  sync_map() : read_(empty_read()) {}
  sync_map(const sync_map&) = delete;
  sync_map& operator=(const sync_map&) = delete;

  // Load: the value stored for k, if any.
  std::optional<V> load(const K& k) const {
    std::shared_ptr<entry> e = find(k, miss_action::count);
    return e ? load_entry(*e) : std::nullopt;
  }

  // Store.
  void store(const K& k, V v) { swap(k, std::move(v)); }

  // Swap: stores v and returns the previous value, if there was one.
  std::optional<V> swap(const K& k, V v) {
    value_ptr p = std::make_shared<const V>(std::move(v));
    if (std::shared_ptr<entry> e = read_entry(k)) {
      if (std::optional<value_ptr> prev = e->try_swap(p)) return value_of(*prev);
    }
    std::lock_guard lk(mu_);
    std::shared_ptr<const read_only> r = read_.load();
    if (auto it = r->m->find(k); it != r->m->end()) {
      if (it->second->unexpunge_locked()) dirty_->emplace(k, it->second);
      return value_of(it->second->p.exchange(std::move(p)));
    }
    if (dirty_) {
      if (auto it = dirty_->find(k); it != dirty_->end()) return value_of(it->second->p.exchange(std::move(p)));
    }
    add_locked(*r, k, std::move(p));
    return std::nullopt;
  }

  // LoadOrStore: the existing value and true, or v (now stored) and false.
  std::pair<V, bool> load_or_store(const K& k, V v) {
    if (std::shared_ptr<entry> e = read_entry(k)) {
      if (std::optional<std::pair<V, bool>> res = e->try_load_or_store(v)) return std::move(*res);
    }
    std::lock_guard lk(mu_);
    std::shared_ptr<const read_only> r = read_.load();
    if (auto it = r->m->find(k); it != r->m->end()) {
      if (it->second->unexpunge_locked()) dirty_->emplace(k, it->second);
      return *it->second->try_load_or_store(std::move(v));  // not expunged: nothing else expunges under mu_
    }
    if (dirty_) {
      if (auto it = dirty_->find(k); it != dirty_->end()) {
        std::pair<V, bool> res = *it->second->try_load_or_store(std::move(v));
        miss_locked();
        return res;
      }
    }
    add_locked(*r, k, std::make_shared<const V>(v));
    return {std::move(v), false};
  }

  // LoadAndDelete: removes k's value and returns it, if there was one.
  std::optional<V> load_and_delete(const K& k) {
    std::shared_ptr<entry> e = find(k, miss_action::count_and_remove);
    if (!e) return std::nullopt;
    for (value_ptr p = e->p.load();;) {
      if (!p || p == expunged()) return std::nullopt;
      if (e->p.compare_exchange(p, nullptr)) return *p;
    }
  }

  // Delete.
  void erase(const K& k) { load_and_delete(k); }

  // CompareAndSwap: stores new_v if k's value equals old_v.
  bool compare_and_swap(const K& k, const V& old_v, V new_v) {
    std::shared_ptr<entry> e = find(k, miss_action::count);
    return e && e->try_compare_and_swap(old_v, std::move(new_v));
  }

  // CompareAndDelete: deletes k if its value equals old_v.
  bool compare_and_delete(const K& k, const V& old_v) {
    std::shared_ptr<entry> e = find(k, miss_action::count);
    if (!e) return false;
    for (value_ptr p = e->p.load();;) {
      if (!p || p == expunged() || !(*p == old_v)) return false;
      if (e->p.compare_exchange(p, nullptr)) return true;
    }
  }

  // Range: calls fn(key, value) for the keys present, until fn returns
  // false. As in Go, it is no consistent snapshot: each key is visited at
  // most once, and a value stored or deleted during the range may or may not
  // be seen. fn may call any method of this map, and runs without the lock.
  template <class F>
  void range(F fn) const {
    static_assert(std::is_same_v<std::invoke_result_t<F&, const K&, const V&>, bool>,
                  "range's function returns bool (false stops)");
    std::shared_ptr<const read_only> r = read_.load();
    if (r->amended) {
      // Promote dirty_ first, so that the range sees every key and the
      // next ones read without the lock (Go does the same).
      std::lock_guard lk(mu_);
      r = read_.load();
      if (r->amended) r = promote_locked();
    }
    for (const auto& [k, e] : *r->m) {
      value_ptr p = e->p.load();
      if (!p || p == expunged()) continue;
      if (!fn(k, *p)) break;
    }
  }

  // Clear (Go 1.23): deletes every key.
  void clear() {
    std::shared_ptr<const read_only> r = read_.load();
    if (r->m->empty() && !r->amended) return;
    std::lock_guard lk(mu_);
    read_.store(empty_read());
    dirty_.reset();
    misses_ = 0;
  }

 private:
  using value_ptr = std::shared_ptr<const V>;

  // The non-owning sentinel `expunged`: no control block, and an address no
  // value can have. Never dereferenced.
  static value_ptr expunged() noexcept {
    alignas(V) static const unsigned char tag[sizeof(V)] = {};
    return value_ptr(value_ptr(), reinterpret_cast<const V*>(tag));
  }
  static std::optional<V> value_of(const value_ptr& p) {
    if (!p || p == expunged()) return std::nullopt;
    return *p;
  }

  struct entry {
    detail::shared_slot<const V> p;
    explicit entry(value_ptr v) noexcept : p(std::move(v)) {}

    // Replaces the value unless expunged; then nullopt (the caller must
    // take the lock). The previous value otherwise (nullptr: none).
    std::optional<value_ptr> try_swap(const value_ptr& v) {
      for (value_ptr old = p.load();;) {
        if (old == expunged()) return std::nullopt;
        if (p.compare_exchange(old, v)) return old;
      }
    }
    // The value if present; stores v if deleted; nullopt if expunged.
    std::optional<std::pair<V, bool>> try_load_or_store(const V& v) {
      value_ptr old = p.load();
      if (old == expunged()) return std::nullopt;
      if (old) return std::pair<V, bool>{*old, true};
      value_ptr mine = std::make_shared<const V>(v);
      for (;;) {
        if (p.compare_exchange(old, mine)) return std::pair<V, bool>{v, false};
        if (old == expunged()) return std::nullopt;
        if (old) return std::pair<V, bool>{*old, true};
      }
    }
    bool try_compare_and_swap(const V& old_v, V new_v) {
      value_ptr old = p.load();
      if (!old || old == expunged() || !(*old == old_v)) return false;
      value_ptr mine = std::make_shared<const V>(std::move(new_v));
      for (;;) {
        if (p.compare_exchange(old, mine)) return true;
        if (!old || old == expunged() || !(*old == old_v)) return false;
      }
    }
    // Under mu_: an expunged entry becomes deleted, and the caller must put
    // it back into dirty_.
    bool unexpunge_locked() {
      value_ptr e = expunged();
      return p.compare_exchange(e, nullptr);
    }
    // Under mu_, while copying read_ into a fresh dirty_: a deleted entry
    // becomes expunged (left out of dirty_); true if it is expunged.
    bool try_expunge_locked() {
      value_ptr old = p.load();
      while (!old) {
        if (p.compare_exchange(old, expunged())) return true;
      }
      return old == expunged();
    }
  };

  using map_type = std::unordered_map<K, std::shared_ptr<entry>, Hash, KeyEqual>;
  // Immutable once published; m is shared by the read_only that replaces
  // this one only to set amended.
  struct read_only {
    std::shared_ptr<const map_type> m;
    bool amended = false;
  };
  static std::shared_ptr<const read_only> empty_read() {
    return std::make_shared<const read_only>(read_only{std::make_shared<const map_type>(), false});
  }

  static std::optional<V> load_entry(const entry& e) { return value_of(e.p.load()); }

  std::shared_ptr<entry> read_entry(const K& k) const {
    std::shared_ptr<const read_only> r = read_.load();
    auto it = r->m->find(k);
    return it == r->m->end() ? nullptr : it->second;
  }

  enum class miss_action { count, count_and_remove };

  // k's entry from read_, else (if amended) from dirty_ under the lock,
  // counting a miss; nullptr if k has none.
  std::shared_ptr<entry> find(const K& k, miss_action action) const {
    std::shared_ptr<const read_only> r = read_.load();
    if (auto it = r->m->find(k); it != r->m->end()) return it->second;
    if (!r->amended) return nullptr;
    std::lock_guard lk(mu_);
    r = read_.load();
    if (auto it = r->m->find(k); it != r->m->end()) return it->second;
    if (!r->amended || !dirty_) return nullptr;
    auto it = dirty_->find(k);
    if (it == dirty_->end()) return nullptr;
    std::shared_ptr<entry> e = it->second;
    // Removing k from dirty_ alone suffices: it is not in read_.
    if (action == miss_action::count_and_remove) dirty_->erase(it);
    miss_locked();
    return e;
  }

  // A key that neither map has: into dirty_, making it first if needed.
  void add_locked(const read_only& r, const K& k, value_ptr p) {
    if (!r.amended) {
      make_dirty_locked(*r.m);
      read_.store(std::make_shared<const read_only>(read_only{r.m, true}));
    }
    dirty_->emplace(k, std::make_shared<entry>(std::move(p)));
  }

  // Go's dirtyLocked: a fresh dirty_ with read_'s live entries.
  void make_dirty_locked(const map_type& read) {
    if (dirty_) return;
    dirty_ = std::make_unique<map_type>();
    dirty_->reserve(read.size());
    for (const auto& [k, e] : read)
      if (!e->try_expunge_locked()) dirty_->emplace(k, e);
  }

  void miss_locked() const {
    if (++misses_ < dirty_->size()) return;
    promote_locked();
  }

  // dirty_ becomes read_ (moved, not copied).
  std::shared_ptr<const read_only> promote_locked() const {
    std::shared_ptr<const map_type> m =
        dirty_ ? std::make_shared<const map_type>(std::move(*dirty_)) : std::make_shared<const map_type>();
    dirty_.reset();
    misses_ = 0;
    auto r = std::make_shared<const read_only>(read_only{std::move(m), false});
    read_.store(r);
    return r;
  }

  // load and range promote dirty_; they are const, like a Go reader.
  mutable detail::shared_slot<const read_only> read_;
  mutable std::mutex mu_;
  mutable std::unique_ptr<map_type> dirty_;
  mutable std::size_t misses_ = 0;
};

}  // namespace go
