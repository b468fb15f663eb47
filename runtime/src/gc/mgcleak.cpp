// Finding leaked goroutines (Go's goroutineleak profile, Go design 74609).
//
// A leak-finding cycle is an ordinary cycle whose roots start smaller. The
// thread stacks and the registered handles are roots as usual, and so are
// the goroutines that may run again by themselves: running, runnable,
// sleeping (a timer wakes them), inside go::blocking. A goroutine parked on
// a channel, a select or a sync primitive becomes a root only once one of
// its wait targets is marked: then something that runs can reach that
// target and wake it. Marking goes on until no parked goroutine changes
// side (mgcmark.cpp drives the fixpoint). The goroutines still left out
// wait only on targets that nothing but other left-out goroutines reaches:
// they can never run again. They are recorded, and then their frames are
// marked like any other, so the cycle frees exactly what an ordinary cycle
// frees: finding leaks only reports.
//
// Soundness -- a goroutine that something could still wake is never
// reported -- rests on three facts:
//   * A target counts as unreached only if it is an object of the GC heap
//     that stays unmarked to the end of marking. Marking then reached
//     everything the roots reach, and the program can reach an object of
//     the GC heap only through pointers the collector traces (the
//     contract: raw pointers elsewhere do not keep objects alive, so a
//     program cannot rely on them). A nil channel is never reached.
//   * Every other target counts as reached. Outside the GC heap (a global,
//     malloc'd memory, a thread stack) the collector does not see who holds
//     its address. Inside a goroutine frame neither: a frame is not freed by
//     the collector, so a program may legitimately keep the address of a
//     frame's local in memory the collector does not scan (a raw pointer in
//     a std::function's captures, a struct in a std::vector); Go's rule for
//     stack objects (reached when their goroutine is a root) would report a
//     goroutine that such a pointer could wake.
//   * The goroutine's recorded targets are the only way to wake it: each
//     park records them (park_current), and the collector reads them only
//     while the goroutine is parked and cannot run (claimed, or the world
//     stopped).
//
// Timers need no rule of their own: go::after, go::timer and go::ticker
// keep their channel in a handle inside the timer (malloc'd memory, a
// registered root), so the channel of a timer stays reached while the timer
// exists, armed or not.
#include "mgcleak.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <unordered_set>

#include "gocxx/select.hpp"
#include "mheap.hpp"
#include "sched.hpp"
#include "throw.hpp"

namespace go::detail {
namespace {

// Whether the collector may have reached target address a in this cycle;
// true wherever it cannot tell (see the top of this file).
bool target_reached(const void* target, const g* gp) noexcept {
  const auto a = reinterpret_cast<std::uintptr_t>(target);
  if (a - arena.lo >= arena.hi - arena.lo) return true;  // not the GC heap
  mspan* s = span_of(a);
  const span_state st = s ? s->state.load(std::memory_order_acquire) : span_state::free;
  if (st == span_state::manual) return true;  // a goroutine frame
  const std::uint32_t i = st == span_state::in_use ? s->object_index(a) : 0;
  // The parked goroutine's frame points to its target, and frames are
  // marked every cycle (leaked ones at the end): the target cannot have
  // been freed.
  if (st != span_state::in_use || i >= s->nelems || !s->is_allocated(i)) [[unlikely]]
    throw_fatal("findleaks: goroutine %llu waits on %p, which is not an allocated object",
                static_cast<unsigned long long>(gp->id.load(std::memory_order_relaxed)), target);
  return s->is_marked(i);
}

// A select's cases live in the parked goroutine's frame, which the
// collector reads as it scans frames: while the goroutine cannot run.
__attribute__((no_sanitize("address", "thread"))) const void* case_channel(const scase* cs) noexcept {
  return *reinterpret_cast<const void* const volatile*>(&cs->c);
}

}  // namespace

bool leak_candidate(const g* gp) noexcept {
  switch (gp->reason.load(std::memory_order_relaxed)) {
    case wait_reason::chan_receive_nil:
    case wait_reason::chan_send_nil:
    case wait_reason::select_no_cases: return true;  // nothing can wake it
    case wait_reason::select: {
      const scase* cases = gp->wait_cases.load(std::memory_order_relaxed);
      const std::uint32_t n = gp->wait_ncases.load(std::memory_order_relaxed);
      for (std::uint32_t i = 0; i < n; ++i) {
        const void* c = case_channel(cases + i);
        if (c && target_reached(c, gp)) return false;
      }
      return true;  // a select on nil channels only is here too
    }
    case wait_reason::chan_receive:
    case wait_reason::chan_send:
    case wait_reason::mutex_lock:
    case wait_reason::rwmutex_lock:
    case wait_reason::rwmutex_rlock:
    case wait_reason::wait_group_wait:
    case wait_reason::cond_wait:
    case wait_reason::semacquire: return !target_reached(gp->wait_obj.load(std::memory_order_relaxed), gp);
    case wait_reason::none:
    case wait_reason::sleep: return false;  // it wakes by itself
  }
  return false;
}

// --- Records ------------------------------------------------------------------

namespace {

// What a report says about a leaked goroutine, copied while the world is
// stopped: the descriptor may be reused once go::run abandons it.
struct leak_record {
  std::uint64_t id;
  wait_reason reason;
  std::source_location wait_site;
  std::source_location spawn_site;
  const char* creator;
};

// Memory of its own, grown with mmap: recording happens with the world
// stopped, when a stopped thread may hold the C++ heap's locks.
struct leak_buffer {
  leak_record* records = nullptr;
  std::size_t count = 0;
  std::size_t capacity = 0;

  void push(const leak_record& r) noexcept {
    if (count == capacity) grow();
    records[count++] = r;
  }
  void grow() noexcept {
    const std::size_t cap = capacity ? capacity * 2 : 256;
    void* p = mmap(nullptr, cap * sizeof(leak_record), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw_fatal("out of memory (leaked goroutine records)");
    auto* fresh = static_cast<leak_record*>(p);
    std::copy(records, records + count, fresh);
    if (records) munmap(records, capacity * sizeof(leak_record));
    records = fresh;
    capacity = cap;
  }
};

leak_buffer found;  // the collector's thread only

// Ids printed for GOCXXDEBUG=goroutineleak=1 in the current go::run (under
// gc_sched_mu: the cycle that prints and go::run's end both hold it).
std::unordered_set<std::uint64_t>* printed = new std::unordered_set<std::uint64_t>();

}  // namespace

void leak_records_clear() noexcept { found.count = 0; }

void record_leak_stopped(const g* gp) noexcept {
  found.push(leak_record{gp->id.load(std::memory_order_relaxed), gp->reason.load(std::memory_order_relaxed),
                         gp->wait_site.load(std::memory_order_relaxed), gp->spawn_site.load(std::memory_order_relaxed),
                         gp->creator.load(std::memory_order_relaxed)});
}

namespace {
void sort_records() {
  std::sort(found.records, found.records + found.count,
            [](const leak_record& a, const leak_record& b) { return a.id < b.id; });
}
}  // namespace

std::vector<leaked_goroutine> leak_records() {
  sort_records();
  std::vector<leaked_goroutine> out;
  out.reserve(found.count);
  for (std::size_t i = 0; i < found.count; ++i) {
    const leak_record& r = found.records[i];
    out.push_back(leaked_goroutine{r.id, wait_reason_string(r.reason), r.wait_site, r.spawn_site});
  }
  return out;
}

void print_new_leaks() {
  sort_records();
  for (std::size_t i = 0; i < found.count; ++i) {
    const leak_record& r = found.records[i];
    if (!printed->insert(r.id).second) continue;
    print_err("gocxx: goroutine leak: goroutine %llu [%s]:\n", static_cast<unsigned long long>(r.id),
              wait_reason_string(r.reason));
    print_goroutine_sites(&r.wait_site, r.spawn_site, r.creator);
  }
}

void forget_printed_leaks() noexcept { printed->clear(); }

}  // namespace go::detail
