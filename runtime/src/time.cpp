// go::sleep, go::after, go::tick, go::timer, go::ticker and go::after_func's
// handle on the per-P timer heaps.
#include "gocxx/time.hpp"

#include <stdexcept>

#include "gocxx/detail/goroutine.hpp"
#include "gocxx/ptr.hpp"  // detail::panic_nil_deref

namespace go {
namespace detail {

std::int64_t when_after(duration d) noexcept {
  std::int64_t now = nanotime();
  std::int64_t ns = d.count();
  return ns > INT64_MAX - now ? INT64_MAX - 1 : now + ns;
}

void sleep_awaiter::await_suspend(std::coroutine_handle<> h) noexcept {
  node_.gp = current_g();
  park_current(h, wait_reason::sleep, where_, wait_target{});
  node_.when = when_after(d_);
  // The node lives in the sleeping frame, which may be gone once the
  // goroutine is readied: fire touches nothing after ready().
  node_.fire = [](timer_node* t) { ready(static_cast<node*>(t)->gp); };
  add_timer(&node_);  // last touch: the timer may fire on another worker at once
}

shared_timer* make_channel_timer(const chan<time_point>& c) {
  // The channel has one slot: the send never blocks, and a value nobody has
  // read yet makes later ones drop (what a ticker wants; a timer sends once).
  return shared_timer::make([c] {
    time_point now{std::chrono::nanoseconds(nanotime())};
    try_send_nonblocking(c.raw(), &now);
  });
}

}  // namespace detail

recv_chan<time_point> after(duration d) {
  auto c = make_chan<time_point>(1);
  detail::shared_timer* t = detail::make_channel_timer(c);
  t->reset(detail::when_after(d), 0);
  detail::shared_timer::drop(t);  // the heap keeps it until it fires
  return c;
}

recv_chan<time_point> tick(duration d) {
  if (d.count() <= 0) return {};  // nil, as Go's Tick returns for d <= 0
  auto c = make_chan<time_point>(1);
  detail::shared_timer* t = detail::make_channel_timer(c);
  t->reset(detail::when_after(d), d.count());
  detail::shared_timer::drop(t);  // nobody can stop it: the heap keeps it for good
  return c;
}

timer::timer(duration d) : c_(make_chan<time_point>(1)), t_(detail::make_channel_timer(c_)) {
  t_->reset(detail::when_after(d), 0);
}
timer::~timer() {
  t_->stop();
  detail::shared_timer::drop(t_);
}
bool timer::stop() noexcept { return t_->stop(); }
bool timer::reset(duration d) noexcept { return t_->reset(detail::when_after(d), 0); }

namespace {
duration checked_period(duration period) {
  if (period.count() <= 0) throw std::invalid_argument("non-positive interval for go::ticker");
  return period;
}
}  // namespace

ticker::ticker(duration period)
    : c_((checked_period(period), make_chan<time_point>(1))), t_(detail::make_channel_timer(c_)), period_(period) {
  t_->reset(detail::when_after(period), period.count());
}
ticker::~ticker() {
  t_->stop();
  detail::shared_timer::drop(t_);
}
void ticker::stop() noexcept { t_->stop(); }
void ticker::reset(duration period) noexcept {
  period_ = period;
  t_->reset(detail::when_after(period), period.count());
}

func_timer::func_timer(const func_timer& o) noexcept : t_(o.t_) {
  if (t_) t_->retain();
}
// Only the handle's reference: a pending timer keeps its own in the heap.
func_timer::~func_timer() {
  if (t_) detail::shared_timer::drop(t_);
}
bool func_timer::stop() {
  if (!t_) detail::panic_nil_deref();
  return t_->stop();
}
bool func_timer::reset(duration d) {
  if (!t_) detail::panic_nil_deref();
  return t_->reset(detail::when_after(d), 0);
}

}  // namespace go
