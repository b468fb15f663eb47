// sync.RWMutex (Go's sync/rwmutex.go); see rwmutex.hpp for the counters.
#include "gocxx/rwmutex.hpp"

#include "gocxx/detail/chan_core.hpp"

namespace go {

task<> rwmutex::lock(std::source_location where) {
  co_await w_.lock(where);
  // Announce the writer, then wait for the readers already inside.
  std::int32_t r = reader_count_.fetch_sub(max_readers, std::memory_order_acq_rel);
  if (r != 0 && reader_wait_.fetch_add(r, std::memory_order_acq_rel) + r != 0)
    co_await writer_sem_.acquire(false, detail::wait_reason::rwmutex_lock, where);
}

void rwmutex::unlock() {
  std::int32_t r = reader_count_.fetch_add(max_readers, std::memory_order_acq_rel) + max_readers;
  if (r >= max_readers) {
    reader_count_.fetch_sub(max_readers, std::memory_order_relaxed);
    detail::panic_runtime("sync: Unlock of unlocked RWMutex");
  }
  // Let in the readers that queued behind this writer.
  reader_sem_.release_many(static_cast<std::uint32_t>(r));
  w_.unlock();
}

void rwmutex::runlock() {
  std::int32_t r = reader_count_.fetch_sub(1, std::memory_order_acq_rel) - 1;
  if (r >= 0) return;
  if (r + 1 == 0 || r + 1 == -max_readers) {
    reader_count_.fetch_add(1, std::memory_order_relaxed);
    detail::panic_runtime("sync: RUnlock of unlocked RWMutex");
  }
  // A writer is pending: the last reader it waits for wakes it.
  if (reader_wait_.fetch_sub(1, std::memory_order_acq_rel) - 1 == 0) writer_sem_.release();
}

bool rwmutex::try_lock() noexcept {
  if (!w_.try_lock()) return false;
  std::int32_t zero = 0;
  if (!reader_count_.compare_exchange_strong(zero, -max_readers, std::memory_order_acq_rel)) {
    w_.unlock();
    return false;
  }
  return true;
}

bool rwmutex::try_rlock() noexcept {
  std::int32_t c = reader_count_.load(std::memory_order_relaxed);
  while (c >= 0) {
    if (reader_count_.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel)) return true;
  }
  return false;
}

}  // namespace go
