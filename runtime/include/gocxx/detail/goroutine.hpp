// The goroutine descriptor (Go's g) and the two operations every blocking
// primitive is built from: park (the current goroutine stops running) and ready
// (a parked goroutine becomes runnable again).
//
// The parking protocol, which every channel, select, timer and sync primitive
// follows:
//   1. Under the lock that guards the wait queue, the awaiter records where
//      the goroutine resumes (g::resume, the innermost suspended coroutine) and
//      why it waits (park_current), then puts its waiter record on the queue.
//   2. It releases that lock and returns from await_suspend without touching
//      the coroutine frame again: from the moment the lock is released a waker
//      on another thread may dequeue the record and ready the goroutine, and
//      another worker may resume -- and even finish and free -- the frame.
//   3. A waker removes the record under the same lock, hands over the data,
//      and calls ready(g) after releasing the lock.
// Each park has exactly one waker: a record is on at most one queue, except in
// select, where the goroutine's select_done flag decides which channel wins.
#pragma once
#include <atomic>
#include <coroutine>
#include <cstdint>
#include <source_location>

namespace go::detail {

// Why a goroutine is parked, with Go's wording for the deadlock and leak reports.
enum class wait_reason : std::uint8_t {
  none,
  chan_receive,
  chan_send,
  chan_receive_nil,
  chan_send_nil,
  select,
  select_no_cases,
  mutex_lock,
  rwmutex_lock,
  rwmutex_rlock,
  wait_group_wait,
  cond_wait,
  sleep,
  semacquire,
};

const char* wait_reason_string(wait_reason r) noexcept;

// A goroutine's status (Go's _Grunnable, ...). The transitions, each made
// by the one thread that owns the goroutine at that moment (sched.cpp,
// casgstatus):
//   dead -> runnable            spawned (a fresh or recycled descriptor)
//   runnable -> running         a worker runs it
//   running -> waiting          it parks (park_current)
//   waiting -> runnable         its one waker readies it (ready)
//   running -> runnable         it yields
//   running -> syscall          it enters go::blocking, and leaves it:
//   syscall -> running | runnable   (with a P | queued for one)
//   running -> dead             it ends (goexit)
// and, when go::run ends, any -> dead for the goroutines it abandons.
enum class gstatus : std::uint8_t { runnable, running, waiting, syscall, dead };

struct g {
  std::coroutine_handle<> resume;  // innermost suspended coroutine of this goroutine
  std::coroutine_handle<> root;    // the goroutine's outermost frame (owns the rest)
  g* schedlink = nullptr;          // link in the global run queue or a free list
  std::uint64_t id = 0;
  std::source_location spawn_site;
  const char* creator = "go::spawn";
  std::atomic<gstatus> status{gstatus::dead};  // dead until spawned
  std::atomic<wait_reason> reason{wait_reason::none};
  // select: set to 1 by the one waker that wins this goroutine's select.
  std::atomic<std::uint32_t> select_done{0};
  std::atomic<std::source_location> wait_site{};
  void* param = nullptr;  // the sudog that fired a select, handed from waker to wakee
  // The collector scans a goroutine's frames only while it is not running:
  // it sets gcscan, and a worker about to run the goroutine waits until the
  // scan is over (see gc_claim_goroutine in mgcmark.cpp).
  std::atomic<std::uint32_t> gcscan{0};
  std::atomic<std::uint32_t> gcscan_cycle{0};  // the cycle whose scan of this goroutine is done
};

// The goroutine running on this thread, or nullptr outside goroutines.
g* current_g() noexcept;

// Step 1 of the parking protocol for the current goroutine, which must be
// running (else a fatal error: "gopark: bad g status").
void park_current(std::coroutine_handle<> resume_at, wait_reason why,
                  const std::source_location& where) noexcept;

// Makes a parked goroutine runnable. Callable from any thread; from a worker
// that holds a P the goroutine goes to that P's runnext slot, as in Go.
// gp must be waiting (else a fatal error: "bad g->status in ready").
void ready(g* gp) noexcept;

// Called by a goroutine's outermost frame when it finishes: frees the frame
// and recycles the descriptor.
void goexit(g* gp) noexcept;

// Reports the exception escaping goroutine gp in Go's panic form and exits 2.
[[noreturn]] void die_of_panic(g* gp) noexcept;

// Fast per-worker random numbers (select's poll order).
std::uint32_t fastrandn(std::uint32_t n) noexcept;

// Monotonic clock in nanoseconds, the time base of all timers.
std::int64_t nanotime() noexcept;

}  // namespace go::detail
