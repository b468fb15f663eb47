// Channel operations (Go's chan.go), independent of the element type.
//
// Invariants, all under the channel's lock:
//  - at most one of recvq and sendq is non-empty;
//  - a receiver waits only if the buffer is empty, a sender only if it is full;
//  - a closed channel has no waiting senders and, once its buffer is drained,
//    no waiting receivers.
// A value goes directly from the sender's frame to the receiver's frame when
// the other side is already waiting (no buffer round trip), which is what
// makes an unbuffered channel a rendezvous.
#include "gocxx/detail/chan_core.hpp"
#include "gocxx/detail/heap.hpp"

#include <cstring>

namespace go::detail {

// While the collector marks, a value moving between goroutines (from a
// sender's frame into the buffer or a receiver's frame) is shaded: the
// destination may already be scanned, and the source may stop holding it.
inline void hchan_base::move_elem(void* dst, void* src) const noexcept {
  if (gc_barrier_on.load(std::memory_order_relaxed)) [[unlikely]]
    gc_shade_range(src, elemsize_);
  if (ops_->trivial)
    std::memcpy(dst, src, elemsize_);
  else
    ops_->move_assign(dst, src);
}

// Go zeroes a slot after a receive so the buffer does not keep the value
// alive; a trivially copyable value keeps nothing alive.
inline void hchan_base::clear_slot(void* s) const noexcept {
  if (!ops_->trivial) ops_->reset(s);
}

void waitq::enqueue(sudog* s) noexcept {
  s->next = nullptr;
  s->prev = last;
  if (last)
    last->next = s;
  else
    first = s;
  last = s;
  s->queued = true;
}

void waitq::remove(sudog* s) noexcept {
  if (!s->queued) return;
  if (s->prev)
    s->prev->next = s->next;
  else
    first = s->next;
  if (s->next)
    s->next->prev = s->prev;
  else
    last = s->prev;
  s->prev = s->next = nullptr;
  s->queued = false;
}

sudog* waitq::dequeue() noexcept {
  while (sudog* s = first) {
    remove(s);
    if (s->is_select) {
      // Several channels may try to complete the same select at once; the
      // first to flip select_done wins, the others drop this waiter.
      std::uint32_t expected = 0;
      if (!s->gp->select_done.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) continue;
      s->gp->param = s;
    }
    return s;
  }
  return nullptr;
}

bool hchan_base::send_ready_locked(void* src, g** wake) noexcept {
  if (sudog* s = recvq_.dequeue()) {
    if (s->elem) move_elem(s->elem, src);
    s->success = true;
    *wake = s->gp;
    return true;
  }
  const std::size_t n = qcount_.load(std::memory_order_relaxed);
  if (n < dataqsiz_) {
    move_elem(slot(sendx_), src);
    if (++sendx_ == dataqsiz_) sendx_ = 0;
    set_qcount(n + 1);
    return true;
  }
  return false;
}

// A sender is waiting, so the buffer is empty (unbuffered) or full.
void hchan_base::recv_from_sender_locked(sudog* s, void* dst) noexcept {
  if (dataqsiz_ == 0) {
    if (dst) move_elem(dst, s->elem);
    return;
  }
  // Take the head of the full buffer and put the sender's value at its tail,
  // which is the same slot: FIFO order is kept for both.
  void* head = slot(recvx_);
  if (dst) move_elem(dst, head);
  move_elem(head, s->elem);
  if (++recvx_ == dataqsiz_) recvx_ = 0;
  sendx_ = recvx_;
}

bool hchan_base::recv_ready_locked(void* dst, bool* ok, g** wake) noexcept {
  const std::size_t n = qcount_.load(std::memory_order_relaxed);
  if (closed_ && n == 0) {
    if (dst) ops_->reset(dst);
    *ok = false;
    return true;
  }
  if (sudog* s = sendq_.dequeue()) {
    recv_from_sender_locked(s, dst);
    s->success = true;
    *wake = s->gp;
    *ok = true;
    return true;
  }
  if (n > 0) {
    void* head = slot(recvx_);
    if (dst) move_elem(dst, head);
    clear_slot(head);
    if (++recvx_ == dataqsiz_) recvx_ = 0;
    set_qcount(n - 1);
    *ok = true;
    return true;
  }
  return false;
}

bool hchan_base::try_send(void* src, const std::source_location& where) {
  lock_.lock();
  if (closed_) {
    lock_.unlock();
    panic_runtime("send on closed channel", where);
  }
  g* wake = nullptr;
  if (!send_ready_locked(src, &wake)) return false;  // lock stays held
  lock_.unlock();
  if (wake) ready(wake);
  return true;
}

bool hchan_base::try_recv(void* dst, bool* ok) noexcept {
  lock_.lock();
  g* wake = nullptr;
  if (!recv_ready_locked(dst, ok, &wake)) return false;  // lock stays held
  lock_.unlock();
  if (wake) ready(wake);
  return true;
}

void hchan_base::park_send(sudog* s, void* src, std::coroutine_handle<> h, const std::source_location& where) noexcept {
  s->gp = current_g();
  s->elem = src;
  s->c = this;
  s->is_select = false;
  s->is_send = true;
  s->success = false;
  park_current(h, wait_reason::chan_send, where, wait_target{.obj = this});
  sendq_.enqueue(s);
  lock_.unlock();  // last touch: the goroutine may run (and finish) from here on
}

void hchan_base::park_recv(sudog* s, void* dst, std::coroutine_handle<> h, const std::source_location& where) noexcept {
  s->gp = current_g();
  s->elem = dst;
  s->c = this;
  s->is_select = false;
  s->is_send = false;
  s->success = false;
  park_current(h, wait_reason::chan_receive, where, wait_target{.obj = this});
  recvq_.enqueue(s);
  lock_.unlock();
}

void hchan_base::cancel_wait(sudog* s) noexcept {
  lock_.lock();
  (s->is_send ? sendq_ : recvq_).remove(s);
  lock_.unlock();
}

void hchan_base::close(const std::source_location& where) {
  lock_.lock();
  if (closed_) {
    lock_.unlock();
    panic_runtime("close of closed channel", where);
  }
  closed_ = true;
  // Collect every waiter, then ready them after unlocking. Receivers get the
  // zero value and ok == false; senders wake to panic.
  g* wake_list = nullptr;
  auto collect = [&](sudog* s) {
    s->success = false;
    s->gp->schedlink = wake_list;
    wake_list = s->gp;
  };
  while (sudog* s = recvq_.dequeue()) {
    if (s->elem) ops_->reset(s->elem);
    collect(s);
  }
  while (sudog* s = sendq_.dequeue()) collect(s);
  lock_.unlock();
  while (g* gp = wake_list) {
    wake_list = gp->schedlink;
    gp->schedlink = nullptr;
    ready(gp);
  }
}

bool try_send_nonblocking(hchan_base* c, void* src) {
  if (!c) return false;
  if (c->try_send(src, std::source_location::current())) return true;
  c->unlock();
  return false;
}

}  // namespace go::detail
