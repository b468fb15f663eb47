// Timers as the scheduler sees them (Go's runtime timer).
//
// Each P owns a 4-ary min-heap of timer_nodes; workers run the expired ones
// in the scheduling loop, and an idle worker sleeps until the earliest one.
// There is no thread per timer.
//
// Ownership: a node either lives inside a parked goroutine's frame (sleep:
// release == nullptr, the frame outlives the pending timer) or is shared and
// reference counted (after, timer, ticker, context deadlines): the heap holds
// one reference while the node is pending, and the worker that fires a node
// holds one for the duration of the call.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>

namespace go::detail {

struct timer_heap;

struct timer_node {
  std::int64_t when = 0;    // nanotime() at which it fires
  std::int64_t period = 0;  // > 0: fires again every period
  void (*fire)(timer_node*) = nullptr;
  void (*release)(timer_node*) = nullptr;  // drops one reference; nullptr: not counted
  std::int32_t index = -1;                 // slot in its heap; -1 when not pending
  std::atomic<timer_heap*> heap{nullptr};  // the heap that holds it while pending
};

// Schedules t (not pending) on the current P's heap. A counted node must have
// a reference already taken for the heap.
void add_timer(timer_node* t) noexcept;
// Removes t if still pending. Returns true if it was; the caller then owns the
// heap's reference of a counted node.
bool del_timer(timer_node* t) noexcept;

// A counted timer whose action is a std::function (after, tick, timer,
// ticker, after_func, context deadlines). Created with one reference for its
// creator.
//
// stop and reset may race (a go::func_timer's copies live in several
// goroutines; Go's timers are safe for concurrent use): ops serialises them,
// since a reset is a removal and an insertion that must not interleave with
// another's, or the node would enter a heap twice. Firing does not take it
// (the heap lock orders firing against removal), so on_fire may stop or
// reset its own timer.
struct shared_timer : timer_node {
  std::atomic<std::int32_t> refs{1};
  std::function<void()> on_fire;
  std::mutex ops;

  static shared_timer* make(std::function<void()> fn);
  void retain() noexcept { refs.fetch_add(1, std::memory_order_relaxed); }
  static void drop(timer_node* t) noexcept;
  // Arms the timer for when/period; returns whether it was pending before.
  // The caller holds a reference.
  bool reset(std::int64_t when, std::int64_t period) noexcept;
  // Disarms it; returns whether it was pending. The caller holds a reference.
  bool stop() noexcept;

 private:
  bool stop_locked() noexcept;
};

}  // namespace go::detail
