// The pointer word every GC handle (go::ptr, go::slice, go::map, go::chan)
// holds, with the protocol that keeps the collector informed:
//   * constructing it shades the pointer (a new copy may land somewhere the
//     collector has scanned already) and, when it lives outside the GC heap
//     and the thread's stack, registers its address as a root;
//   * assigning it runs the write barrier (shade the old and the new value;
//     gc/mbarrier.cpp says why both);
//   * destroying it shades the pointer (a deletion) and unregisters it.
// Go has no moves, and neither does this word: a moved-from handle still
// points where it did.
#pragma once
#include <cstddef>

#include "gocxx/detail/heap.hpp"
#include "gocxx/detail/mbarrier.hpp"

namespace go::detail {

inline void track_handle(const void* slot) noexcept {
  if (handle_slot_is_root(slot)) register_root(slot);
}
inline void untrack_handle(const void* slot) noexcept {
  if (handle_slot_is_root(slot)) unregister_root(slot);
}

template <class T>
class traced {
 public:
  traced() noexcept { track_handle(&p_); }
  explicit traced(T* p) noexcept : p_(p) {
    gc_shade(p_);
    track_handle(&p_);
  }
  traced(const traced& o) noexcept : traced(o.p_) {}
  ~traced() {
    gc_shade(p_);
    untrack_handle(&p_);
  }
  traced& operator=(const traced& o) noexcept { return *this = o.p_; }
  traced& operator=(T* v) noexcept {
    write_barrier(p_, v);
    p_ = v;
    return *this;
  }

  T* get() const noexcept { return p_; }
  operator T*() const noexcept { return p_; }  // NOLINT: reads are plain pointer reads
  T* operator->() const noexcept { return p_; }

 private:
  T* p_ = nullptr;
};

}  // namespace go::detail
