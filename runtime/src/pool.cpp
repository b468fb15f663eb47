// What go::pool (pool.hpp) asks of the scheduler and the collector: which
// shard the caller should use, and how many cycles have begun.
#include <atomic>

#include "gc/mgc.hpp"
#include "gocxx/pool.hpp"
#include "sched.hpp"

namespace go::detail {

std::size_t pool_shard_hint() noexcept {
  // A worker's P does not change while get or put runs (they never
  // suspend), so the shard is the P's own, as Go's poolLocal is.
  if (const m* mp = tl_m; mp != nullptr && mp->pp != nullptr) return static_cast<std::size_t>(mp->pp->id);
  // Threads outside the scheduler get a number each, spreading them over
  // the shards.
  static std::atomic<std::size_t> next_thread{0};
  thread_local const std::size_t mine = next_thread.fetch_add(1, std::memory_order_relaxed);
  return mine;
}

std::uint32_t pool_gc_cycle() noexcept { return gc_cycle.load(std::memory_order_relaxed); }

}  // namespace go::detail
