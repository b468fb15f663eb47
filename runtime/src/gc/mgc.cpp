// The collector's driver (Go's mgc.go): when cycles start, the phases of a
// cycle, and the statistics and controls of gocxx/gc.hpp.
//
// A cycle, run by the collector's own thread:
//   1. Sweep termination: finish sweeping the previous cycle's spans.
//   2. Mark start (world stopped): turn on the write barrier and black
//      allocation, scan thread stacks.
//   3. Concurrent mark: registered roots, goroutine frames, then drain the
//      grey objects while the program runs and assists.
//   4. Mark termination (world stopped): take every thread's grey objects;
//      if there are many, let the world go and drain them concurrently, then
//      try again. Otherwise rescan thread stacks and the goroutines that
//      never rested, drain what that finds, turn the barrier off, flush the
//      allocation caches and advance the sweep generation.
//   5. Concurrent sweep, then give free memory back to the OS.
// Only phases 2 and 4 stop the world, and neither does work proportional to
// the heap.
//
// A leak-finding cycle (go::leak_profile, GOCXXDEBUG=goroutineleak=1) is the
// same cycle with fewer goroutines among the roots at first (mgcleak.cpp):
// phase 3 repeats its passes over the goroutines until none joins the roots,
// phase 4 restarts the world while one may still join, and its final pause
// records the leaked goroutines and then marks their frames. That pause may
// scan what only goroutines joining the roots late reach.
//
// Pacing (Go's GOGC): the next cycle's goal is the live heap marked by this
// one plus gc_percent percent; a cycle starts when the heap reaches
// kTriggerFraction of the way there, so that it can finish by the goal. A
// cycle also runs if none ran for two minutes. The memory limit lowers the
// goal; an allocation that would exceed the limit first waits for a full
// cycle, and ends the process if the heap is still too big.
#include "mgc.hpp"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "debug.hpp"
#include "gc_critical.hpp"
#include "gc_threads.hpp"
#include "gocxx/gc.hpp"
#include "gocxx/leak_profile.hpp"
#include "gocxx/ptr.hpp"
#include "mcache.hpp"
#include "mgcleak.hpp"
#include "mgcmark.hpp"
#include "mheap.hpp"
#include "sched.hpp"
#include "throw.hpp"

namespace go::detail {
namespace {

constexpr std::uint64_t kMinHeapGoal = 4 << 20;  // Go's minimum heap: 4 MB
constexpr double kTriggerFraction = 0.8;
constexpr std::int64_t kForcedPeriodNs = 120'000'000'000;  // 2 minutes
// Mark-termination stops that may find grey work and give up (restarting
// the world to drain it) before one drains whatever it finds.
constexpr int kMaxTerminationAttempts = 8;
// Bytes of grey objects a mark-termination stop scans before it gives up
// and restarts the world (some tens of microseconds).
constexpr std::int64_t kStoppedDrainBudget = 16 * 1024;

std::int64_t parse_gogc() {
  const char* e = std::getenv("GOGC");
  if (!e || !*e) return 100;
  if (std::strcmp(e, "off") == 0) return -1;
  return std::strtoll(e, nullptr, 10);
}

std::int64_t parse_gomemlimit() {
  const char* e = std::getenv("GOMEMLIMIT");
  if (!e || !*e || std::strcmp(e, "off") == 0) return INT64_MAX;
  char* end = nullptr;
  double v = std::strtod(e, &end);
  const std::string_view unit(end ? end : "");
  if (unit == "KiB") v *= 1024.0;
  else if (unit == "MiB") v *= 1024.0 * 1024;
  else if (unit == "GiB") v *= 1024.0 * 1024 * 1024;
  else if (unit == "TiB") v *= 1024.0 * 1024 * 1024 * 1024;
  return v > 0 ? static_cast<std::int64_t>(v) : INT64_MAX;
}

struct collector {
  std::mutex mu;  // guards the fields below
  std::condition_variable work_cv;  // the collector waits for requests
  std::condition_variable done_cv;  // go::gc callers wait for cycles
  bool running = false;             // the collector thread exists
  bool exiting = false;
  std::uint32_t started = 0;        // cycles begun
  std::uint32_t completed = 0;      // cycles finished, sweep included
  std::uint32_t requested = 0;      // cycles asked for by go::gc and the limit
  bool triggered = false;           // the pacer asked for a cycle
  std::uint32_t leaks_requested = 0;  // cycles up to this one find leaks (go::leak_profile)
  std::uint32_t leaks_cycle = 0;      // the last cycle that found leaks, and what it found
  std::vector<leaked_goroutine> leaks;

  std::atomic<std::int64_t> gc_percent{parse_gogc()};
  std::atomic<std::int64_t> memory_limit{parse_gomemlimit()};
  std::atomic<std::uint64_t> next_gc{kMinHeapGoal};
  std::atomic<std::uint64_t> trigger{static_cast<std::uint64_t>(kMinHeapGoal * kTriggerFraction)};

  // Statistics (under mu).
  std::uint32_t num_gc = 0;
  std::uint32_t num_forced = 0;
  std::uint64_t pause_total_ns = 0;
  std::uint64_t pauses[256] = {};
  std::uint64_t num_pauses = 0;
  std::uint64_t cycle_pauses[256] = {};  // by cycle, the sum of its pauses
  std::uint64_t this_cycle_pauses = 0;   // the running cycle's sum so far
  std::int64_t last_gc_ns = 0;
  std::int64_t last_end_ns = 0;

  collector() {
    publish_limit();
    set_goal_initial();
  }
  void publish_limit() {
    const std::int64_t l = memory_limit.load(std::memory_order_relaxed);
    gc_limit_bytes.store(l == INT64_MAX ? 0 : l, std::memory_order_relaxed);
  }
  void set_goal_initial();
};

collector& gc_state() {
  static collector* c = new collector();  // never destroyed: the thread outlives static destructors
  return *c;
}

// Read GOGC and GOMEMLIMIT before main, so that the limit applies from the
// first allocation.
struct settings_at_start {
  settings_at_start() { gc_state(); }
};
[[gnu::init_priority(101)]] settings_at_start settings_at_start_instance;

void record_pause(collector& c, std::int64_t ns) {
  std::lock_guard lk(c.mu);
  c.pauses[c.num_pauses % 256] = static_cast<std::uint64_t>(ns);
  ++c.num_pauses;
  c.pause_total_ns += static_cast<std::uint64_t>(ns);
  c.this_cycle_pauses += static_cast<std::uint64_t>(ns);
}

// The heap goal after a cycle that marked `marked` bytes.
// GODEBUG=gctrace=1 (as Go) or GOCXX_GCTRACE=1: one line per cycle on stderr.
bool gctrace_enabled() {
  static const bool on = [] {
    const char* d = std::getenv("GODEBUG");
    const char* g = std::getenv("GOCXX_GCTRACE");
    return (d && std::strstr(d, "gctrace=1")) || (g && std::strcmp(g, "1") == 0);
  }();
  return on;
}

std::uint64_t goal_for(const collector& c, std::uint64_t marked) {
  const std::int64_t pct = c.gc_percent.load(std::memory_order_relaxed);
  std::uint64_t goal = pct < 0 ? UINT64_MAX : std::max<std::uint64_t>(kMinHeapGoal, marked + marked * pct / 100);
  const std::int64_t limit = c.memory_limit.load(std::memory_order_relaxed);
  if (limit != INT64_MAX) {
    // Leave headroom under the limit for the allocation during the cycle.
    const auto l = static_cast<std::uint64_t>(limit);
    goal = std::min(goal, std::max(marked + marked / 16, l - l / 8));
  }
  return goal;
}

void set_goal(collector& c, std::uint64_t marked) {
  const std::uint64_t goal = goal_for(c, marked);
  c.next_gc.store(goal, std::memory_order_relaxed);
  const std::uint64_t trig =
      goal == UINT64_MAX ? UINT64_MAX
                         : marked + static_cast<std::uint64_t>(static_cast<double>(goal - std::min(goal, marked)) * kTriggerFraction);
  c.trigger.store(trig, std::memory_order_relaxed);
  // Assists: the scan work still expected (about the live heap) over the
  // allocation runway left before the goal.
  const std::uint64_t live = heap_live();
  const double runway = goal > live ? static_cast<double>(goal - live) : 1.0;
  assist_ratio.store(std::clamp(static_cast<double>(marked) / std::max(runway, 1.0 * (1 << 20)), 0.25, 16.0),
                     std::memory_order_relaxed);
}

void collector::set_goal_initial() { set_goal(*this, 0); }

// --- One cycle -------------------------------------------------------------

// Runs one cycle; with find_leaks, also returns the leaked goroutines it found.
std::vector<leaked_goroutine> run_cycle(collector& c, bool find_leaks) {
  // Goroutines (and their frames) are read by the marker: the scheduler
  // must not be torn down mid-cycle.
  std::lock_guard sched_guard(gc_sched_mu);
  std::vector<leaked_goroutine> leaks;
  finish_sweep();
  gc_work& gcw = [&]() -> gc_work& {
    critical_section cs;
    return current_mcache()->gcw;
  }();

  // Mark start.
  std::int64_t t0 = nanotime();
  stop_the_world();
  const std::int64_t t_stopped = nanotime();
  gc_cycle.fetch_add(1, std::memory_order_relaxed);
  gc_barrier_on.store(true, std::memory_order_seq_cst);
  gc_alloc_black.store(true, std::memory_order_seq_cst);
  {
    critical_section cs;
    mark_roots_stopped(gcw);
  }
  // A pause lasts until the world is released; how late the collector's own
  // thread gets the CPU back after waking everyone is not part of it.
  const std::int64_t start_pause = nanotime() - t0;
  start_the_world();
  record_pause(c, start_pause);
  const std::int64_t start_stop = t_stopped - t0;
  std::int64_t term_stop = 0, term_roots = 0, term_goroutines = 0, term_drain = 0, term_flush = 0;

  // Concurrent mark.
  mark_registered_roots(gcw);
  bool goroutines_done = false;
  for (int attempt = 0, rounds = 0;; ++rounds) {
    if (!goroutines_done) {
      const goroutine_pass pass = mark_goroutines_concurrently(gcw, find_leaks);
      // Finding leaks, a goroutine just scanned may reach the wait target
      // of one left out: pass again, after the drain, until one scans none.
      goroutines_done = !pass.running_left && (!find_leaks || pass.scanned == 0);
    }
    for (;;) {
      critical_section cs;
      if (!mark_drain(gcw, 1 << 20)) break;
    }
    // Goroutines that were running could not be scanned; give them a few
    // chances to rest before their frames are scanned in the pause.
    if (!goroutines_done && rounds < 20) {
      std::this_thread::yield();
      continue;
    }
    ++attempt;
    // Before stopping the world to check, ask every thread to hand over the
    // grey objects it shades from now on at once, and give them a moment.
    gc_flush_requested.store(true, std::memory_order_relaxed);
    if (attempt > 1) {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
      critical_section cs;
      while (mark_drain(gcw, 1 << 20)) {
      }
    }
    // Mark termination.
    t0 = nanotime();
    stop_the_world();
    term_stop = nanotime() - t0;
    flush_all_gc_work_stopped();
    // Grey objects left in some thread's buffer: a single one may root a
    // large part of the heap. A little (typically what the barrier shaded
    // since the last drain) is finished in the pause, within a small
    // budget; more than that, and the world restarts to drain it with the
    // program running. After enough attempts the rest is drained in the
    // pause: the barrier keeps feeding a little work while the program
    // stores pointers.
    bool done = global_work_empty();
    if (!done) {
      critical_section cs;
      done = !mark_drain(gcw, kStoppedDrainBudget);
    }
    // A goroutine left out of the roots was woken, or one of its targets
    // was marked: scan it, and what it reaches, with the program running.
    if (find_leaks && done && leak_candidates_resolved_stopped()) done = false;
    if (find_leaks && !done) goroutines_done = false;
    if (!done && attempt < kMaxTerminationAttempts) {
      const std::int64_t pause = nanotime() - t0;
      start_the_world();
      record_pause(c, pause);
      if (gctrace_enabled())
        std::fprintf(stderr, "gc %u: term attempt %d: %.0f (stop %.0f), %zu buffers of grey objects left\n",
                     gc_cycle.load(std::memory_order_relaxed), attempt, pause / 1e3, term_stop / 1e3,
                     global_work_count());
      continue;
    }
    std::int64_t t1 = nanotime();
    {
      critical_section cs;
      mark_roots_stopped(gcw);
      std::int64_t t2 = nanotime();
      term_roots = t2 - t1;
      mark_goroutines_stopped(gcw, find_leaks);
      t1 = nanotime();
      term_goroutines = t1 - t2;
      while (mark_drain(gcw, INT64_MAX)) {
      }
      flush_all_gc_work_stopped();
      while (mark_drain(gcw, INT64_MAX)) {
      }
      if (find_leaks) find_leaks_stopped(gcw);
      t2 = nanotime();
      term_drain = t2 - t1;
      t1 = t2;
    }
    gc_barrier_on.store(false, std::memory_order_seq_cst);
    gc_alloc_black.store(false, std::memory_order_seq_cst);
    gc_flush_requested.store(false, std::memory_order_relaxed);
    const std::uint64_t marked = take_marked_bytes_stopped();
    flush_all_mcaches_stopped();
    heap_sweepgen.fetch_add(2, std::memory_order_release);
    term_flush = nanotime() - t1;
    const std::int64_t term_pause = nanotime() - t0;
    start_the_world();
    record_pause(c, term_pause);
    if (find_leaks) {
      leaks = leak_records();
      if (gocxxdebug().goroutineleak) print_new_leaks();
    }
    counters.marked_bytes.store(marked, std::memory_order_relaxed);
    set_goal(c, marked);
    if (gctrace_enabled()) {
      // Go's GODEBUG=gctrace=1, in our terms (all times in microseconds);
      // a leak-finding cycle adds how many goroutines it found leaked.
      std::fprintf(stderr,
                   "gc %u: start %.0f (stop %.0f) | term %.0f (stop %.0f, stacks %.0f, goroutines %.0f, drain %.0f, "
                   "flush %.0f) after %d attempts | marked %.1f MB, goal %.1f MB%s%s\n",
                   gc_cycle.load(std::memory_order_relaxed), start_pause / 1e3, start_stop / 1e3, term_pause / 1e3,
                   term_stop / 1e3, term_roots / 1e3, term_goroutines / 1e3, term_drain / 1e3, term_flush / 1e3,
                   attempt, marked / 1e6, c.next_gc.load(std::memory_order_relaxed) / 1e6,
                   find_leaks ? " | leaked goroutines " : "", find_leaks ? std::to_string(leaks.size()).c_str() : "");
    }
    break;
  }

  // Sweep, then return what the heap will not need to the OS. The heap
  // grows back to the goal before the next cycle, so free pages up to the
  // goal (plus a tenth, as Go's scavenger keeps) are kept; returning them
  // would only fault them back in.
  finish_sweep();
  const std::uint64_t goal = c.next_gc.load(std::memory_order_relaxed);
  const std::uint64_t live = heap_live();
  const std::uint64_t keep = goal == UINT64_MAX ? 64u << 20 : goal + goal / 10 - std::min(goal, live);
  heap_scavenge(static_cast<std::size_t>(keep));
  return leaks;
}

thread_local bool tl_is_collector = false;

void collector_main() {
  tl_is_collector = true;
  collector& c = gc_state();
  std::unique_lock lk(c.mu);
  for (;;) {
    const std::int64_t now = nanotime();
    const std::int64_t due = c.last_end_ns + kForcedPeriodNs;
    if (c.exiting) return;
    if (!(c.requested > c.started || c.triggered || now >= due)) {
      c.work_cv.wait_for(lk, std::chrono::nanoseconds(std::max<std::int64_t>(due - now, 1'000'000)));
      continue;
    }
    const bool forced = c.requested > c.started;
    const std::uint32_t cycle = ++c.started;
    const bool find_leaks = c.leaks_requested >= cycle || gocxxdebug().goroutineleak;
    c.triggered = false;
    lk.unlock();
    std::vector<leaked_goroutine> leaks = run_cycle(c, find_leaks);
    lk.lock();
    if (find_leaks) {
      c.leaks = std::move(leaks);
      c.leaks_cycle = cycle;
    }
    ++c.completed;
    c.cycle_pauses[c.num_gc % 256] = c.this_cycle_pauses;
    c.this_cycle_pauses = 0;
    ++c.num_gc;
    if (forced) ++c.num_forced;
    c.last_end_ns = c.last_gc_ns = nanotime();
    c.done_cv.notify_all();
  }
}

// Called with c.mu held.
void ensure_collector_locked(collector& c) {
  if (c.running) return;
  c.running = true;
  c.last_end_ns = nanotime();
  std::thread(collector_main).detach();
  // At exit, let a cycle in progress finish and start no other: static
  // destructors must not run under a stopped world.
  std::atexit([] {
    collector& c = gc_state();
    std::unique_lock lk(c.mu);
    c.exiting = true;
    c.work_cv.notify_all();
    c.done_cv.wait(lk, [&] { return c.started == c.completed; });
  });
}

// Waits for a full cycle that starts after the call.
void collect_blocking() {
  collector& c = gc_state();
  std::unique_lock lk(c.mu);
  ensure_collector_locked(c);
  if (c.exiting) return;
  const std::uint32_t want = c.started + 1;
  if (c.requested < want) c.requested = want;
  c.work_cv.notify_all();
  gc_enter_blocking();  // a stop need not wake a thread waiting here
  c.done_cv.wait(lk, [&] { return c.completed >= want || c.exiting; });
  lk.unlock();
  gc_leave_blocking();
}

}  // namespace

std::mutex gc_sched_mu;
constinit std::atomic<std::int64_t> gc_limit_bytes{0};

void gc_collect() { collect_blocking(); }

// Waits for a leak-finding cycle that starts after the call.
std::vector<leaked_goroutine> collect_leaks() {
  collector& c = gc_state();
  std::unique_lock lk(c.mu);
  ensure_collector_locked(c);
  if (c.exiting) return {};
  const std::uint32_t want = c.started + 1;
  if (c.requested < want) c.requested = want;
  if (c.leaks_requested < want) c.leaks_requested = want;
  c.work_cv.notify_all();
  gc_enter_blocking();
  c.done_cv.wait(lk, [&] { return c.leaks_cycle >= want || c.exiting; });
  lk.unlock();
  gc_leave_blocking();
  lk.lock();
  return c.leaks;
}

void gc_maybe_trigger(std::uint64_t live) noexcept {
  collector& c = gc_state();
  if (live < c.trigger.load(std::memory_order_relaxed)) return;
  std::lock_guard lk(c.mu);
  if (c.started != c.completed || c.triggered) return;  // a cycle is on its way
  ensure_collector_locked(c);
  c.triggered = true;
  c.work_cv.notify_all();
}

void gc_pace_allocation() noexcept {
  if (!gc_barrier_on.load(std::memory_order_relaxed) || tl_is_collector) return;
  collector& c = gc_state();
  const std::uint64_t goal = c.next_gc.load(std::memory_order_relaxed);
  if (heap_live() <= goal + goal / 10) return;
  // The heap passed its goal (by a tenth, Go's hard goal) while the cycle
  // is still marking, and assists found no work to pay with: wait for the
  // cycle, as Go parks such an assist, rather than let the heap run away.
  std::unique_lock lk(c.mu);
  const std::uint32_t cycle = c.started;
  gc_enter_blocking();
  c.done_cv.wait(lk, [&] { return c.completed >= cycle || c.exiting; });
  lk.unlock();
  gc_leave_blocking();
}

bool gc_make_room(std::size_t bytes) noexcept {
  const std::int64_t limit = gc_memory_limit();
  if (limit <= 0) return true;
  collect_blocking();
  return heap_live() + bytes <= static_cast<std::uint64_t>(limit);
}

void gc_out_of_memory(std::size_t bytes) noexcept {
  const alloc_totals t = allocated_totals();
  const heap_page_stats pages = heap_pages();
  const std::int64_t limit = gc_memory_limit();
  begin_fatal("out of memory");
  print_err("\nallocating %zu bytes\n", bytes);
  print_err("heap_alloc=%llu heap_objects=%llu heap_in_use=%zu heap_free=%zu heap_released=%zu\n",
            static_cast<unsigned long long>(t.bytes - counters.freed_bytes.load()),
            static_cast<unsigned long long>(t.mallocs - t.frees), pages.in_use_bytes, pages.free_bytes,
            pages.released_bytes);
  if (limit > 0) print_err("memory_limit=%lld\n", static_cast<long long>(limit));
  print_err("num_gc=%u\n", gc_state().num_gc);
  end_fatal(current_g());
}

void panic_nil_deref() { panic_runtime("runtime error: invalid memory address or nil pointer dereference"); }

}  // namespace go::detail

namespace go {

void gc() { detail::gc_collect(); }

std::vector<leaked_goroutine> leak_profile() { return detail::collect_leaks(); }

mem_stats_t mem_stats() {
  using namespace detail;
  collector& c = gc_state();
  mem_stats_t m;
  const alloc_totals t = allocated_totals();
  const std::uint64_t freed = counters.freed_bytes.load(std::memory_order_relaxed);
  m.total_alloc = t.bytes;
  m.mallocs = t.mallocs;
  m.frees = t.frees;
  m.heap_alloc = t.bytes > freed ? t.bytes - freed : 0;
  m.heap_objects = t.mallocs > t.frees ? t.mallocs - t.frees : 0;
  const heap_page_stats pages = heap_pages();
  m.heap_sys = pages.in_use_bytes + pages.free_bytes;
  m.heap_released = pages.released_bytes;
  m.frames = t.frames;
  m.next_gc = c.next_gc.load(std::memory_order_relaxed);
  m.gc_percent = c.gc_percent.load(std::memory_order_relaxed);
  m.memory_limit = c.memory_limit.load(std::memory_order_relaxed);
  std::lock_guard lk(c.mu);
  m.num_gc = c.num_gc;
  m.num_forced_gc = c.num_forced;
  m.pause_total_ns = c.pause_total_ns;
  for (int i = 0; i < 256; ++i) m.pause_ns[i] = c.pauses[i];
  for (int i = 0; i < 256; ++i) m.cycle_pause_ns[i] = c.cycle_pauses[i];
  m.num_pauses = c.num_pauses;
  m.last_gc_ns = static_cast<std::uint64_t>(c.last_gc_ns);
  return m;
}

std::int64_t set_gc_percent(std::int64_t percent) {
  using namespace detail;
  collector& c = gc_state();
  const std::int64_t old = c.gc_percent.exchange(percent < 0 ? -1 : percent);
  set_goal(c, counters.marked_bytes.load(std::memory_order_relaxed));
  gc_maybe_trigger(heap_live());
  return old;
}

std::int64_t set_memory_limit(std::int64_t bytes) {
  using namespace detail;
  collector& c = gc_state();
  if (bytes < 0) return c.memory_limit.load();
  const std::int64_t old = c.memory_limit.exchange(bytes);
  c.publish_limit();
  set_goal(c, counters.marked_bytes.load(std::memory_order_relaxed));
  gc_maybe_trigger(heap_live());
  return old;
}

}  // namespace go
