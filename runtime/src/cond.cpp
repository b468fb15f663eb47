// sync.Cond (Go's notifyList in sema.go); see cond.hpp.
#include "gocxx/cond.hpp"

namespace go {

class cond::ticket_awaiter {
 public:
  ticket_awaiter(cond* c, std::uint64_t t, const std::source_location& where) noexcept : c_(c), where_(where) {
    w_.ticket = t;
  }
  ticket_awaiter(const ticket_awaiter&) = delete;
  ~ticket_awaiter() {
    if (w_.queued) c_->forget(&w_);
  }
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) noexcept {
    c_->lock_.lock();
    if (w_.ticket < c_->notify_ticket_) {  // signalled while unlocking
      c_->lock_.unlock();
      return false;
    }
    w_.gp = detail::current_g();
    detail::park_current(h, detail::wait_reason::cond_wait, where_, detail::wait_target{.obj = c_});
    w_.queued = true;
    if (c_->tail_) c_->tail_->next = &w_;
    else c_->head_ = &w_;
    c_->tail_ = &w_;
    c_->lock_.unlock();
    return true;
  }
  void await_resume() const noexcept {}

 private:
  cond* c_;
  std::source_location where_;
  waiter w_;
};

std::uint64_t cond::take_ticket() noexcept {
  lock_.lock();
  std::uint64_t t = wait_ticket_++;
  lock_.unlock();
  return t;
}

void cond::forget(waiter* w) noexcept {
  lock_.lock();
  waiter* prev = nullptr;
  for (waiter* it = head_; it; prev = it, it = it->next) {
    if (it != w) continue;
    if (prev) prev->next = it->next;
    else head_ = it->next;
    if (tail_ == it) tail_ = prev;
    break;
  }
  w->queued = false;
  lock_.unlock();
}

task<> cond::wait(std::source_location where) {
  std::uint64_t t = take_ticket();
  mu_->unlock();
  co_await ticket_awaiter(this, t, where);
  co_await mu_->lock(where);
}

void cond::signal() noexcept {
  lock_.lock();
  if (notify_ticket_ == wait_ticket_) {
    lock_.unlock();
    return;
  }
  const std::uint64_t t = notify_ticket_++;
  // The waiter with ticket t may not have parked yet; then it will see its
  // ticket notified and not park at all.
  waiter* prev = nullptr;
  for (waiter* w = head_; w; prev = w, w = w->next) {
    if (w->ticket != t) continue;
    if (prev) prev->next = w->next;
    else head_ = w->next;
    if (tail_ == w) tail_ = prev;
    w->queued = false;
    detail::g* gp = w->gp;
    lock_.unlock();
    detail::ready(gp);
    return;
  }
  lock_.unlock();
}

void cond::broadcast() noexcept {
  lock_.lock();
  waiter* list = head_;
  head_ = tail_ = nullptr;
  notify_ticket_ = wait_ticket_;
  // Collect the goroutines (linked through schedlink: parked goroutines are
  // on no run queue) and ready them after unlocking: a readied waiter may
  // free its record, or the cond itself, at once.
  detail::g* wake = nullptr;
  for (waiter* w = list; w;) {
    waiter* next = w->next;
    w->queued = false;
    w->gp->schedlink = wake;
    wake = w->gp;
    w = next;
  }
  lock_.unlock();
  while (detail::g* gp = wake) {
    wake = gp->schedlink;
    gp->schedlink = nullptr;
    detail::ready(gp);
  }
}

}  // namespace go
