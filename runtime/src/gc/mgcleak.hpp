// Finding leaked goroutines during a collection (mgcleak.cpp): which parked
// goroutines may stay out of the roots, and the record of those that stay
// out to the end.
#pragma once
#include <vector>

#include "gocxx/leak_profile.hpp"

namespace go::detail {

struct g;

// Whether gp, seen waiting (claimed by the collector, or the world
// stopped), can be woken only through wait targets nobody has reached in
// this cycle yet: then it need not be a root for now.
bool leak_candidate(const g* gp) noexcept;

// The leaked goroutines of the running cycle. Recording happens with the
// world stopped (no allocation); the list is read after the world restarts.
void leak_records_clear() noexcept;
void record_leak_stopped(const g* gp) noexcept;
std::vector<leaked_goroutine> leak_records();

// GOCXXDEBUG=goroutineleak=1: prints the recorded leaks not printed before
// in the current go::run, after the world restarts.
void print_new_leaks();
// go::run ends: goroutine ids start again at 1 in the next one.
void forget_printed_leaks() noexcept;

}  // namespace go::detail
