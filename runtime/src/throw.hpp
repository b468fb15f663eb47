// Fatal errors: Go's throw and fatal (runtime/panic.go).
//
// A fatal error is a state the runtime cannot go on from: one of its own
// invariants broken (a bug, or memory corrupted by the program), a resource
// gone (address space, memory under the limit), or a program Go refuses to
// continue (every goroutine asleep). Unlike a panic it is not an exception:
// nothing can recover it, no defer and no destructor runs.
//
// Every fatal error prints, in this order (Go's form):
//   1. what the program wrote to stdout so far (flushed first), unless
//      another thread keeps stdout's lock for 50 ms: that thread may be
//      stopped by the collector, and waiting for it would hang, not die;
//   2. "fatal error: MSG" on stderr;
//   3. what the caller adds between begin_fatal and end_fatal (the deadlock
//      report: every goroutine; out of memory: the heap figures);
//   4. the goroutine the calling thread runs, if any, as the reports print
//      one ("goroutine N [running]:" and where it was created);
// and then ends the process at once with exit status 2, Go's status for a
// throw: no atexit handler, no static destructor runs (the world may be
// stopped, any lock may be held).
//
// None of this allocates or waits for a lock: messages are formatted into a
// buffer on the stack and written with write(2). A throw therefore works
// with the world stopped, where a stopped thread may hold the malloc or
// stdio locks. The stop signal's handler never throws (it has no failure
// path); a handler that does would still print and exit, but the stdout
// flush of step 1 is not async-signal-safe.
#pragma once
#include <cstdarg>

namespace go::detail {

struct g;

// Steps 1 to 4 and exit 2. printf-style.
[[noreturn, gnu::cold, gnu::format(printf, 1, 2)]] void throw_fatal(const char* fmt, ...) noexcept;

// Steps 1 and 2, for a report that prints more before it ends.
[[gnu::cold, gnu::format(printf, 1, 2)]] void begin_fatal(const char* fmt, ...) noexcept;
// Step 4 for `running` (the goroutine the calling thread runs, or null),
// then exit 2.
[[noreturn, gnu::cold]] void end_fatal(const g* running) noexcept;

// Step 1 alone (a panic's report starts with "panic:", not "fatal error:").
void flush_stdout() noexcept;

// The runtime's own diagnostics on stderr (Go's print): printf-style into a
// 1 KiB buffer on the stack (longer output is cut), one write(2), no lock.
[[gnu::format(printf, 1, 2)]] void print_err(const char* fmt, ...) noexcept;
// A string of any length, written as it is.
void write_err(const char* s) noexcept;

}  // namespace go::detail
