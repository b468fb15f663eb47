// The GMP scheduler: Ps with local run queues, Ms (worker threads) that run
// goroutines on Ps, one global run queue, work stealing, spinning and parking.
//
// The invariant that keeps idle workers from missing work (Go's "spinning M"
// protocol, proc.go): whenever a goroutine becomes runnable and some P is
// idle, at least one M is spinning -- looking for work -- or is woken to do
// so (wakep). An M that stops spinning because it found work wakes another
// (reset_spinning); an M that stops spinning because it found none
// re-examines every run queue after it has given up its P and before it parks,
// so a goroutine queued in between is never stranded.
//
// Idle Ms park on a note (no CPU used). One of them, the timer waiter, sleeps
// only until the earliest pending timer.
#include "sched.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>

#include "gc/mgc.hpp"
#include "gocxx/gc.hpp"
#include "gc/gc_threads.hpp"
#include "gocxx/detail/cpu_relax.hpp"
#include "gocxx/spawn.hpp"
#include "throw.hpp"

namespace go::detail {

scheduler* sched = nullptr;
thread_local m* tl_m = nullptr;
thread_local g* tl_g = nullptr;
thread_local std::uint64_t tl_scope = 0;

namespace {

constexpr std::uint32_t kGlobalQueueCheckTicks = 61;
constexpr int kStealRounds = 4;

std::uint64_t splitmix(std::uint64_t& s) noexcept {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void acquirep(m* mp, p* pp) noexcept {
  mp->pp = pp;
  pp->owner = mp;
}

p* pidleget_locked() noexcept {
  if (sched->pidle.empty()) return nullptr;
  p* pp = sched->pidle.back();
  sched->pidle.pop_back();
  sched->npidle.fetch_sub(1, std::memory_order_seq_cst);
  return pp;
}

// spare_high from the spares: kept in descending order of id, the highest
// lent one is the first gap from the top.
void set_spare_high_locked() noexcept {
  int top = static_cast<int>(sched->allp.size()) - 1;
  for (const p* s : sched->spare) {
    if (s->id != top) break;
    --top;
  }
  sched->spare_high.store(top + 1 - sched->nprocs, std::memory_order_relaxed);
}

void pidleput_locked(p* pp) noexcept {
  pp->owner = nullptr;
  if (pp->borrowed) {  // a lent P goes back to the spares, never to the idle list
    // In descending order of id, so the lowest is lent first and the
    // stealers' range (nprocs + spare_high) stays short.
    auto& v = sched->spare;
    v.insert(std::upper_bound(v.begin(), v.end(), pp, [](const p* a, const p* b) { return a->id > b->id; }), pp);
    set_spare_high_locked();
    return;
  }
  sched->pidle.push_back(pp);
  sched->npidle.fetch_add(1, std::memory_order_seq_cst);
}

void forget_idle_m_locked(m* mp) noexcept {
  auto& v = sched->midle;
  v.erase(std::remove(v.begin(), v.end(), mp), v.end());
  mp->idle = false;
  if (sched->timer_waiter == mp) {
    sched->timer_waiter = nullptr;
    sched->timer_wait_until.store(INT64_MAX);
  }
}

m* mget_locked() noexcept {
  if (sched->midle.empty()) return nullptr;
  m* mp = sched->midle.back();
  forget_idle_m_locked(mp);
  return mp;
}

g* globrunq_pop_locked() noexcept {
  g* gp = sched->runq_head;
  if (!gp) return nullptr;
  sched->runq_head = gp->schedlink;
  if (!sched->runq_head) sched->runq_tail = nullptr;
  gp->schedlink = nullptr;
  sched->runq_size.fetch_sub(1, std::memory_order_relaxed);
  return gp;
}

// Takes a fair share of the global queue into pp's local queue and returns
// one goroutine to run.
g* globrunq_get_locked(p* pp, std::int32_t max) noexcept {
  std::int32_t n = sched->runq_size.load(std::memory_order_relaxed);
  if (n == 0) return nullptr;
  n = std::min(n, n / sched->nprocs + 1);
  if (max > 0 && n > max) n = max;
  n = std::min<std::int32_t>(n, runq::capacity / 2);
  g* gp = globrunq_pop_locked();
  for (--n; n > 0; --n) {
    g* extra = globrunq_pop_locked();
    if (!pp->q.push(extra)) {
      globrunq_put_locked(extra);
      break;
    }
  }
  return gp;
}

void mstart(m* mp);

// Starts an M on pp (or on an idle P when pp is null). With spinning the
// caller has already counted the new M in nmspinning.
void startm(p* pp, bool spinning) noexcept {
  std::unique_lock lk(sched->lock);
  if (!pp) pp = pidleget_locked();
  if (!pp || sched->stopping.load()) {
    if (pp) pidleput_locked(pp);
    lk.unlock();
    if (spinning) sched->nmspinning.fetch_sub(1);
    return;
  }
  m* nm = mget_locked();
  if (!nm) {
    sched->allm.push_back(std::make_unique<m>());
    nm = sched->allm.back().get();
    nm->id = static_cast<int>(sched->allm.size() - 1);
    nm->spinning = spinning;
    nm->nextp = pp;
    nm->thread = std::thread(mstart, nm);
    return;
  }
  nm->spinning = spinning;
  nm->nextp = pp;
  lk.unlock();
  nm->park.wakeup();
}

// Gives up a P whose M is entering a blocking call: to a new M if there is
// anything for it to do, otherwise to the idle list.
void handoffp(p* pp) noexcept {
  if (!pp->q.empty() || sched->runq_size.load() > 0 || pp->timers.next_when.load() != INT64_MAX) {
    startm(pp, false);
    return;
  }
  std::int32_t zero = 0;
  if (sched->nmspinning.load() + sched->npidle.load() == 0 && sched->nmspinning.compare_exchange_strong(zero, 1)) {
    startm(pp, true);
    return;
  }
  std::unique_lock lk(sched->lock);
  if (sched->runq_size.load() > 0) {
    lk.unlock();
    startm(pp, false);
    return;
  }
  pidleput_locked(pp);
}

void reset_spinning(m* mp) noexcept {
  mp->spinning = false;
  sched->nmspinning.fetch_sub(1);
  wakep();
}

// Go's checkdead: called with the lock held by an M about to park.
void checkdead_locked() noexcept {
  // A lent P may run goroutines while every real one is idle.
  if (sched->npidle.load() != sched->nprocs || !sched->no_lent_ps()) return;
  if (sched->nsyscall > 0 || sched->runq_size.load() > 0) return;
  // With every P idle no goroutine is being started or ended: the counts
  // are settled, and fewer started than ended means they were lost.
  const std::int64_t live = sched->ngoroutines();
  if (live < 0) [[unlikely]]
    throw_fatal("checkdead: inconsistent counts (%lld goroutines)", static_cast<long long>(live));
  if (sched->stopping.load() || live == 0) return;
  if (any_timers()) return;
  {
    std::lock_guard mlk(sched->main_mu);
    if (sched->main_done) return;
  }
  report_deadlock();
}

// Parks mp until it is handed a P (true) or the scheduler stops (false).
bool stopm(m* mp) noexcept {
  std::unique_lock lk(sched->lock);
  // Set when a due timer could not be run for want of an idle P: the busy Ps
  // run it, so waiting for it here would only spin.
  bool all_ps_busy = false;
  for (;;) {
    if (sched->stopping.load()) return false;
    checkdead_locked();
    mp->idle = true;
    sched->midle.push_back(mp);
    std::int64_t until = INT64_MAX;
    if (!sched->timer_waiter && !all_ps_busy) {
      until = earliest_timer();
      if (until != INT64_MAX) {
        sched->timer_waiter = mp;
        sched->timer_wait_until.store(until);
      }
    }
    lk.unlock();
    // A timer added after the computation above has either seen us as the
    // waiter (and will wake us) or is visible here.
    if (until == INT64_MAX || earliest_timer() >= until) mp->park.sleep(until);
    lk.lock();
    if (mp->idle) forget_idle_m_locked(mp);
    if (sched->stopping.load()) return false;
    if (mp->nextp) {
      acquirep(mp, std::exchange(mp->nextp, nullptr));
      return true;
    }
    // Woken without a P: a timer is due. Take an idle P, if any, and go
    // looking for work (including other Ps' timers) as a spinning M.
    if (earliest_timer() <= nanotime()) {
      if (p* pp = pidleget_locked()) {
        acquirep(mp, pp);
        mp->spinning = true;
        sched->nmspinning.fetch_add(1);
        return true;
      }
      all_ps_busy = true;
    }
  }
}

// Steals from other Ps, and runs their expired timers, into mp's P.
g* steal_work(m* mp, std::int64_t now) noexcept {
  p* pp = mp->pp;
  // Lent Ps included (those ever lent): one may hold goroutines its own long
  // runner readied.
  const int n = sched->nprocs + sched->spare_high.load(std::memory_order_relaxed);
  for (int round = 0; round < kStealRounds; ++round) {
    bool last = round == kStealRounds - 1;
    int start = static_cast<int>(fastrandn(static_cast<std::uint32_t>(n)));
    for (int k = 0; k < n; ++k) {
      p* victim = sched->allp[(start + k) % n].get();
      if (victim == pp || (victim->borrowed && !victim->owner.load(std::memory_order_relaxed))) continue;
      if (victim->timers.next_when.load(std::memory_order_relaxed) <= now) {
        run_timers(victim, now);
        if (g* gp = pp->q.pop()) return gp;
      }
      if (g* gp = pp->q.steal_from(victim->q, last, victim->owner.load(std::memory_order_relaxed) != nullptr))
        return gp;
    }
  }
  return nullptr;
}

// Finds a runnable goroutine for mp, parking mp while there is none.
// Returns nullptr only when the scheduler is stopping.
g* find_runnable(m* mp) noexcept {
  for (;;) {
    if (sched->stopping.load(std::memory_order_relaxed)) return nullptr;
    if (!mp->pp) {
      if (!stopm(mp)) return nullptr;
      continue;
    }
    p* pp = mp->pp;
    // Read the clock only when some timer is pending anywhere.
    const std::int64_t now = any_timers() ? nanotime() : INT64_MIN;
    if (pp->timers.next_when.load(std::memory_order_relaxed) <= now) run_timers(pp, now);

    // Fairness: now and then look at the global queue first, so goroutines
    // there are not starved by two goroutines that keep readying each other.
    if (pp->schedtick.load(std::memory_order_relaxed) % kGlobalQueueCheckTicks == 0 &&
        sched->runq_size.load(std::memory_order_relaxed) > 0) {
      std::lock_guard lk(sched->lock);
      if (g* gp = globrunq_get_locked(pp, 1)) return gp;
    }
    if (g* gp = pp->q.pop()) return gp;
    if (sched->runq_size.load(std::memory_order_relaxed) > 0) {
      std::lock_guard lk(sched->lock);
      if (g* gp = globrunq_get_locked(pp, 0)) return gp;
    }

    // Limit spinning Ms to half the busy Ps: spinning is for finding work,
    // not for burning CPU.
    if (!mp->spinning && 2 * sched->nmspinning.load() < sched->nprocs - sched->npidle.load()) {
      mp->spinning = true;
      sched->nmspinning.fetch_add(1);
    }
    if (mp->spinning) {
      if (g* gp = steal_work(mp, now)) return gp;
    }
    if (g* gp = pp->q.pop()) return gp;

    // Nothing to do: give up the P.
    {
      std::lock_guard lk(sched->lock);
      if (g* gp = globrunq_get_locked(pp, 0)) return gp;
      pidleput_locked(pp);
      mp->pp = nullptr;
    }
    if (mp->spinning) {
      mp->spinning = false;
      sched->nmspinning.fetch_sub(1);
      // Work queued on a P after we looked at it must not be stranded.
      for (auto& other : sched->allp) {
        if (other->q.empty()) continue;
        std::unique_lock lk(sched->lock);
        p* again = pidleget_locked();
        lk.unlock();
        if (again) {
          acquirep(mp, again);
          mp->spinning = true;
          sched->nmspinning.fetch_add(1);
        }
        break;
      }
      if (mp->pp) continue;
    }
    if (!stopm(mp)) return nullptr;
  }
}

void execute(m* mp, g* gp) noexcept {
  p* pp = mp->pp;
  pp->schedtick.store(pp->schedtick.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  mp->curg.store(gp, std::memory_order_relaxed);
  tl_g = gp;
  casgstatus(gp, gstatus::runnable, gstatus::running, "execute: bad g status", std::memory_order_seq_cst);
  // The collector may be scanning this goroutine's frames right now (it
  // claimed it while it was runnable); running it would change them under
  // the scan. See claim_goroutine in gc/mgcmark.cpp.
  while (gp->gcscan.load(std::memory_order_seq_cst)) [[unlikely]]
    std::this_thread::yield();
  // From here the goroutine runs until it parks, yields or ends; the worker
  // must not touch gp afterwards, since it may already run elsewhere.
  gp->resume.resume();
  tl_g = nullptr;
  mp->curg.store(nullptr, std::memory_order_relaxed);
}

void mstart(m* mp) {
  tl_m = mp;
  if (pthread_getcpuclockid(pthread_self(), &mp->cpu_clock) == 0) mp->has_cpu_clock.store(true);
  gc_register_thread();  // its stack holds goroutines' transient pointers
  mp->rand_state = static_cast<std::uint64_t>(nanotime()) ^ (static_cast<std::uint64_t>(mp->id) << 32);
  {
    std::lock_guard lk(sched->lock);
    if (mp->nextp) acquirep(mp, std::exchange(mp->nextp, nullptr));
  }
  while (g* gp = find_runnable(mp)) {
    if (mp->spinning) reset_spinning(mp);
    execute(mp, gp);
  }
  if (mp->spinning) {
    mp->spinning = false;
    sched->nmspinning.fetch_sub(1);
  }
  tl_m = nullptr;
}

int resolve_maxprocs(const config& cfg) {
  if (cfg.maxprocs && *cfg.maxprocs > 0) return *cfg.maxprocs;
  if (const char* env = std::getenv("GOMAXPROCS")) {
    char* end = nullptr;
    long v = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && v > 0 && v <= 1024) return static_cast<int>(v);
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw ? static_cast<int>(hw) : 1;
}

constexpr std::int32_t kLocalFreeMax = 64;
constexpr std::int32_t kFreeBatch = 32;

// A descriptor for a new goroutine: from pp's free list, refilled from the
// global one in batches, or newly made.
g* gfget(p* pp) noexcept {
  if (pp && !pp->gfree && sched->ngfree > 0) {
    std::lock_guard lk(sched->lock);
    while (pp->ngfree < kFreeBatch && sched->gfree) {
      g* gp = sched->gfree;
      sched->gfree = gp->schedlink;
      --sched->ngfree;
      gp->schedlink = pp->gfree;
      pp->gfree = gp;
      ++pp->ngfree;
    }
  }
  if (pp && pp->gfree) {
    g* gp = pp->gfree;
    pp->gfree = gp->schedlink;
    --pp->ngfree;
    gp->schedlink = nullptr;
    return gp;
  }
  g* gp = new g();
  gc_track_goroutine(gp);
  std::lock_guard lk(sched->allg_mu);
  sched->allg.push_back(gp);
  return gp;
}

void gfput(p* pp, g* gp) noexcept {
  gp->schedlink = pp->gfree;
  pp->gfree = gp;
  if (++pp->ngfree < kLocalFreeMax) return;
  std::lock_guard lk(sched->lock);
  while (pp->ngfree > kFreeBatch) {
    g* x = pp->gfree;
    pp->gfree = x->schedlink;
    --pp->ngfree;
    x->schedlink = sched->gfree;
    sched->gfree = x;
    ++sched->ngfree;
  }
}

void count_owned(std::atomic<std::int64_t>& counter) noexcept {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

void init_g(g* gp, std::coroutine_handle<> root, g** gp_slot, const std::source_location& site, const char* creator,
            std::uint64_t id) noexcept {
  gp->root = root;
  gp->resume = root;
  gp->id.store(id, std::memory_order_relaxed);
  gp->spawn_site.store(site, std::memory_order_relaxed);
  gp->creator.store(creator, std::memory_order_relaxed);
  gp->scope.store(current_scope(), std::memory_order_relaxed);
  gp->param = nullptr;
  gp->reason.store(wait_reason::none, std::memory_order_relaxed);
  casgstatus(gp, gstatus::dead, gstatus::runnable, "newproc: bad g status");
  *gp_slot = gp;
}

// Destroys every goroutine still alive after the main goroutine ended. The
// frames' destructors take their waiter records off channels and locks, so
// nothing keeps a pointer into freed frames; ready() is a no-op meanwhile.
void destroy_abandoned_goroutines() noexcept {
  std::vector<g*> all;
  {
    std::lock_guard lk(sched->allg_mu);
    all = sched->allg;
  }
  for (g* gp : all) {
    if (gp->status.load() == gstatus::dead) continue;
    gp->status.store(gstatus::dead);
    gp->root.destroy();
  }
  std::lock_guard lk(sched->allg_mu);
  for (g* gp : sched->allg) delete gp;
  sched->allg.clear();
}

void stop_all_ms() {
  sysmon_stop();
  {
    std::lock_guard lk(sched->lock);
    sched->stopping.store(true);
    for (m* mp : sched->midle) mp->idle = false;
    for (m* mp : sched->midle) mp->park.wakeup();
    sched->midle.clear();
    sched->timer_waiter = nullptr;
  }
  // Ms created while we join are joined too: allm only grows under the lock,
  // and startm refuses to create Ms once stopping is set.
  for (std::size_t i = 0;; ++i) {
    m* mp;
    {
      std::lock_guard lk(sched->lock);
      if (i >= sched->allm.size()) break;
      mp = sched->allm[i].get();
    }
    mp->park.wakeup();
    if (mp->thread.joinable()) mp->thread.join();
  }
}

}  // namespace

std::int64_t scheduler::ngoroutines() const noexcept {
  std::int64_t n = started_without_p.load(std::memory_order_relaxed);
  for (auto& pp : allp) n += pp->started.load(std::memory_order_relaxed) - pp->ended.load(std::memory_order_relaxed);
  return n;
}

// nprocs Ps, then as many spares for sysmon to lend (sysmon.cpp): at most
// 2 * nprocs goroutines run at once, however many run without a scheduling
// point.
scheduler::scheduler(int n) : nprocs(n) {
  const int total = 2 * n;
  for (int i = 0; i < total; ++i) {
    allp.push_back(std::make_unique<p>());
    allp.back()->id = i;
    allp.back()->borrowed = i >= n;
  }
  for (int i = total - 1; i >= n; --i) spare.push_back(allp[static_cast<std::size_t>(i)].get());
}

bool lend_spare_p() noexcept {
  p* pp = nullptr;
  {
    std::lock_guard lk(sched->lock);
    if (sched->spare.empty() || sched->stopping.load()) return false;
    pp = sched->spare.back();
    sched->spare.pop_back();
    set_spare_high_locked();
  }
  sched->nmspinning.fetch_add(1);  // startm's contract for a spinning M
  startm(pp, true);
  return true;
}

void note::sleep(std::int64_t deadline) {
  constexpr std::int64_t kSpinNs = 50'000;
  const std::int64_t spin_until = std::min(deadline, nanotime() + kSpinNs);
  for (int i = 1;; ++i) {
    if (state.load(std::memory_order_acquire) == signaled) {
      state.store(idle, std::memory_order_relaxed);
      return;
    }
    cpu_relax();
    if (i % 64 == 0 && nanotime() >= spin_until) break;
  }
  // Asleep in the kernel, an idle M holds no heap pointer that could
  // change: the collector's stops need not wake it.
  gc_enter_blocking();
  {
    std::unique_lock lk(mu);
    int expected = idle;
    if (state.compare_exchange_strong(expected, sleeping, std::memory_order_acq_rel)) {
      auto woken = [&] { return state.load(std::memory_order_acquire) == signaled; };
      if (deadline == INT64_MAX) {
        cv.wait(lk, woken);
      } else {
        cv.wait_until(lk, std::chrono::steady_clock::time_point(std::chrono::nanoseconds(deadline)), woken);
      }
    }
  }
  gc_leave_blocking();
  state.store(idle, std::memory_order_relaxed);
}

std::int64_t nanotime() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::uint32_t fastrandn(std::uint32_t n) noexcept {
  thread_local std::uint64_t foreign_state = static_cast<std::uint64_t>(nanotime());
  std::uint64_t& s = tl_m ? tl_m->rand_state : foreign_state;
  std::uint32_t r = static_cast<std::uint32_t>(splitmix(s) >> 32);
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(r) * n) >> 32);
}

g* current_g() noexcept { return tl_g; }

void bad_gstatus(const g* gp, gstatus want, const char* what) noexcept {
  begin_fatal("%s", what);
  print_err("runtime: goroutine %llu is %s, want %s\n",
            static_cast<unsigned long long>(gp->id.load(std::memory_order_relaxed)),
            gstatus_string(gp->status.load(std::memory_order_relaxed)), gstatus_string(want));
  end_fatal(tl_g);
}

namespace {

// Whether `on` has the form wait_target prescribes for `why`.
bool wait_target_fits(wait_reason why, const wait_target& on) noexcept {
  switch (why) {
    case wait_reason::chan_receive:
    case wait_reason::chan_send:
    case wait_reason::mutex_lock:
    case wait_reason::rwmutex_lock:
    case wait_reason::rwmutex_rlock:
    case wait_reason::wait_group_wait:
    case wait_reason::cond_wait:
    case wait_reason::semacquire: return on.obj && !on.cases;
    case wait_reason::select: return !on.obj && on.cases && on.ncases > 0;
    case wait_reason::none: return false;
    case wait_reason::chan_receive_nil:
    case wait_reason::chan_send_nil:
    case wait_reason::select_no_cases:
    case wait_reason::sleep: return !on.obj && !on.cases;
  }
  return false;
}

}  // namespace

// The status turns waiting last, with release order: a collector that sees
// the goroutine waiting (and has claimed it, or stopped the world) sees
// where it resumes and what it waits on, and the goroutine cannot change
// them before it runs again.
void park_current(std::coroutine_handle<> resume_at, wait_reason why, const std::source_location& where,
                  const wait_target& on) noexcept {
  g* gp = tl_g;
  if (!gp) [[unlikely]]
    throw_fatal("gopark: not on a goroutine");
  if (!wait_target_fits(why, on)) [[unlikely]]
    throw_fatal("gopark: bad wait target for %s", wait_reason_string(why));
  gp->resume = resume_at;
  gp->reason.store(why, std::memory_order_relaxed);
  gp->wait_site.store(where, std::memory_order_relaxed);
  gp->wait_obj.store(on.obj, std::memory_order_relaxed);
  gp->wait_cases.store(on.cases, std::memory_order_relaxed);
  gp->wait_ncases.store(on.ncases, std::memory_order_relaxed);
  casgstatus(gp, gstatus::running, gstatus::waiting, "gopark: bad g status", std::memory_order_release);
}

std::uint64_t current_scope() noexcept {
  const g* gp = tl_g;
  return gp ? gp->scope.load(std::memory_order_relaxed) : tl_scope;
}

void set_current_scope(std::uint64_t scope) noexcept {
  if (g* gp = tl_g)
    gp->scope.store(scope, std::memory_order_relaxed);
  else
    tl_scope = scope;
}

void globrunq_put_locked(g* gp) noexcept {
  gp->schedlink = nullptr;
  if (sched->runq_tail)
    sched->runq_tail->schedlink = gp;
  else
    sched->runq_head = gp;
  sched->runq_tail = gp;
  sched->runq_size.fetch_add(1, std::memory_order_relaxed);
}

void runq_put(p* pp, g* gp, bool next) noexcept {
  if (next) {
    gp = pp->q.put_next(gp);
    if (!gp) return;
  }
  while (!pp->q.push(gp)) {
    // Full: move half of the local queue, plus gp, to the global queue in
    // one batch, so the lock is taken once per 128 goroutines.
    g* batch[runq::capacity / 2 + 1];
    std::uint32_t n = pp->q.take_half(batch);
    if (n == 0) continue;
    batch[n++] = gp;
    std::lock_guard lk(sched->lock);
    for (std::uint32_t i = 0; i < n; ++i) globrunq_put_locked(batch[i]);
    return;
  }
}

void wakep() noexcept {
  if (sched->npidle.load(std::memory_order_seq_cst) == 0) return;
  std::int32_t zero = 0;
  if (sched->nmspinning.load() != 0 || !sched->nmspinning.compare_exchange_strong(zero, 1)) return;
  startm(nullptr, true);
}

// Queues a runnable goroutine: on this worker's P, in its runnext slot, or
// from a thread without a P on the global queue; and makes sure an M runs it.
void runqput_and_wakep(g* gp) noexcept {
  m* mp = tl_m;
  if (mp && mp->pp) {
    runq_put(mp->pp, gp, true);
  } else {
    std::lock_guard lk(sched->lock);
    globrunq_put_locked(gp);
  }
  wakep();
}

void ready(g* gp) noexcept {
  if (sched->tearing_down.load(std::memory_order_relaxed)) return;
  casgstatus(gp, gstatus::waiting, gstatus::runnable, "bad g->status in ready");
  runqput_and_wakep(gp);
}

void start_goroutine(std::coroutine_handle<> root, g** gp_slot, const std::source_location& site) noexcept {
  if (!sched) throw_fatal("go::spawn called outside go::run");
  if (sched->tearing_down.load()) {
    root.destroy();
    return;
  }
  m* mp = tl_m;
  p* pp = mp ? mp->pp : nullptr;
  std::uint64_t id;
  if (mp) {
    if (mp->goid_next == mp->goid_end) {
      constexpr std::uint64_t kBlock = 16;
      mp->goid_next = sched->next_goid.fetch_add(kBlock, std::memory_order_relaxed);
      mp->goid_end = mp->goid_next + kBlock;
    }
    id = mp->goid_next++;
  } else {
    id = sched->next_goid.fetch_add(1, std::memory_order_relaxed);
  }
  g* gp;
  if (pp) {
    gp = gfget(pp);
    count_owned(pp->started);
  } else {
    gp = gfget(nullptr);
    sched->started_without_p.fetch_add(1, std::memory_order_relaxed);
  }
  init_g(gp, root, gp_slot, site, "go::spawn", id);
  gc_scan_new_goroutine(gp);  // while marking, a new goroutine starts out scanned
  runqput_and_wakep(gp);
}

void goexit(g* gp) noexcept {
  const bool is_main = gp->id.load(std::memory_order_relaxed) == 1;
  p* pp = tl_m->pp;
  gp->root.destroy();
  casgstatus(gp, gstatus::running, gstatus::dead, "goexit: bad g status");
  count_owned(pp->ended);
  gfput(pp, gp);
  if (is_main) {
    std::lock_guard lk(sched->main_mu);
    sched->main_done = true;
    sched->main_cv.notify_all();
  }
}

void enter_blocking(std::coroutine_handle<> h) noexcept {
  g* gp = tl_g;
  m* mp = tl_m;
  casgstatus(gp, gstatus::running, gstatus::syscall, "entersyscall: bad g status");
  gp->resume = h;
  p* pp = std::exchange(mp->pp, nullptr);
  pp->owner = nullptr;
  {
    std::lock_guard lk(sched->lock);
    ++sched->nsyscall;
  }
  handoffp(pp);
}

bool exit_blocking() noexcept {
  g* gp = tl_g;
  m* mp = tl_m;
  std::lock_guard lk(sched->lock);
  --sched->nsyscall;
  if (p* pp = pidleget_locked()) {
    acquirep(mp, pp);
    casgstatus(gp, gstatus::syscall, gstatus::running, "exitsyscall: bad g status");
    return true;
  }
  casgstatus(gp, gstatus::syscall, gstatus::runnable, "exitsyscall: bad g status");
  globrunq_put_locked(gp);
  return false;
}

int run_main(std::coroutine_handle<> root, g** gp_slot, const config& cfg, const std::source_location& site) {
  if (sched) throw_fatal("go::run called while another go::run is active");
  // GOGC and GOMEMLIMIT give the defaults; the config overrides them.
  if (cfg.gc_percent) go::set_gc_percent(*cfg.gc_percent);
  if (cfg.memory_limit) go::set_memory_limit(*cfg.memory_limit);
  {
    std::lock_guard gc_guard(gc_sched_mu);
    sched = new scheduler(resolve_maxprocs(cfg));
  }
  p* p0 = sched->allp[0].get();
  g* main_g = gfget(p0);
  init_g(main_g, root, gp_slot, site, "go::run", sched->next_goid.fetch_add(1));
  gc_scan_new_goroutine(main_g);
  count_owned(p0->started);

  p0->q.push(main_g);
  {
    std::lock_guard lk(sched->lock);
    for (int i = sched->nprocs - 1; i >= 1; --i) pidleput_locked(sched->allp[i].get());
    sched->allm.push_back(std::make_unique<m>());
    m* m0 = sched->allm.back().get();
    m0->nextp = p0;
    m0->thread = std::thread(mstart, m0);
  }
  sysmon_start();
  {
    std::unique_lock lk(sched->main_mu);
    gc_enter_blocking();
    sched->main_cv.wait(lk, [] { return sched->main_done; });
    lk.unlock();
    gc_leave_blocking();
  }
  report_leaks_and_exit_if_any();
  stop_all_ms();
  sched->tearing_down.store(true);
  clear_timers();
  std::lock_guard gc_guard(gc_sched_mu);  // no collection scans what is destroyed here
  gc_forget_goroutines();
  destroy_abandoned_goroutines();
  delete sched;
  sched = nullptr;
  return 0;
}

}  // namespace go::detail

namespace go {

void yield::await_suspend(std::coroutine_handle<> h) noexcept {
  detail::g* gp = detail::tl_g;
  detail::casgstatus(gp, detail::gstatus::running, detail::gstatus::runnable, "gosched: bad g status");
  gp->resume = h;
  std::lock_guard lk(detail::sched->lock);
  detail::globrunq_put_locked(gp);
}

std::size_t num_goroutine() noexcept {
  return detail::sched ? static_cast<std::size_t>(detail::sched->ngoroutines()) : 0;
}

int maxprocs() noexcept { return detail::sched ? detail::sched->nprocs : 0; }

}  // namespace go
