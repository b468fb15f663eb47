// GOCXXDEBUG: the runtime's debugging switches, Go's GODEBUG for gocxx. A
// comma-separated list of key=value settings, read once, when the runtime
// first asks for one:
//
//   GOCXXDEBUG=goroutineleak=1   every collection finds leaked goroutines and
//                                prints each one the first time it is found
//   GOCXXDEBUG=longrunning=1     sysmon prints each goroutine that runs for
//                                10 ms without a scheduling point (Go's
//                                schedtrace, narrowed to what gocxx cannot
//                                preempt)
//
// Unknown keys and malformed entries are ignored, as Go ignores unknown
// GODEBUG settings, so that a program keeps running under a newer or older
// runtime's settings.
#pragma once

namespace go::detail {

struct debug_vars {
  int goroutineleak = 0;
  int longrunning = 0;
};

const debug_vars& gocxxdebug() noexcept;

}  // namespace go::detail
