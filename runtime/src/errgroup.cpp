// golang.org/x/sync/errgroup (errgroup.go); see errgroup.hpp.
#include "gocxx/errgroup.hpp"

#include <string>

#include "gocxx/panic.hpp"

namespace go {
namespace detail {

void group_state::fail(const error& e) {
  mu.lock();
  const bool first = !err;
  if (first) err = e;
  mu.unlock();
  if (first && cancel) cancel();
}

void group_state::finish(const error& e, group_limit* lim) {
  if (e) fail(e);
  if (lim) {
    lim->active.fetch_sub(1, std::memory_order_relaxed);
    lim->slots.release();
  }
  wg.done();
}

}  // namespace detail

errgroup_with_context errgroup::with_context(const context& parent) {
  auto [ctx, cancel] = with_cancel(parent);
  errgroup g;
  g.st_->cancel = std::move(cancel);
  return {g, ctx};
}

void errgroup::set_limit(int n) {
  if (n < 0) {
    st_->limit = nullptr;
    return;
  }
  if (const std::shared_ptr<detail::group_limit>& lim = st_->limit) {
    if (const int active = lim->active.load(std::memory_order_relaxed); active != 0)
      panic("errgroup: modify limit while " + std::to_string(active) + " goroutines in the group are still active");
  }
  st_->limit = std::make_shared<detail::group_limit>(n);
}

task<error> errgroup::wait_all(std::shared_ptr<detail::group_state> st, std::source_location where) {
  co_await st->wg.wait(where);
  if (st->cancel) st->cancel();
  st->mu.lock();
  error err = st->err;
  st->mu.unlock();
  co_return err;
}

}  // namespace go
