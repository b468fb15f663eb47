// A small lock for the runtime's short critical sections (channel state, wait
// queues, run-queue overflow). Critical sections never block and never run user
// code, so spinning briefly and then yielding the thread is cheaper than a
// futex-based mutex on the channel fast paths.
#pragma once
#include <atomic>
#include <thread>

#include "gocxx/detail/cpu_relax.hpp"

namespace go::detail {

class spinlock {
 public:
  void lock() noexcept {
    for (int spins = 0; flag_.exchange(true, std::memory_order_acquire); ++spins) {
      while (flag_.load(std::memory_order_relaxed)) {
        if (spins < 64) {
          cpu_relax();
          ++spins;
        } else {
          std::this_thread::yield();
        }
      }
    }
  }
  bool try_lock() noexcept { return !flag_.exchange(true, std::memory_order_acquire); }
  void unlock() noexcept { flag_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> flag_{false};
};

}  // namespace go::detail
