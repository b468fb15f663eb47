// The context tree (Go's context.go).
//
// A cancellable node's cancel_state registers with the state of its nearest
// cancellable ancestor, which cancels it in turn; a state leaves its parent
// when it is cancelled directly or by its deadline.
#include "gocxx/context.hpp"

#include <map>
#include <mutex>

#include "gocxx/detail/goroutine.hpp"

namespace go {

const error canceled = error::make("context canceled");
const error deadline_exceeded = error::make("context deadline exceeded");

namespace detail {

class cancel_state;

class context_node {
 public:
  explicit context_node(std::shared_ptr<const context_node> parent) : parent_(std::move(parent)) {}
  virtual ~context_node() = default;

  virtual recv_chan<unit> done() const { return parent_ ? parent_->done() : recv_chan<unit>(); }
  virtual error err() const { return parent_ ? parent_->err() : error(); }
  virtual std::optional<time_point> deadline() const {
    return parent_ ? parent_->deadline() : std::optional<time_point>();
  }
  virtual std::any value(const context_key& k) const { return parent_ ? parent_->value(k) : std::any(); }
  // The cancellation state of the nearest cancellable node, this one included.
  virtual std::shared_ptr<cancel_state> nearest_cancel() const {
    return parent_ ? parent_->nearest_cancel() : nullptr;
  }

 protected:
  std::shared_ptr<const context_node> parent_;
};

class value_node final : public context_node {
 public:
  value_node(std::shared_ptr<const context_node> parent, context_key k, std::any v)
      : context_node(std::move(parent)), key_(std::move(k)), value_(std::move(v)) {}
  std::any value(const context_key& k) const override {
    return key_.equal(key_.key, k.key) ? value_ : context_node::value(k);
  }

 private:
  context_key key_;
  std::any value_;
};

// What cancellation acts on: the done channel, the error, and the children
// to cancel in turn. States point only downwards (parent to children, held
// strongly as Go's parent holds its children until it is cancelled) and
// upwards weakly, so the tree has no reference cycles; a child whose handles
// the program dropped is still cancelled with its parent, and its done()
// channel still closes.
class cancel_state {
 public:
  explicit cancel_state(std::weak_ptr<cancel_state> parent) : parent_(std::move(parent)), done_(make_chan<unit>()) {}

  recv_chan<unit> done() const { return done_; }
  error err() const {
    std::lock_guard lk(mu_);
    return err_;
  }

  // Hooks child under this state, or cancels it at once if this one already is.
  void adopt(const std::shared_ptr<cancel_state>& child) {
    error already;
    {
      std::lock_guard lk(mu_);
      if (err_) already = err_;
      else children_[child.get()] = child;
    }
    if (already) child->cancel(false, already);
  }

  void cancel(bool detach, const error& why) {
    std::map<cancel_state*, std::shared_ptr<cancel_state>> children;
    {
      std::lock_guard lk(mu_);
      if (err_) return;  // idempotent
      err_ = why;
      done_.close();
      children.swap(children_);
    }
    for (auto& [raw, child] : children) child->cancel(false, why);
    if (detach)
      if (auto p = parent_.lock()) p->forget(this);
  }

 private:
  void forget(cancel_state* child) {
    std::shared_ptr<cancel_state> dropped;  // destroyed after the lock is released
    std::lock_guard lk(mu_);
    auto it = children_.find(child);
    if (it == children_.end()) return;
    dropped = std::move(it->second);
    children_.erase(it);
  }

  std::weak_ptr<cancel_state> parent_;
  mutable std::mutex mu_;
  chan<unit> done_;
  error err_;
  std::map<cancel_state*, std::shared_ptr<cancel_state>> children_;
};

class cancel_node final : public context_node {
 public:
  explicit cancel_node(std::shared_ptr<const context_node> parent)
      : context_node(std::move(parent)), state_(std::make_shared<cancel_state>(parent_state())) {
    if (auto p = parent_state().lock()) p->adopt(state_);
  }

  ~cancel_node() override {
    // A pending deadline keeps its state alive and still fires, as in Go.
    if (timer_) shared_timer::drop(timer_);
  }

  recv_chan<unit> done() const override { return state_->done(); }
  error err() const override { return state_->err(); }
  std::optional<time_point> deadline() const override {
    auto inherited = context_node::deadline();
    if (!deadline_) return inherited;
    if (!inherited || *deadline_ < *inherited) return deadline_;
    return inherited;
  }
  std::shared_ptr<cancel_state> nearest_cancel() const override { return state_; }

  void set_deadline(time_point at) { deadline_ = at; }
  void arm_deadline_timer() {
    timer_ = shared_timer::make([st = state_] { st->cancel(true, deadline_exceeded); });
    timer_->reset(deadline_->time_since_epoch().count(), 0);
  }

  void cancel(const error& why) {
    state_->cancel(true, why);
    if (timer_) timer_->stop();
  }

 private:
  std::weak_ptr<cancel_state> parent_state() const {
    return parent_ ? std::weak_ptr<cancel_state>(parent_->nearest_cancel()) : std::weak_ptr<cancel_state>();
  }

  std::shared_ptr<cancel_state> state_;
  std::optional<time_point> deadline_;
  shared_timer* timer_ = nullptr;
};

namespace {
const std::shared_ptr<const context_node>& background_node() {
  static const auto node = std::make_shared<const context_node>(nullptr);
  return node;
}
}  // namespace

}  // namespace detail

context::context() : node_(detail::background_node()) {}

recv_chan<unit> context::done() const { return node_->done(); }
error context::err() const { return node_->err(); }
std::optional<time_point> context::deadline() const { return node_->deadline(); }
std::any context::lookup(const detail::context_key& key) const { return node_->value(key); }

context background() { return context(); }
context todo() { return context(); }

namespace {
context_with_cancel wrap(std::shared_ptr<detail::cancel_node> n) {
  context ctx(n);
  return {std::move(ctx), [n] { n->cancel(canceled); }};
}
}  // namespace

context_with_cancel with_cancel(const context& parent) {
  return wrap(std::make_shared<detail::cancel_node>(parent.node()));
}

context_with_cancel with_deadline(const context& parent, time_point deadline) {
  auto n = std::make_shared<detail::cancel_node>(parent.node());
  // A parent that ends sooner already bounds the child (Go's WithDeadline).
  if (auto inherited = parent.deadline(); inherited && *inherited <= deadline) return wrap(std::move(n));
  // As in Go, the deadline is recorded even when it has already passed.
  n->set_deadline(deadline);
  if (deadline <= time_point(std::chrono::nanoseconds(detail::nanotime()))) {
    n->cancel(deadline_exceeded);
  } else {
    n->arm_deadline_timer();
  }
  return wrap(std::move(n));
}

context_with_cancel with_timeout(const context& parent, duration timeout) {
  return with_deadline(parent, time_point(std::chrono::nanoseconds(detail::when_after(timeout))));
}

context with_value_any(const context& parent, detail::context_key key, std::any value) {
  return context(std::make_shared<const detail::value_node>(parent.node(), std::move(key), std::move(value)));
}

}  // namespace go
