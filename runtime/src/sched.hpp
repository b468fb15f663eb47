// The scheduler's state: Go's P (logical processor), M (worker thread) and
// the global scheduler (schedt), private to the runtime.
#pragma once
#include <pthread.h>
#include <time.h>

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

namespace go {
class panic_error;
}

namespace go::detail {

// A P's timers: a 4-ary min-heap on when, guarded by its own lock so that
// timers can be added and stopped from any thread.
struct timer_heap {
  spinlock lock;
  std::vector<timer_node*> nodes;
  // when of the earliest pending timer, readable without the lock.
  std::atomic<std::int64_t> next_when{INT64_MAX};
};

struct m;

struct p {
  int id = 0;
  runq q;
  // Goroutines this P has started or resumed: written by the owner only,
  // read by sysmon, which takes a tick that stays put for 10 ms as a
  // goroutine running without a scheduling point.
  std::atomic<std::uint32_t> schedtick{0};
  std::atomic<m*> owner{nullptr};  // the M running on this P, if any
  // A P lent by sysmon while another P's goroutine runs without a scheduling
  // point (see sysmon.cpp): never on the idle list, and given back to the
  // spare list when its M runs out of work.
  bool borrowed = false;
  timer_heap timers;
  // Dead descriptors ready for reuse (Go's p.gFree), linked by schedlink.
  g* gfree = nullptr;
  std::int32_t ngfree = 0;
  // Goroutines started and ended on this P; written only by its owner, so
  // spawning and exiting on different Ps share no cache line.
  std::atomic<std::int64_t> started{0};
  std::atomic<std::int64_t> ended{0};
};

// An M parks on its note when it has nothing to run. It first spins for a
// few tens of microseconds, so that a wakeup arriving soon -- the common case
// when goroutines hand work back and forth -- costs neither side a system
// call; only then does it sleep in the kernel.
struct note {
  static constexpr int idle = 0, signaled = 1, sleeping = 2;
  std::atomic<int> state{idle};
  std::mutex mu;
  std::condition_variable cv;

  void wakeup() {
    if (state.exchange(signaled, std::memory_order_acq_rel) == sleeping) {
      std::lock_guard lk(mu);
      cv.notify_one();
    }
  }
  // Returns when woken or when deadline (nanotime) passes, or spuriously:
  // callers re-examine the scheduler's state after every return.
  void sleep(std::int64_t deadline);
};

struct m {
  int id = 0;
  p* pp = nullptr;
  p* nextp = nullptr;  // P handed over by the waker (under sched lock)
  bool spinning = false;
  bool idle = false;  // on the idle list
  note park;
  std::uint64_t rand_state = 0;
  // Goroutine ids are taken from the global counter in blocks (Go's goidcache).
  std::uint64_t goid_next = 0;
  std::uint64_t goid_end = 0;
  std::thread thread;
  // The thread's CPU clock: sysmon counts a goroutine as running for 10 ms
  // by the CPU time its thread used, not by the wall clock (a thread the OS
  // has descheduled is not running anything). Set before the M takes a P.
  std::atomic<bool> has_cpu_clock{false};
  clockid_t cpu_clock{};
  // The goroutine it runs, for sysmon's report. In the M, not the P: every
  // spinning thief reads the P's line, which execute() would otherwise
  // write twice per goroutine run.
  std::atomic<g*> curg{nullptr};
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

  // Timers pending on all heaps, so the scheduling loop can tell "none" with
  // one load instead of scanning every P.
  std::atomic<std::int64_t> ntimers{0};

  // The one idle M that sleeps until the earliest timer, and until when.
  m* timer_waiter = nullptr;
  std::atomic<std::int64_t> timer_wait_until{INT64_MAX};

  std::atomic<std::uint64_t> next_goid{1};
  // Goroutines started by threads without a P (from inside go::blocking).
  std::atomic<std::int64_t> started_without_p{0};

  // Every descriptor ever made, live or dead (Go's allgs): appended to, never
  // shrunk, read by the reports and at shutdown. Dead ones wait for reuse on
  // the Ps' free lists or on the global one below (both under their locks).
  std::mutex allg_mu;
  std::vector<g*> allg;
  g* gfree = nullptr;  // under lock
  std::atomic<std::int32_t> ngfree{0};

  std::int64_t ngoroutines() const noexcept;
  std::atomic<bool> stopping{false};
  std::atomic<bool> tearing_down{false};

  // go::run waits here for the main goroutine.
  std::mutex main_mu;
  std::condition_variable main_cv;
  bool main_done = false;

  // sysmon's (sysmon.cpp), last: away from the fields the scheduling loop
  // writes on every hand-off.
  std::vector<p*> spare;  // Ps sysmon may lend (allp[nprocs..]), not lent now; under lock
  // allp[nprocs + spare_high - 1] is the highest lent spare (0: none is
  // lent): the stealers look at allp[0, nprocs + spare_high).
  std::atomic<int> spare_high{0};
  // Whether every spare is back (no lent P runs anything). Under lock.
  bool no_lent_ps() const noexcept { return spare.size() == allp.size() - static_cast<std::size_t>(nprocs); }
  std::thread sysmon;
  std::mutex sysmon_mu;  // sysmon sleeps on sysmon_cv, woken to stop
  std::condition_variable sysmon_cv;
  bool sysmon_quit = false;  // under sysmon_mu
};

extern scheduler* sched;
extern thread_local m* tl_m;
extern thread_local g* tl_g;

// The go::testing::scope of the calling goroutine, or of the calling thread
// outside goroutines; new goroutines inherit it.
std::uint64_t current_scope() noexcept;
void set_current_scope(std::uint64_t scope) noexcept;

// Go's casgstatus, without the compare-and-swap: only the thread that owns
// gp changes its status (see gstatus), so a load and a store suffice, and
// the load checks that gp is where the caller believes it is. Any other
// status is a broken invariant of the scheduler -- two wakers for one park,
// a goroutine run twice -- and a fatal error naming `what`, before it turns
// into a goroutine resumed twice or a frame used after it was freed.
[[noreturn]] void bad_gstatus(const g* gp, gstatus want, const char* what) noexcept;
inline void casgstatus(g* gp, gstatus from, gstatus to, const char* what,
                       std::memory_order order = std::memory_order_relaxed) noexcept {
  if (gp->status.load(std::memory_order_relaxed) != from) [[unlikely]]
    bad_gstatus(gp, from, what);
  gp->status.store(to, order);
}

// Run-queue operations (sched.cpp).
void runq_put(p* pp, g* gp, bool next) noexcept;
// Starts an M on a spare P, spinning, so that it steals from the Ps whose
// goroutines run without a scheduling point (sysmon.cpp). False when every
// spare is lent.
bool lend_spare_p() noexcept;
// sysmon's thread: started by run_main, stopped before the Ms are.
void sysmon_start();
void sysmon_stop() noexcept;
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
// "runnable", "waiting", ...
const char* gstatus_string(gstatus s) noexcept;
// A blank line and gp's block of the reports: "goroutine N [status]:", where
// it is blocked, where it was created. Takes no lock (see throw.hpp).
// With a panic (that gp is dying of), its traceback between the goroutine's
// line and where it was created.
void print_goroutine(const g* gp, const go::panic_error* panic = nullptr) noexcept;
// The lines after the heading of such a block: "\tblocked at F at FILE:L:C"
// (when wait_site is given) and "\tcreated by F at FILE:L:C".
void print_goroutine_sites(const std::source_location* wait_site, const std::source_location& spawn_site,
                           const char* creator) noexcept;

}  // namespace go::detail
