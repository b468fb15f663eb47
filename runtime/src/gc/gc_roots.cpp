// The registered-root set (see gc_roots.hpp).
#include "gc_roots.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "gc_threads.hpp"
#include "gocxx/detail/heap.hpp"
#include "gocxx/detail/spinlock.hpp"
#include "throw.hpp"

namespace go::detail {
namespace {

constexpr std::size_t kShards = 64;
constexpr std::uintptr_t kEmpty = 0;
constexpr std::uintptr_t kTombstone = 1;  // never a slot address (slots are aligned)

// Open addressing with linear probing; grows (and drops tombstones) at 2/3 load.
struct root_shard {
  spinlock lock;
  std::uintptr_t* table = nullptr;
  std::size_t capacity = 0;  // a power of two
  std::size_t used = 0;      // live entries + tombstones
  std::size_t live = 0;

  static std::size_t hash(std::uintptr_t a) noexcept { return (a >> 3) * 0x9E3779B97F4A7C15ull >> 16; }

  void rehash(std::size_t cap) noexcept {
    auto* fresh = static_cast<std::uintptr_t*>(std::calloc(cap, sizeof(std::uintptr_t)));
    if (!fresh) throw_fatal("out of memory (gc root table)");
    for (std::size_t i = 0; i < capacity; ++i) {
      const std::uintptr_t a = table[i];
      if (a == kEmpty || a == kTombstone) continue;
      std::size_t j = hash(a) & (cap - 1);
      while (fresh[j] != kEmpty) j = (j + 1) & (cap - 1);
      fresh[j] = a;
    }
    std::free(table);
    table = fresh;
    capacity = cap;
    used = live;
  }

  void insert(std::uintptr_t a) noexcept {
    if ((used + 1) * 3 >= capacity * 2) {
      // Grow when live entries fill a third; otherwise only sweep out tombstones.
      const std::size_t cap = capacity == 0 ? 64 : (live + 1) * 3 >= capacity ? capacity * 2 : capacity;
      rehash(cap);
    }
    std::size_t j = hash(a) & (capacity - 1);
    while (table[j] != kEmpty && table[j] != kTombstone) j = (j + 1) & (capacity - 1);
    if (table[j] == kEmpty) ++used;
    table[j] = a;
    ++live;
  }

  void erase(std::uintptr_t a) noexcept {
    if (!capacity) return;
    std::size_t j = hash(a) & (capacity - 1);
    while (table[j] != kEmpty) {
      if (table[j] == a) {
        table[j] = kTombstone;
        --live;
        return;
      }
      j = (j + 1) & (capacity - 1);
    }
  }
};

root_shard shards[kShards];

root_shard& shard_for(std::uintptr_t a) noexcept { return shards[(a >> 4) % kShards]; }

}  // namespace

bool handle_slot_is_root_off_heap(const void* slot) noexcept {
  if (!on_current_stack(slot)) return true;
  // A handle on this thread's stack is found by scanning the stack, so the
  // thread must be one whose stack is scanned.
  gc_register_thread();
  return false;
}

void register_root(const void* slot) noexcept {
  const auto a = reinterpret_cast<std::uintptr_t>(slot);
  root_shard& s = shard_for(a);
  s.lock.lock();
  s.insert(a);
  s.lock.unlock();
}

void unregister_root(const void* slot) noexcept {
  const auto a = reinterpret_cast<std::uintptr_t>(slot);
  root_shard& s = shard_for(a);
  s.lock.lock();
  s.erase(a);
  s.lock.unlock();
}

// The slots are read while their owners may store to them: the write
// barrier covers such races, so the reads are not instrumented.
__attribute__((no_sanitize("address", "thread"))) static std::uintptr_t read_slot(std::uintptr_t a) noexcept {
  return *reinterpret_cast<const volatile std::uintptr_t*>(a);
}

void scan_registered_roots(word_visitor visit, void* ctx) noexcept {
  for (root_shard& s : shards) {
    s.lock.lock();
    for (std::size_t i = 0; i < s.capacity; ++i) {
      const std::uintptr_t a = s.table[i];
      if (a == kEmpty || a == kTombstone) continue;
      visit(read_slot(a), ctx);
    }
    s.lock.unlock();
  }
}

std::uint64_t registered_root_count() noexcept {
  std::uint64_t n = 0;
  for (root_shard& s : shards) {
    s.lock.lock();
    n += s.live;
    s.lock.unlock();
  }
  return n;
}

}  // namespace go::detail
