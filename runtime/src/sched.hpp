// The scheduler's state: Go's P (logical processor), M (worker thread) and
// the global scheduler (schedt), private to the runtime.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "gocxx/detail/goroutine.hpp"
#include "gocxx/detail/spinlock.hpp"
#include "gocxx/detail/timer.hpp"
#include "runq.hpp"

namespace go::detail {

// A P's timers: a 4-ary min-heap on when, guarded by its own lock so that
// timers can be added and stopped from any thread.
struct timer_heap {
  spinlock lock;
  std::vector<timer_node*> nodes;
  // when of the earliest pending timer, readable without the lock.
  std::atomic<std::int64_t> next_when{INT64_MAX};
};

// A list of all goroutines, one per P so that spawning and exiting rarely
// contend; read whole only by the deadlock and leak reports and at shutdown.
struct allg_list {
  spinlock lock;
  g* head = nullptr;
  std::size_t count = 0;
};

struct m;

struct p {
  int id = 0;
  runq q;
  std::uint32_t schedtick = 0;
  m* owner = nullptr;
  timer_heap timers;
  allg_list allg;
};

// An M parks on its note when it has nothing to run.
struct note {
  std::mutex mu;
  std::condition_variable cv;
  bool signaled = false;

  void wakeup() {
    std::lock_guard lk(mu);
    signaled = true;
    cv.notify_one();
  }
  // Returns when woken or when deadline (nanotime) passes.
  void sleep(std::int64_t deadline);
};

struct m {
  int id = 0;
  p* pp = nullptr;
  p* nextp = nullptr;  // P handed over by the waker (under sched lock)
  bool spinning = false;
  bool idle = false;   // on the idle list
  note park;
  std::uint64_t rand_state = 0;
  std::thread thread;
};

struct scheduler {
  explicit scheduler(int nprocs);

  std::vector<std::unique_ptr<p>> allp;
  int nprocs;

  // lock guards the global run queue, the idle lists and the counters below.
  std::mutex lock;
  g* runq_head = nullptr;
  g* runq_tail = nullptr;
  std::atomic<std::int32_t> runq_size{0};
  std::vector<p*> pidle;
  std::atomic<std::int32_t> npidle{0};
  std::vector<m*> midle;
  std::vector<std::unique_ptr<m>> allm;
  std::int32_t nsyscall = 0;  // goroutines inside go::blocking
  std::atomic<std::int32_t> nmspinning{0};

  // The one idle M that sleeps until the earliest timer, and until when.
  m* timer_waiter = nullptr;
  std::atomic<std::int64_t> timer_wait_until{INT64_MAX};

  std::atomic<std::uint64_t> next_goid{1};
  std::atomic<std::int64_t> ngoroutines{0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> tearing_down{false};

  // go::run waits here for the main goroutine.
  std::mutex main_mu;
  std::condition_variable main_cv;
  bool main_done = false;
};

extern scheduler* sched;
extern thread_local m* tl_m;
extern thread_local g* tl_g;

// Run-queue operations (sched.cpp).
void runq_put(p* pp, g* gp, bool next) noexcept;
void globrunq_put_locked(g* gp) noexcept;
void wakep() noexcept;

// Timers (timers.cpp).
void run_timers(p* pp, std::int64_t now) noexcept;
std::int64_t earliest_timer() noexcept;
bool any_timers() noexcept;
void clear_timers() noexcept;
void wake_for_timer(std::int64_t when) noexcept;

// Reports (report.cpp).
[[noreturn]] void report_deadlock() noexcept;
void report_leaks_and_exit_if_any() noexcept;

}  // namespace go::detail
