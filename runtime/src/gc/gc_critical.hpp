// Critical sections of the collector's mutators.
//
// The world is stopped by signalling every thread that uses the heap (see
// gc_threads.cpp). A thread may be interrupted anywhere -- except inside
// a critical section: allocation, sweeping a span it owns, pushing grey
// objects onto its work buffer, registering its cache. There the signal
// handler only records that a stop is pending, and the thread stops itself
// when it leaves the outermost critical section. So while the world is
// stopped every cache, work buffer and span list is in a consistent state,
// and the collector may read and flush them without taking their locks.
//
// Nothing in a critical section may block on something a stopped thread
// could hold (a goroutine channel, the C++ heap's locks are fine: no stop
// request is honoured while in here, so nobody holding them is stopped).
#pragma once
#include <atomic>

namespace go::detail {

struct gc_thread_flags {
  int critical = 0;              // nesting depth
  volatile int stop_pending = 0; // set by the stop signal's handler
};

extern thread_local gc_thread_flags tl_gc_flags;

// Stops the calling thread for a stop request that arrived while it was in
// a critical section (the same protocol as the signal handler).
void gc_deferred_stop() noexcept;

class critical_section {
 public:
  critical_section() noexcept {
    ++tl_gc_flags.critical;
    std::atomic_signal_fence(std::memory_order_seq_cst);
  }
  ~critical_section() {
    std::atomic_signal_fence(std::memory_order_seq_cst);
    if (--tl_gc_flags.critical == 0) {
      std::atomic_signal_fence(std::memory_order_seq_cst);
      if (tl_gc_flags.stop_pending) [[unlikely]]
        gc_deferred_stop();
    }
  }
  critical_section(const critical_section&) = delete;
  critical_section& operator=(const critical_section&) = delete;
};

}  // namespace go::detail
