// go::semaphore::weighted: golang.org/x/sync/semaphore's Weighted, a
// semaphore of a fixed size whose acquirers take n units at a time.
//
// Under lock_ it keeps cur_, the units held (0 <= cur_ <= size_), and the
// FIFO queue of waiting acquirers. Invariants:
//   * a waiter in the queue asked for n <= size_: a larger request could
//     never be served, so it waits for its context alone and never queues
//     (it would block everyone behind it);
//   * the queue is served from its head only: while the head does not fit,
//     nobody behind it is served, and no acquire or try_acquire goes ahead
//     of a non-empty queue. That is Go's choice: with units handed to any
//     waiter that fits, a large request (a writer taking every unit) could
//     starve behind a stream of small ones;
//   * a waiter is granted under the lock (taken off the queue, cur_ raised by
//     its n, granted set) and woken after the lock is released, by closing
//     its ready channel. The lock is a spinlock: nothing under it blocks,
//     allocates or runs user code.
// A waiter waits in a select on its ready channel and its context's done
// channel. If the context wins it takes the lock and leaves the queue -- or,
// when it was granted in the meantime, hands the units back -- so that an
// acquire that fails leaves the semaphore as it found it.
#pragma once
#include <cstdint>
#include <source_location>

#include "gocxx/chan.hpp"
#include "gocxx/context.hpp"
#include "gocxx/detail/spinlock.hpp"
#include "gocxx/error.hpp"
#include "gocxx/task.hpp"

namespace go::semaphore {

class weighted {
 public:
  // semaphore.NewWeighted(n): n units, all free.
  explicit weighted(std::int64_t n) noexcept : size_(n) {}
  weighted(const weighted&) = delete;
  weighted& operator=(const weighted&) = delete;

  // Acquire(ctx, n): waits until n units are free and it is first in line,
  // or until ctx is done; then returns ctx.err() and holds nothing. A context
  // that is done on entry fails even when the units are free. n larger than
  // the size waits for ctx alone (forever with a context that is never done).
  [[nodiscard]] task<error> acquire(context ctx, std::int64_t n,
                                    std::source_location where = std::source_location::current());
  // Acquire(context.Background(), n).
  [[nodiscard]] task<> acquire(std::int64_t n, std::source_location where = std::source_location::current());
  // TryAcquire: takes n units if they are free and nobody waits.
  bool try_acquire(std::int64_t n) noexcept;
  // Release: gives back n units and serves the waiters that now fit, in
  // order. Releasing more than is held panics (and changes nothing).
  void release(std::int64_t n);

 private:
  // Owned by the acquiring goroutine's frame. Written under lock_ while
  // queued; once granted, only the goroutine that granted it reads it, until
  // it has closed `ready` (see wake).
  struct waiter {
    weighted* sem;
    std::int64_t n;
    chan<unit> ready;
    waiter* prev = nullptr;
    waiter* next = nullptr;
    waiter* wake_next = nullptr;  // the granter's list of channels to close
    bool queued = false;
    bool granted = false;
    waiter(weighted* s, std::int64_t units, chan<unit> c) noexcept : sem(s), n(units), ready(std::move(c)) {}
    waiter(const waiter&) = delete;
    // A record destroyed while queued (the frame of a goroutine abandoned
    // at the end of go::run) leaves the queue.
    ~waiter() {
      if (queued) sem->forget(this);
    }
  };

  bool enqueue(waiter* w) noexcept;
  void unlink_locked(waiter* w) noexcept;
  waiter* grant_locked() noexcept;
  static void wake(waiter* list);
  void forget(waiter* w) noexcept;

  const std::int64_t size_;
  detail::spinlock lock_;
  std::int64_t cur_ = 0;
  waiter* first_ = nullptr;
  waiter* last_ = nullptr;
};

}  // namespace go::semaphore
