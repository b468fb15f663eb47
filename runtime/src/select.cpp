// select (Go's select.go), in three passes:
//   1. lock every channel in address order and poll the cases in a random
//      order; complete the first ready one;
//   2. if none is ready (and there is no default): put a sudog on every
//      channel's queue, park, and unlock;
//   3. when woken, lock every channel again and take the sudogs off all the
//      queues except the one that fired.
// Locking in address order lets selects that share channels never deadlock;
// the g's select_done flag (see waitq::dequeue) lets exactly one channel
// complete a parked select, however many race to do so.
#include "gocxx/select.hpp"

namespace go::detail {
namespace {

hchan_base* chan_at(const select_state& st, int k) noexcept { return st.cases[st.lockorder[k]].c; }

void lock_all(select_state& st) noexcept {
  for (int k = 0; k < st.nactive; ++k)
    if (k == 0 || chan_at(st, k) != chan_at(st, k - 1)) chan_at(st, k)->lock();
}

// Unlocks in reverse order. After a parked select unlocks the last channel,
// the goroutine may already be running pass 3 -- and then free st -- so the
// loop reads st only while it still holds a lock the goroutine needs.
void unlock_all(select_state& st) noexcept {
  for (int k = st.nactive - 1; k >= 0; --k) {
    hchan_base* c = chan_at(st, k);
    if (k == 0 || c != chan_at(st, k - 1)) c->unlock();
  }
}

}  // namespace

int select_try(select_state& st, const std::source_location& where) {
  // Poll order: a uniformly random permutation of the non-nil cases
  // (inside-out Fisher-Yates). Lock order: the same cases by address.
  int n = 0;
  for (int i = 0; i < st.ncases; ++i) {
    if (!st.cases[i].c) continue;
    int j = static_cast<int>(fastrandn(static_cast<std::uint32_t>(n + 1)));
    st.pollorder[n] = st.pollorder[j];
    st.pollorder[j] = static_cast<std::uint16_t>(i);
    int k = n;
    while (k > 0 && st.cases[st.lockorder[k - 1]].c > st.cases[i].c) {
      st.lockorder[k] = st.lockorder[k - 1];
      --k;
    }
    st.lockorder[k] = static_cast<std::uint16_t>(i);
    ++n;
  }
  st.nactive = n;
  if (n == 0) return st.has_default ? select_default : select_blocks_forever;

  lock_all(st);
  for (int k = 0; k < n; ++k) {
    const int i = st.pollorder[k];
    scase& cs = st.cases[i];
    g* wake = nullptr;
    if (cs.is_send) {
      if (cs.c->closed_locked()) {
        unlock_all(st);
        panic_runtime("send on closed channel", where);
      }
      if (!cs.c->send_ready_locked(cs.elem, &wake)) continue;
    } else {
      if (!cs.c->recv_ready_locked(cs.elem, &st.recv_ok, &wake)) continue;
    }
    unlock_all(st);
    if (wake) ready(wake);
    return i;
  }
  if (st.has_default) {
    unlock_all(st);
    return select_default;
  }
  return select_must_block;
}

void select_park(select_state& st, std::coroutine_handle<> h, const std::source_location& where) noexcept {
  g* gp = current_g();
  gp->select_done.store(0, std::memory_order_relaxed);
  gp->param = nullptr;
  park_current(h, wait_reason::select, where,
               wait_target{.cases = st.cases, .ncases = static_cast<std::uint32_t>(st.ncases)});
  st.parked = true;
  for (int k = 0; k < st.nactive; ++k) {
    const int i = st.lockorder[k];
    scase& cs = st.cases[i];
    sudog* s = &st.sudogs[i];
    s->gp = gp;
    s->elem = cs.elem;
    s->c = cs.c;
    s->case_index = i;
    s->is_select = true;
    s->is_send = cs.is_send;
    s->success = false;
    (cs.is_send ? cs.c->sendq() : cs.c->recvq()).enqueue(s);
  }
  unlock_all(st);
}

int select_finish(select_state& st, const std::source_location& where) {
  g* gp = current_g();
  auto* fired = static_cast<sudog*>(gp->param);
  gp->param = nullptr;
  lock_all(st);
  for (int k = 0; k < st.nactive; ++k) {
    sudog* s = &st.sudogs[st.lockorder[k]];
    if (s != fired && s->queued) (s->is_send ? s->c->sendq() : s->c->recvq()).remove(s);
  }
  unlock_all(st);
  st.parked = false;
  const int i = fired->case_index;
  st.recv_ok = fired->success;
  if (st.cases[i].is_send && !fired->success) panic_runtime("send on closed channel", where);
  return i;
}

void select_cancel(select_state& st) noexcept {
  for (int k = 0; k < st.nactive; ++k) {
    sudog* s = &st.sudogs[st.lockorder[k]];
    if (s->queued) s->c->cancel_wait(s);
  }
}

}  // namespace go::detail
