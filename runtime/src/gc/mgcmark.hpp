// The marking steps the cycle driver (mgc.cpp) sequences.
#pragma once
#include <atomic>
#include <cstdint>

#include "mgcwork.hpp"

namespace go::detail {

struct g;

// World stopped: thread stacks and registers.
void mark_roots_stopped(gc_work& gcw) noexcept;
// Concurrent: handles registered as roots.
void mark_registered_roots(gc_work& gcw) noexcept;
// Concurrent: the frames of every goroutine not scanned yet this cycle and
// not running; false if some were running (they are retried, and scanned
// with the world stopped at the end if they never rest).
bool mark_goroutines_concurrently(gc_work& gcw) noexcept;
// World stopped: every goroutine not scanned yet this cycle.
void mark_goroutines_stopped(gc_work& gcw) noexcept;
// Scans grey objects until `budget` bytes were scanned (true) or no work is
// left (false).
bool mark_drain(gc_work& gcw, std::int64_t budget) noexcept;

extern std::atomic<double> assist_ratio;

}  // namespace go::detail
