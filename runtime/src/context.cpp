// The context tree (Go's context.go).
//
// A cancellable node registers itself with its nearest cancellable ancestor,
// which cancels it in turn; the registration is a weak reference, so a child
// the program has dropped costs its parent nothing. A node removes itself
// from its parent when it is cancelled or destroyed.
#include "gocxx/context.hpp"

#include <map>
#include <mutex>

#include "gocxx/detail/goroutine.hpp"

namespace go {

const error canceled = error::make("context canceled");
const error deadline_exceeded = error::make("context deadline exceeded");

namespace detail {

class cancel_node;

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
  // The nearest node, this one included, that can be cancelled.
  virtual cancel_node* nearest_cancel() const { return parent_ ? parent_->nearest_cancel() : nullptr; }

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

class cancel_node final : public context_node, public std::enable_shared_from_this<cancel_node> {
 public:
  explicit cancel_node(std::shared_ptr<const context_node> parent)
      : context_node(std::move(parent)), done_(make_chan<unit>()) {}

  ~cancel_node() override {
    if (timer_) {
      timer_->stop();
      shared_timer::drop(timer_);
    }
    if (cancel_node* p = parent_ ? parent_->nearest_cancel() : nullptr) p->forget_child(this);
  }

  recv_chan<unit> done() const override { return done_; }
  error err() const override {
    std::lock_guard lk(mu_);
    return err_;
  }
  std::optional<time_point> deadline() const override {
    auto inherited = context_node::deadline();
    if (!deadline_) return inherited;
    if (!inherited || *deadline_ < *inherited) return deadline_;
    return inherited;
  }
  cancel_node* nearest_cancel() const override { return const_cast<cancel_node*>(this); }

  // Hooks this node under its nearest cancellable ancestor (Go's
  // propagateCancel): cancelled now if that ancestor already is.
  void attach() {
    cancel_node* p = parent_ ? parent_->nearest_cancel() : nullptr;
    if (!p) return;
    error already;
    {
      std::lock_guard lk(p->mu_);
      if (p->err_) already = p->err_;
      else p->children_[this] = weak_from_this();
    }
    if (already) cancel(false, already);
  }

  void arm_deadline(time_point at) {
    deadline_ = at;
    std::weak_ptr<cancel_node> self = weak_from_this();
    timer_ = shared_timer::make([self] {
      if (auto n = self.lock()) n->cancel(true, deadline_exceeded);
    });
    timer_->reset(at.time_since_epoch().count(), 0);
  }

  void cancel(bool detach, const error& why) {
    std::map<cancel_node*, std::weak_ptr<cancel_node>> children;
    {
      std::lock_guard lk(mu_);
      if (err_) return;  // idempotent
      err_ = why;
      done_.close();
      children.swap(children_);
    }
    for (auto& [raw, weak] : children)
      if (auto child = weak.lock()) child->cancel(false, why);
    if (detach)
      if (cancel_node* p = parent_ ? parent_->nearest_cancel() : nullptr) p->forget_child(this);
    if (timer_) timer_->stop();
  }

 private:
  void forget_child(cancel_node* child) {
    std::lock_guard lk(mu_);
    children_.erase(child);
  }

  mutable std::mutex mu_;
  chan<unit> done_;
  error err_;
  std::map<cancel_node*, std::weak_ptr<cancel_node>> children_;
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
  return {std::move(ctx), [n] { n->cancel(true, canceled); }};
}
}  // namespace

context_with_cancel with_cancel(const context& parent) {
  auto n = std::make_shared<detail::cancel_node>(parent.node());
  n->attach();
  return wrap(std::move(n));
}

context_with_cancel with_deadline(const context& parent, time_point deadline) {
  auto n = std::make_shared<detail::cancel_node>(parent.node());
  n->attach();
  // A parent that ends sooner already bounds the child (Go's WithDeadline).
  if (auto inherited = parent.deadline(); inherited && *inherited <= deadline) return wrap(std::move(n));
  if (deadline <= time_point(std::chrono::nanoseconds(detail::nanotime()))) {
    n->cancel(true, deadline_exceeded);
  } else {
    n->arm_deadline(deadline);
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
