// sync.WaitGroup (Go's sync/waitgroup.go); see wait_group.hpp.
#include "gocxx/wait_group.hpp"

#include "gocxx/detail/chan_core.hpp"

namespace go {

void wait_group::add(int delta) {
  const std::uint64_t s = state_.fetch_add(static_cast<std::uint64_t>(static_cast<std::int64_t>(delta)) << 32,
                                           std::memory_order_acq_rel) +
                          (static_cast<std::uint64_t>(static_cast<std::int64_t>(delta)) << 32);
  const auto counter = static_cast<std::int32_t>(s >> 32);
  const auto waiters = static_cast<std::uint32_t>(s);
  if (counter < 0) detail::panic_runtime("sync: negative WaitGroup counter");
  if (waiters != 0 && delta > 0 && counter == delta)
    detail::panic_runtime("sync: WaitGroup misuse: Add called concurrently with Wait");
  if (counter > 0 || waiters == 0) return;
  // counter == 0 with waiters: nobody may add or wait concurrently now.
  if (state_.load(std::memory_order_relaxed) != s)
    detail::panic_runtime("sync: WaitGroup misuse: Add called concurrently with Wait");
  state_.store(0, std::memory_order_relaxed);
  // One call that wakes every waiter and then leaves the wait group alone:
  // a woken waiter may return and destroy it at once.
  sema_.release_many(waiters);
}

bool wait_group::wait_awaiter::await_ready() noexcept {
  std::uint64_t s = wg_->state_.load(std::memory_order_acquire);
  for (;;) {
    if ((s >> 32) == 0) return true;
    if (wg_->state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel)) return wait_.await_ready();
  }
}

}  // namespace go
