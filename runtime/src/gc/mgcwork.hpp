// Grey objects waiting to be scanned (Go's gcWork and workbufs).
//
// Each thread pushes the objects it shades onto its own buffer, held in its
// mcache; a full buffer goes to the global list, from which the collector's
// thread and assisting allocators take work. Buffers come from memory mapped
// for the purpose and are never returned, so that the collector can get one
// while the world is stopped, when the C++ heap's locks may be held by a
// stopped thread.
#pragma once
#include <cstddef>
#include <cstdint>

namespace go::detail {

struct work_buf {
  static constexpr std::size_t kCapacity = 253;
  work_buf* next = nullptr;
  std::size_t n = 0;
  std::uintptr_t obj[kCapacity];
};

work_buf* get_empty_buf() noexcept;
void put_empty_buf(work_buf* b) noexcept;
void put_full_buf(work_buf* b) noexcept;
work_buf* get_full_buf() noexcept;
bool global_work_empty() noexcept;
std::size_t global_work_count() noexcept;

// A thread's grey objects: a current buffer of its own.
struct gc_work {
  work_buf* buf = nullptr;
  std::uint64_t marked_bytes = 0;   // bytes this thread marked in the current cycle
  std::uint64_t scanned_bytes = 0;  // bytes it scanned (assist credit)

  void push(std::uintptr_t obj) noexcept {
    if (!buf) buf = get_empty_buf();
    if (buf->n == work_buf::kCapacity) {
      put_full_buf(buf);
      buf = get_empty_buf();
    }
    buf->obj[buf->n++] = obj;
  }
  // Hands a non-empty buffer to the global list.
  void flush() noexcept {
    if (buf && buf->n) {
      put_full_buf(buf);
      buf = nullptr;
    }
  }
};

}  // namespace go::detail
