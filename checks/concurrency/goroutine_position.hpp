// A goroutine's position in its body, moved from one operation to the next.
#pragma once
#include <vector>

#include "explorer_state.hpp"

namespace gocxx::concurrency {

// Moves g to its next operation (or its end) through the blocks without
// operations; one result per branch the model cannot decide. Sets
// `exhausted` (and returns what it has) when the ways through exceed
// max_settle_positions: the caller's budget is spent.
// Tests of flags read `objs`; a way that only ever loops back on decided
// flags (a wait for another goroutine to set one) is taken as if the flags
// were unknown.
constexpr size_t max_settle_positions = 20000;
std::vector<goroutine> settle(const program& prog, const std::vector<object_state>& objs, goroutine g, bool& exhausted);

// Marks g done and forgets what only a running goroutine needs.
void finish(goroutine& g);

// The successors block b lets g take (updating g's loop counters).
std::vector<int> successors(goroutine& g, const block& b, const std::vector<object_state>* objs);

}  // namespace gocxx::concurrency
