// Per-P timer heaps (Go's time.go): 4-ary min-heaps ordered by when.
//
// A pending timer sits in exactly one heap; t->heap names it and t->index is
// its slot, both changed only under that heap's lock. Workers run the expired
// timers of their own P in the scheduling loop and, when spinning, those of
// other Ps; callbacks run on a worker that holds a P, without the heap lock,
// so they may ready goroutines, send on channels or add timers.
#include <algorithm>

#include "gocxx/detail/timer.hpp"
#include "sched.hpp"

namespace go::detail {
namespace {

constexpr std::size_t kArity = 4;

void set_slot(timer_heap& h, std::size_t i, timer_node* t) noexcept {
  h.nodes[i] = t;
  t->index = static_cast<std::int32_t>(i);
}

void sift_up(timer_heap& h, std::size_t i) noexcept {
  timer_node* t = h.nodes[i];
  while (i > 0) {
    std::size_t parent = (i - 1) / kArity;
    if (h.nodes[parent]->when <= t->when) break;
    set_slot(h, i, h.nodes[parent]);
    i = parent;
  }
  set_slot(h, i, t);
}

void sift_down(timer_heap& h, std::size_t i) noexcept {
  timer_node* t = h.nodes[i];
  const std::size_t n = h.nodes.size();
  for (;;) {
    std::size_t first = i * kArity + 1;
    if (first >= n) break;
    std::size_t best = first;
    for (std::size_t c = first + 1; c < std::min(first + kArity, n); ++c)
      if (h.nodes[c]->when < h.nodes[best]->when) best = c;
    if (h.nodes[best]->when >= t->when) break;
    set_slot(h, i, h.nodes[best]);
    i = best;
  }
  set_slot(h, i, t);
}

void update_next_when(timer_heap& h) noexcept {
  h.next_when.store(h.nodes.empty() ? INT64_MAX : h.nodes[0]->when, std::memory_order_seq_cst);
}

void push_locked(timer_heap& h, timer_node* t) noexcept {
  t->heap.store(&h, std::memory_order_relaxed);
  h.nodes.push_back(t);
  sift_up(h, h.nodes.size() - 1);
  update_next_when(h);
  sched->ntimers.fetch_add(1, std::memory_order_seq_cst);
}

void remove_locked(timer_heap& h, timer_node* t) noexcept {
  std::size_t i = static_cast<std::size_t>(t->index);
  timer_node* last = h.nodes.back();
  h.nodes.pop_back();
  if (last != t) {
    set_slot(h, i, last);
    sift_down(h, i);
    sift_up(h, static_cast<std::size_t>(last->index));
  }
  t->index = -1;
  t->heap.store(nullptr, std::memory_order_relaxed);
  update_next_when(h);
  sched->ntimers.fetch_sub(1, std::memory_order_seq_cst);
}

timer_heap& current_heap() noexcept {
  m* mp = tl_m;
  p* pp = mp && mp->pp ? mp->pp : sched->allp[0].get();
  // A lent P goes back to the spares, where no stealer runs its timers.
  if (pp->borrowed) pp = sched->allp[0].get();
  return pp->timers;
}

}  // namespace

void add_timer(timer_node* t) noexcept {
  if (!sched || sched->tearing_down.load()) {
    if (t->release) t->release(t);  // the heap's reference is never taken up
    return;
  }
  timer_heap& h = current_heap();
  // Once t is in the heap it may fire on another worker, and a frame-owned
  // node (sleep) may be gone: t is not touched after the push.
  const std::int64_t when = t->when;
  {
    std::lock_guard lk(h.lock);
    push_locked(h, t);
  }
  wake_for_timer(when);
}

bool del_timer(timer_node* t) noexcept {
  for (;;) {
    timer_heap* h = t->heap.load(std::memory_order_acquire);
    if (!h) return false;
    std::lock_guard lk(h->lock);
    if (t->heap.load(std::memory_order_relaxed) != h) continue;  // moved or fired meanwhile
    remove_locked(*h, t);
    return true;
  }
}

void run_timers(p* pp, std::int64_t now) noexcept {
  timer_heap& h = pp->timers;
  for (;;) {
    timer_node* t;
    void (*release)(timer_node*);
    {
      std::lock_guard lk(h.lock);
      if (h.nodes.empty() || h.nodes[0]->when > now) return;
      t = h.nodes[0];
      release = t->release;
      if (t->period > 0) {
        // Periodic: rearm in place (skipping missed periods, as Go does), and
        // take a reference for the call, since the heap keeps its own.
        t->when += t->period * (1 + (now - t->when) / t->period);
        sift_down(h, 0);
        update_next_when(h);
        if (auto* st = static_cast<shared_timer*>(t); release) st->retain();
      } else {
        // One-shot: the heap's reference passes to this call.
        remove_locked(h, t);
      }
    }
    // A frame-owned node (release == nullptr) may be freed by the goroutine
    // fire() readies: t must not be touched after this call.
    t->fire(t);
    if (release) release(t);
  }
}

std::int64_t earliest_timer() noexcept {
  std::int64_t best = INT64_MAX;
  // Spares hold no timers (current_heap): the parking path reads nprocs Ps.
  for (int i = 0; i < sched->nprocs; ++i)
    best = std::min(best, sched->allp[static_cast<std::size_t>(i)]->timers.next_when.load(std::memory_order_seq_cst));
  return best;
}

bool any_timers() noexcept { return sched->ntimers.load(std::memory_order_seq_cst) > 0; }

void clear_timers() noexcept {
  for (auto& pp : sched->allp) {
    std::vector<timer_node*> pending;
    {
      std::lock_guard lk(pp->timers.lock);
      while (!pp->timers.nodes.empty()) {
        timer_node* t = pp->timers.nodes.back();
        remove_locked(pp->timers, t);
        pending.push_back(t);
      }
    }
    for (timer_node* t : pending)
      if (t->release) t->release(t);
  }
}

// A timer earlier than anything an idle M waits for must wake one, or it
// would fire late whenever every other worker is busy or parked for good.
void wake_for_timer(std::int64_t when) noexcept {
  if (when >= sched->timer_wait_until.load(std::memory_order_seq_cst)) return;
  if (sched->npidle.load(std::memory_order_seq_cst) == 0) return;
  std::unique_lock lk(sched->lock);
  m* w = sched->timer_waiter;
  if (!w && !sched->midle.empty()) w = sched->midle.back();
  if (!w) return;
  // The M stays on the idle list; it removes itself when it wakes.
  lk.unlock();
  w->park.wakeup();
}

shared_timer* shared_timer::make(std::function<void()> fn) {
  auto* st = new shared_timer();
  st->on_fire = std::move(fn);
  st->fire = [](timer_node* t) { static_cast<shared_timer*>(t)->on_fire(); };
  st->release = &shared_timer::drop;
  return st;
}

void shared_timer::drop(timer_node* t) noexcept {
  auto* st = static_cast<shared_timer*>(t);
  if (st->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    delete st;
  }
}

bool shared_timer::stop_locked() noexcept {
  if (!del_timer(this)) return false;
  drop(this);  // the heap's reference; the caller's keeps *this alive
  return true;
}

bool shared_timer::stop() noexcept {
  std::lock_guard lk(ops);
  return stop_locked();
}

bool shared_timer::reset(std::int64_t at, std::int64_t every) noexcept {
  std::lock_guard lk(ops);
  bool was_pending = stop_locked();
  when = at;
  period = every;
  retain();  // for the heap
  add_timer(this);
  return was_pending;
}

}  // namespace go::detail
