// Containing a unit's failure to that unit: each unit is analysed on a
// thread of its own with a large stack (clang recurses as deeply as the code
// nests: an 80,000-term `1+1+...` or a long else-if chain), under LLVM's
// crash recovery, whose signal handlers run on an alternate signal stack so
// that a stack overflow is caught like any other crash. LLVM's fatal errors
// (report_fatal_error, out of memory) raised while a unit is analysed end
// that unit too; raised elsewhere they are one `gocxx: error:` line, exit 2.
#pragma once
#include <llvm/ADT/STLFunctionalExtras.h>

#include <cstddef>
#include <functional>
#include <string>

namespace gocxx {

// The stack of an analysis thread: 8 times clang's own DesiredStackSize
// (only what is touched is ever allocated).
constexpr size_t analysis_stack_size = size_t(64) << 20;

// Once, before the first analysis thread: crash recovery, its handlers on
// the alternate signal stack, LLVM's fatal-error handlers. Call it after
// llvm::sys::PrintStackTraceOnErrorSignal (a crash outside any unit still
// prints LLVM's stack trace).
void install_crash_handlers();

// Starts `body` on a new detached thread with analysis_stack_size bytes of
// stack and an alternate signal stack. False with the reason in `error` when
// the thread cannot be created.
bool start_analysis_thread(std::function<void()> body, std::string& error);

// How a protected call ended.
struct protected_outcome {
  enum kind_t { ok, crashed, out_of_stack, fatal_error } kind = ok;
  std::string fatal_message;  // fatal_error: LLVM's reason
};

// Runs `fn` under crash recovery on the calling thread (a stack overflow is
// recognised on the threads start_analysis_thread starts). After a failure
// nothing `fn` was building may be trusted: its destructors did not run.
protected_outcome run_protected(llvm::function_ref<void()> fn);

}  // namespace gocxx
