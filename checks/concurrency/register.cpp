// Registers the concurrency families, gocxx-leak-* and gocxx-chan-*
// (checks/families.hpp). Each check reports the analysis' findings of the
// kinds listed here (explorer.hpp).
#include "check.hpp"
#include "concurrency/concurrency_checks.hpp"
#include "concurrency/lost_cancel_check.hpp"
#include "concurrency/once_recursive_check.hpp"
#include "concurrency/ticker_check.hpp"
#include "concurrency/timer_in_loop_check.hpp"
#include "families.hpp"

namespace gocxx {

namespace {

using concurrency::finding_kind;

check_registry::factory reporting(const std::vector<finding_kind>& kinds) {
  return [kinds](llvm::StringRef id, check_context& context) -> std::unique_ptr<check> {
    return std::make_unique<concurrency::concurrency_check>(id, context, kinds);
  };
}

}  // namespace

void register_concurrency_checks(check_registry& registry) {
  registry.add("gocxx-leak-blocked-send",
               "a goroutine that can block forever sending on a channel nobody receives from",
               reporting({finding_kind::blocked_send}));
  registry.add("gocxx-leak-blocked-recv",
               "a goroutine that can block forever receiving from a channel nobody sends on or closes",
               reporting({finding_kind::blocked_recv}));
  registry.add("gocxx-leak-range-never-closed",
               "a loop over a channel's next() values that can wait forever: nobody closes the channel",
               reporting({finding_kind::blocked_next}));
  registry.add("gocxx-leak-blocked-select",
               "a goroutine that can block forever in a select none of whose cases proceeds",
               reporting({finding_kind::blocked_select}));
  registry.add(
      "gocxx-leak-wait-group",
      "wait-group misuse: a wait whose counter can never reach zero, a counter that goes negative, an add() "
      "a wait may already have returned before",
      reporting({finding_kind::blocked_wait, finding_kind::wait_group_negative, finding_kind::wait_group_late_add}));
  registry.add("gocxx-leak-mutex-not-unlocked", "a goroutine that can block forever on a mutex another never unlocks",
               reporting({finding_kind::blocked_lock, finding_kind::lock_kept, finding_kind::unlock_unlocked}));
  registry.add("gocxx-leak-double-lock", "a goroutine that locks a mutex it already holds",
               reporting({finding_kind::double_lock}));
  registry.add("gocxx-leak-cond-wait",
               "a goroutine that can wait forever in go::cond::wait(): no signal or broadcast comes after it waits",
               reporting({finding_kind::cond_wait}));
  registry.add("gocxx-leak-lock-order",
               "goroutines that take the same mutexes in opposite orders and block each other forever",
               reporting({finding_kind::lock_order}));
  registry.add("gocxx-leak-lost-cancel",
               "the cancel function of go::with_cancel, with_timeout or with_deadline not used on some path",
               &make_check<concurrency::lost_cancel_check>);
  registry.add("gocxx-leak-once-recursive",
               "the function a go::once runs calls call() on the same go::once: it waits for itself forever",
               &make_check<concurrency::once_recursive_check>);
  registry.add("gocxx-leak-timer-in-loop",
               "go::after in a loop: every turn arms a timer that lives until it fires (option MinDuration, ms)",
               &make_check<concurrency::timer_in_loop_check>);
  registry.add("gocxx-leak-ticker-not-stopped",
               "a go::ticker whose ticks an endless loop takes: neither the ticker nor its goroutine ever stops",
               &make_check<concurrency::ticker_check>);
  registry.add("gocxx-leak-not-analysed",
               "a function the leak and channel checks could not explore within their budget (a remark)",
               &make_check<concurrency::not_analysed_check>);
  registry.add("gocxx-chan-close-nil", "close of a nil channel", reporting({finding_kind::close_nil}));
  registry.add("gocxx-chan-close-closed", "close of a channel that can already be closed",
               reporting({finding_kind::close_closed}));
  registry.add("gocxx-chan-send-after-close", "a send on a channel that can already be closed",
               reporting({finding_kind::send_closed}));
  registry.add("gocxx-chan-close-by-receiver",
               "a close by a goroutine that never sends on the channel, while another still sends on it",
               reporting({finding_kind::close_by_receiver}));
  registry.add("gocxx-chan-nil-op", "a send or receive on a nil channel outside a select: it blocks forever",
               reporting({finding_kind::blocked_nil}));
  registry.add("gocxx-chan-self-deadlock",
               "a send or receive on a channel no other goroutine holds: it can never complete",
               reporting({finding_kind::blocked_self}));
}

}  // namespace gocxx
