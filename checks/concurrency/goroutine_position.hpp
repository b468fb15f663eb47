// A goroutine's position in its body, moved from one operation to the next.
#pragma once
#include <vector>

#include "explorer_state.hpp"

namespace gocxx::concurrency {

// Moves g to its next operation (or its end) through the blocks without
// operations; one result per branch the model cannot decide.
std::vector<goroutine> settle(const program& prog, goroutine g);

// Marks g done and forgets what only a running goroutine needs.
void finish(goroutine& g);

// The successors block b lets g take (updating g's loop counters).
std::vector<int> successors(goroutine& g, const block& b);

}  // namespace gocxx::concurrency
