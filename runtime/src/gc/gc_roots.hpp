// Handles that live outside the GC heap and the stacks (in memory from
// malloc or new, in globals, in thread_locals) register the address of
// their pointer word here; the collector reads every registered word as a
// root. A sharded open-addressing set: registration is one short critical
// region on one of 64 locks chosen by address.
#pragma once
#include <cstdint>

#include "gc_threads.hpp"  // word_visitor

namespace go::detail {

// Calls visit with the current value of every registered slot.
void scan_registered_roots(word_visitor visit, void* ctx) noexcept;

std::uint64_t registered_root_count() noexcept;

}  // namespace go::detail
