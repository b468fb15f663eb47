// sysmon: progress for goroutines stuck behind one that never suspends.
//
// Go preempts a goroutine that has run for 10 ms (asynchronously, by a
// signal, since Go 1.14). A stackless coroutine cannot be interrupted: a
// goroutine that busy-waits on a flag keeps its P until it awaits something,
// and the goroutines queued on that P -- the one that would set the flag
// among them -- never run. At GOMAXPROCS=1 that is a hang.
//
// What sysmon does instead, every 2 ms:
//   * a P whose schedtick has not moved while its M's thread used 10 ms of
//     CPU is running one goroutine without a scheduling point (execute()
//     bumps the tick each time it starts or resumes a goroutine). CPU time,
//     not wall time: on a loaded machine the OS deschedules threads for
//     longer than that, and a descheduled goroutine is not a long runner;
//   * if work waits that the stuck P would have run -- its local queue, its
//     due timers, or the global queue -- and no M is spinning, sysmon wakes
//     an idle P, or, when there is none, lends a spare P to a new spinning
//     M. That M steals the stuck P's queue and runs its timers
//     (steal_work), as for any busy P. The goroutine it finds may be a long
//     runner too; the next poll then lends another P.
//   * A lent P is given back (to the spares, never to the idle list) when its
//     M finds no work. There are GOMAXPROCS spares, so at most 2*GOMAXPROCS
//     goroutines run at once; checkdead and the leak check count lent Ps as
//     running.
//
// Why lend a P instead of retaking the stuck one, as the exitsyscall
// analogy suggests: the long runner is in the middle of user code, which
// pushes onto its P's run queue (spawn), readies into its runnext slot and
// allocates from per-P free lists, all owner-only and unsynchronised. Taking
// the P away under it would need an ownership check on each of those hot
// paths. Lending leaves ownership unchanged -- nothing is checked anywhere,
// and the channel and spawn paths cost what they did -- at the price that
// while a goroutine is stuck, up to 2*GOMAXPROCS goroutines run at once
// (as Go lets goroutines in system calls exceed GOMAXPROCS).
//
// GOCXXDEBUG=longrunning=1 prints each such goroutine once per stretch:
// `gocxx: goroutine N has run for 10ms without a scheduling point` and
// where it was created.
#include <chrono>
#include <vector>

#include "debug.hpp"
#include "gc/gc_threads.hpp"
#include "sched.hpp"
#include "throw.hpp"

namespace go::detail {

namespace {

constexpr std::int64_t kLongRunNs = 10'000'000;  // Go's forcePreemptNS
constexpr auto kPollPeriod = std::chrono::milliseconds(2);

struct p_watch {
  std::uint32_t tick = 0;
  const m* owner = nullptr;
  std::int64_t cpu_since = 0;  // the owner's CPU time when tick was last seen to move
  bool reported = false;
};

// The CPU time mp's thread has used, or -1 when it cannot be read.
std::int64_t cpu_time(const m* mp) noexcept {
  if (!mp->has_cpu_clock.load(std::memory_order_acquire)) return -1;
  struct timespec ts;
  if (clock_gettime(mp->cpu_clock, &ts) != 0) return -1;
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Whether work waits that pp's M would run if its goroutine let it.
bool work_waits(p* pp, std::int64_t now) noexcept {
  return !pp->q.empty() || pp->timers.next_when.load(std::memory_order_relaxed) <= now ||
         sched->runq_size.load(std::memory_order_relaxed) > 0;
}

void report_long_runner(const p* pp) noexcept {
  const m* mp = pp->owner.load(std::memory_order_acquire);
  const g* gp = mp ? mp->curg.load(std::memory_order_relaxed) : nullptr;
  if (!gp) return;
  print_err("gocxx: goroutine %llu has run for %lldms without a scheduling point\n",
            static_cast<unsigned long long>(gp->id.load(std::memory_order_relaxed)),
            static_cast<long long>(kLongRunNs / 1'000'000));
  print_goroutine_sites(nullptr, gp->spawn_site.load(std::memory_order_relaxed),
                        gp->creator.load(std::memory_order_relaxed));
}

// One look at every P; whether one is stuck with work waiting.
bool scan(std::vector<p_watch>& watch, std::int64_t now) noexcept {
  bool stuck = false;
  for (std::size_t i = 0; i < sched->allp.size(); ++i) {
    p* pp = sched->allp[i].get();
    p_watch& w = watch[i];
    const std::uint32_t tick = pp->schedtick.load(std::memory_order_relaxed);
    const m* owner = pp->owner.load(std::memory_order_acquire);
    const std::int64_t cpu = owner ? cpu_time(owner) : -1;
    if (cpu < 0 || tick != w.tick || owner != w.owner) {
      w = p_watch{tick, owner, cpu, false};
      continue;
    }
    if (cpu - w.cpu_since < kLongRunNs) continue;
    if (gocxxdebug().longrunning && !w.reported) {
      report_long_runner(pp);
      w.reported = true;
    }
    stuck = stuck || work_waits(pp, now);
  }
  return stuck;
}

void sysmon_loop() {
  // Registered with the collector like the Ms: it starts Ms, and a stop of
  // the world must not find it halfway through that.
  gc_register_thread();
  std::vector<p_watch> watch(sched->allp.size());
  std::unique_lock lk(sched->sysmon_mu);
  for (;;) {
    gc_enter_blocking();
    sched->sysmon_cv.wait_for(lk, kPollPeriod, [] { return sched->sysmon_quit; });
    gc_leave_blocking();
    if (sched->sysmon_quit) break;
    lk.unlock();
    // Work waits behind a long runner and no M is looking for work (a lent
    // P whose M found a goroutine may be stuck behind a long runner too):
    // one more M goes looking, on an idle P or a lent one. One per poll, so
    // Ps are lent only as fast as they turn out to be needed.
    if (scan(watch, nanotime()) && sched->nmspinning.load() == 0) {
      if (sched->npidle.load() > 0) {
        wakep();
      } else {
        lend_spare_p();
      }
    }
    lk.lock();
  }
}

}  // namespace

void sysmon_start() { sched->sysmon = std::thread(sysmon_loop); }

void sysmon_stop() noexcept {
  {
    std::lock_guard lk(sched->sysmon_mu);
    sched->sysmon_quit = true;
  }
  sched->sysmon_cv.notify_all();
  if (sched->sysmon.joinable()) sched->sysmon.join();
}

}  // namespace go::detail
