// The allocation hook (see gocxx/detail/alloc.hpp).
//
// Until the garbage-collected heap takes over, objects come from the C++ heap
// through a small thread cache in the style of tcmalloc: per-thread free
// lists by size class, and a central transfer list per class that moves
// batches between threads. Goroutine frames are typically allocated on one
// worker and freed on another; without the transfer list every such free
// would contend on the malloc arena of the allocating thread.
//
// Under AddressSanitizer the cache is bypassed so that use-after-free of
// frames and channels is still detected.
#include "gocxx/detail/alloc.hpp"

#include <array>
#include <cstdint>
#include <new>

#include "gocxx/detail/spinlock.hpp"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define GOCXX_ALLOC_NO_CACHE 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GOCXX_ALLOC_NO_CACHE 1
#endif

namespace go::detail {

#ifdef GOCXX_ALLOC_NO_CACHE

void* alloc(std::size_t size) { return ::operator new(size); }
void free(void* p, std::size_t size) noexcept { ::operator delete(p, size); }

#else

namespace {

constexpr std::size_t kGranule = 16;
constexpr std::size_t kMaxCached = 1024;
constexpr std::size_t kClasses = kMaxCached / kGranule;
constexpr std::size_t kBatch = 64;           // objects moved per transfer
constexpr std::size_t kThreadLimit = 4 * kBatch;  // per class, per thread

struct free_object {
  free_object* next;
};

// A batch is a chain of kBatch objects; batches are chained through the
// second word of their first object.
struct central_list {
  spinlock lock;
  free_object* batches = nullptr;
};
std::array<central_list, kClasses> central;

free_object*& batch_link(free_object* head) { return reinterpret_cast<free_object**>(head)[1]; }

struct thread_cache {
  std::array<free_object*, kClasses> head{};
  std::array<std::size_t, kClasses> count{};

  ~thread_cache() {
    for (std::size_t c = 0; c < kClasses; ++c) {
      while (free_object* o = head[c]) {
        head[c] = o->next;
        ::operator delete(o, (c + 1) * kGranule);
      }
    }
  }

  void* pop(std::size_t c) {
    if (!head[c] && !refill(c)) return nullptr;
    free_object* o = head[c];
    head[c] = o->next;
    --count[c];
    return o;
  }

  void push(std::size_t c, void* p) {
    auto* o = static_cast<free_object*>(p);
    o->next = head[c];
    head[c] = o;
    if (++count[c] >= kThreadLimit) release_batch(c);
  }

  bool refill(std::size_t c) {
    central_list& cl = central[c];
    cl.lock.lock();
    free_object* b = cl.batches;
    if (b) cl.batches = batch_link(b);
    cl.lock.unlock();
    if (!b) return false;
    head[c] = b;
    count[c] = kBatch;
    return true;
  }

  void release_batch(std::size_t c) {
    free_object* b = head[c];
    free_object* last = b;
    for (std::size_t i = 1; i < kBatch; ++i) last = last->next;
    head[c] = last->next;
    last->next = nullptr;
    count[c] -= kBatch;
    central_list& cl = central[c];
    cl.lock.lock();
    batch_link(b) = cl.batches;
    cl.batches = b;
    cl.lock.unlock();
  }
};

thread_local thread_cache cache;

std::size_t size_class(std::size_t size) { return (size + kGranule - 1) / kGranule - 1; }

}  // namespace

void* alloc(std::size_t size) {
  if (size == 0 || size > kMaxCached) return ::operator new(size);
  const std::size_t c = size_class(size);
  if (void* p = cache.pop(c)) return p;
  return ::operator new((c + 1) * kGranule);
}

void free(void* p, std::size_t size) noexcept {
  if (size == 0 || size > kMaxCached) return ::operator delete(p, size);
  cache.push(size_class(size), p);
}

#endif

}  // namespace go::detail
