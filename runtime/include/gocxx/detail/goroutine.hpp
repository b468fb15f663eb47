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
//
// Every park also says what the goroutine can be woken through (wait_target):
// the channel, sema or cond whose queue it joins, or the channels of its
// select. The leak detector (gc/mgcleak.cpp) reads it while the goroutine is
// parked: a goroutine can never run again if nothing that is still running
// can reach any of its targets.
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

struct scase;

// What a parking goroutine can be woken through, recorded with its wait
// reason. The reasons say which form applies:
//   * chan_receive, chan_send, mutex_lock, rwmutex_*, wait_group_wait,
//     cond_wait, semacquire: obj, the channel, sema or cond whose queue the
//     goroutine joins (a sema's address lies inside its mutex, rwmutex or
//     wait_group);
//   * select: cases, the select's ncases cases; a nil channel's case never
//     fires;
//   * chan_*_nil, select_no_cases: nothing, it can never be woken;
//   * sleep: nothing, a timer wakes it.
// park_current checks that the form fits the reason.
struct wait_target {
  const void* obj = nullptr;
  const scase* cases = nullptr;
  std::uint32_t ncases = 0;
};

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
  // Who it is: set when it is spawned, read by reports, the leak detector
  // and the test helpers (go::testing) while other goroutines run, hence
  // atomic; a descriptor is reused for a new goroutine once its goroutine
  // is dead.
  std::atomic<std::uint64_t> id{0};
  std::atomic<std::source_location> spawn_site{};
  std::atomic<const char*> creator{"go::spawn"};
  // The go::testing::scope it belongs to, inherited from the goroutine (or
  // the thread) that spawned it; 0 for none.
  std::atomic<std::uint64_t> scope{0};
  std::atomic<gstatus> status{gstatus::dead};  // dead until spawned
  std::atomic<wait_reason> reason{wait_reason::none};
  // Its wait_target while parked: written before the status turns waiting
  // (release), so whoever sees it waiting sees what it waits on.
  std::atomic<const void*> wait_obj{nullptr};
  std::atomic<const scase*> wait_cases{nullptr};
  std::atomic<std::uint32_t> wait_ncases{0};
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
// running (else a fatal error: "gopark: bad g status"). `on` must have the
// form `why` asks for (see wait_target; else a fatal error: "gopark: bad
// wait target").
void park_current(std::coroutine_handle<> resume_at, wait_reason why, const std::source_location& where,
                  const wait_target& on) noexcept;

// Makes a parked goroutine runnable. Callable from any thread; from a worker
// that holds a P the goroutine goes to that P's runnext slot, as in Go.
// gp must be waiting (else a fatal error: "bad g->status in ready").
void ready(g* gp) noexcept;

// Called by a goroutine's outermost frame when it finishes: frees the frame
// and recycles the descriptor.
void goexit(g* gp) noexcept;

// Reports the exception escaping goroutine gp in Go's panic form and exits 2.
[[noreturn]] void die_of_panic(g* gp) noexcept;

// Called by a task frame the current exception is leaving: a go::panic_error
// records `at` (where the frame last awaited) in its traceback.
void note_panic_frame(const std::source_location& at) noexcept;

// Fast per-worker random numbers (select's poll order).
std::uint32_t fastrandn(std::uint32_t n) noexcept;

// Monotonic clock in nanoseconds, the time base of all timers.
std::int64_t nanotime() noexcept;

}  // namespace go::detail
