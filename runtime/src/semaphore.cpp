// golang.org/x/sync/semaphore (semaphore.go); see semaphore.hpp.
#include "gocxx/semaphore.hpp"

#include <memory>
#include <string>

#include "gocxx/panic.hpp"
#include "gocxx/select.hpp"

namespace go::semaphore {

bool weighted::try_acquire(std::int64_t n) noexcept {
  lock_.lock();
  const bool ok = size_ - cur_ >= n && first_ == nullptr;
  if (ok) cur_ += n;
  lock_.unlock();
  return ok;
}

task<> weighted::acquire(std::int64_t n, std::source_location where) {
  (void)co_await acquire(background(), n, where);  // nil: background is never done
}

task<error> weighted::acquire(context ctx, std::int64_t n, std::source_location where) {
  // A context already done fails the call even when the units are free: its
  // being done happened before the call (Go's rule).
  if (error err = ctx.err()) co_return err;
  if (try_acquire(n)) co_return error{};
  const recv_chan<unit> done = ctx.done();
  if (n > size_) {
    co_await done.recv(where);  // never served: wait for the context alone
    co_return ctx.err();
  }
  // Made outside the lock (allocation may assist the collector); enqueue
  // looks at the units again under it. The record is on the C++ heap so
  // that its channel handle is a registered root: the leak detector then
  // never takes a waiter that a release could wake for a leaked one (the
  // queue's pointers to records are not traced).
  auto rec = std::make_unique<waiter>(this, n, make_chan<unit>());
  waiter& w = *rec;
  if (!enqueue(&w)) co_return error{};  // units came free meanwhile
  using recv_case = detail::recv_case<unit>;
  if (co_await select<recv_case, recv_case>(on_recv(w.ready), on_recv(done), where) == 0) {
    // Granted. If the context is done by now too, fail anyway, as Go does:
    // the caller asked for units only while the context lasts.
    if (error err = ctx.err()) {
      release(n);
      co_return err;
    }
    co_return error{};
  }
  lock_.lock();
  waiter* wake_list = nullptr;
  if (w.granted) {
    // Granted after the context was done: hand the units back, as if the
    // grant had never happened.
    cur_ -= n;
    wake_list = grant_locked();
  } else {
    const bool was_head = first_ == &w;
    unlink_locked(&w);
    // The head leaving may let the waiters behind it fit.
    if (was_head && size_ > cur_) wake_list = grant_locked();
  }
  const bool granted = w.granted;
  lock_.unlock();
  wake(wake_list);
  // The granter closes `ready` after unlocking, reading the record until
  // then: it must outlive that. The wait is short (the granter is running).
  if (granted) co_await w.ready.recv(where);
  co_return ctx.err();
}

void weighted::release(std::int64_t n) {
  lock_.lock();
  if (n > cur_) {
    lock_.unlock();
    panic(std::string("semaphore: released more than held"));
  }
  cur_ -= n;
  waiter* wake_list = grant_locked();
  lock_.unlock();
  wake(wake_list);
}

bool weighted::enqueue(waiter* w) noexcept {
  lock_.lock();
  if (size_ - cur_ >= w->n && first_ == nullptr) {
    cur_ += w->n;
    lock_.unlock();
    return false;
  }
  w->prev = last_;
  w->next = nullptr;
  if (last_)
    last_->next = w;
  else
    first_ = w;
  last_ = w;
  w->queued = true;
  lock_.unlock();
  return true;
}

void weighted::unlink_locked(waiter* w) noexcept {
  if (w->prev)
    w->prev->next = w->next;
  else
    first_ = w->next;
  if (w->next)
    w->next->prev = w->prev;
  else
    last_ = w->prev;
  w->prev = w->next = nullptr;
  w->queued = false;
}

// Go's notifyWaiters: grants waiters from the head while they fit and
// returns them, linked through wake_next, for wake. Stopping at the first
// that does not fit is what keeps large requests from starving.
weighted::waiter* weighted::grant_locked() noexcept {
  waiter* list = nullptr;
  waiter** tail = &list;
  while (first_ != nullptr && size_ - cur_ >= first_->n) {
    waiter* w = first_;
    unlink_locked(w);
    cur_ += w->n;
    w->granted = true;
    w->wake_next = nullptr;
    *tail = w;
    tail = &w->wake_next;
  }
  return list;
}

// Closes the granted waiters' channels, after the lock is released. A
// record stays alive until its own channel is closed (a granted waiter never
// returns before its ready channel is closed), so the next link is read
// before the close; the semaphore itself is not touched, as the first woken
// waiter may destroy it.
void weighted::wake(waiter* list) {
  while (list != nullptr) {
    waiter* next = list->wake_next;
    const chan<unit> ready = list->ready;
    ready.close();
    list = next;
  }
}

void weighted::forget(waiter* w) noexcept {
  lock_.lock();
  if (w->queued) unlink_locked(w);
  lock_.unlock();
}

}  // namespace go::semaphore
