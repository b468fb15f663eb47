// Explores every interleaving of a program (sync_model.hpp): an explicit-
// state breadth-first search over the goroutines' positions and the objects'
// states (exact buffer counts, closed and nil channels, wait-group counters,
// mutex holders), so that each finding is a reachable state and its path the
// shortest one there.
//
// - Partial-order reduction: when a goroutine's next operation touches only
//   objects no other goroutine holds (or none: a make, a spawn), it alone is
//   explored from that state -- every other interleaving of it reaches the
//   same states.
// - Loops: a counted loop runs its trip count; a loop whose exit the model
//   cannot evaluate runs any number of times, and its objects are unknown.
// - Assumptions: a state reached by completing a blocking operation on an
//   object the model does not follow is not explored (nothing found from
//   it would be reported) and not counted.
// - Budget: at most max_states states, max_goroutines goroutines and
//   max_time of search (and a bounded walk through each body's branches:
//   goroutine_position.hpp); beyond, the function is not analysed
//   (result::complete is false): the findings reached before are still
//   real, but others may be missing.
//
// Findings:
// - blocked: a state where no goroutine can move and some goroutine has not
//   finished: each blocked operation blocks forever (a leak, or the function
//   itself never returns);
// - panics: close of a nil or closed channel, send on a closed channel, a
//   negative wait-group counter, unlock of an unlocked mutex.
//
// An rwmutex is Go's: a writer waits for the readers; a reader waits for a
// writer that holds it or waits for it (so a goroutine that read-locks twice
// deadlocks once a writer comes between).
#pragma once
#include <clang/Basic/SourceLocation.h>

#include <chrono>
#include <string>
#include <vector>

#include "sync_model.hpp"

namespace gocxx::concurrency {

enum class finding_kind {
  blocked_send,
  blocked_recv,
  blocked_next,  // next() on a channel that is never closed
  blocked_select,
  blocked_nil,   // send or receive on a nil channel
  blocked_self,  // send or receive on a channel no other goroutine holds
  blocked_wait,  // wait_group::wait
  blocked_lock,  // mutex held by another goroutine that never unlocks it
  double_lock,   // mutex held by the goroutine itself, in a call still running
  lock_order,    // mutex held by a goroutine that waits for one this goroutine holds
  lock_kept,     // mutex the goroutine itself locked in a call that has returned (or a loop's earlier turn)
  close_nil,
  close_closed,
  send_closed,
  close_by_receiver,
  cond_wait,  // a wait() no signal or broadcast will end  // the close that a send_closed follows, by a goroutine that
              // never sends on the channel
  wait_group_negative,
  wait_group_late_add,  // an add() another goroutine's wait, already returned at zero, did not wait for
  unlock_unlocked,
};

struct path_step {
  clang::SourceLocation loc;
  std::string text;
};

struct finding {
  finding_kind kind;
  clang::SourceLocation loc;
  std::string message;
  std::vector<path_step> path;  // how the state is reached, in order
  // A fix-it, when one is safe: insert fix_text at fix_at, or, when
  // fix_range is valid, put it in place of that (token) range.
  clang::SourceLocation fix_at;
  clang::SourceRange fix_range;
  std::string fix_text;
};

struct explore_limits {
  size_t max_states = 20000;
  size_t max_goroutines = 16;
  std::chrono::milliseconds max_time{2000};
};

struct explore_result {
  bool complete = true;
  std::string why_incomplete;
  size_t states = 0;
  std::vector<finding> findings;  // one per (kind, location)
};

explore_result explore(const program& prog, const explore_limits& limits = {});

}  // namespace gocxx::concurrency
