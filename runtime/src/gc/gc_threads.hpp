// The threads that use the GC heap, as the collector sees them: a registry of
// them, a signal-based stop-the-world, and conservative scanning of their
// stacks (AddressSanitizer's fake stacks included).
//
// Protocol (see gc_threads.cpp for the invariants):
//
//   gc_register_thread();          // once per thread, before it holds heap pointers
//   ...
//   stop_the_world();              // every registered thread but the caller is parked
//   scan_thread_stacks(visit, ctx) // in its stop signal handler; their stacks,
//   start_the_world();             // and the caller's, are scanned; then all resume
//
// Between stop_the_world and start_the_world the caller must not call malloc,
// take a lock a registered thread may hold, or create, join or register threads:
// a stopped thread may be stopped anywhere, holding anything.
#pragma once
#include <cstdint>

namespace go::detail {

// [lo, hi) of a thread stack; hi is the stack top (stacks grow down).
struct stack_range {
  std::uintptr_t lo = 0, hi = 0;
};

// The bounds of the calling thread's stack, from pthread_getattr_np on the
// first call in each thread (main thread included: there lo is where the stack
// may grow to, not what is mapped now), then from a thread-local cache.
stack_range current_stack_bounds() noexcept;

// Whether p lies on the calling thread's stack: lo <= p < hi. One TLS load
// and two compares after the first call in a thread.
//
// Under AddressSanitizer with detect_stack_use_after_return, locals live in
// "fake frames" allocated off the stack; p in a live fake frame of the calling
// thread also counts as on the stack, because scan_thread_stacks scans those
// frames (a live fake frame is always referenced from the real stack or the
// registers of the function that owns it). That check costs two calls into the
// ASan runtime, made only when p is not on the real stack.
bool on_current_stack(const void* p) noexcept;

// Registers the calling thread with the collector. Idempotent: after the first
// call in a thread it is one TLS load. The thread is unregistered when it
// exits (by a thread_local destructor). Registration unblocks the stop signal
// in the calling thread; a registered thread must not block it again.
void gc_register_thread() noexcept;

// Brackets a wait in the kernel (a condition variable, a futex) during
// which the calling thread touches no heap pointer: a stop counts it as
// stopped without signalling it, and gc_leave_blocking waits if the world
// is stopped. Cheap; a no-op for unregistered threads.
void gc_enter_blocking() noexcept;
void gc_leave_blocking() noexcept;

// Stops every registered thread except the caller and returns when all have
// stopped: each is parked in the stop signal handler, its registers saved on
// its own stack. The registry is locked until start_the_world, so threads that
// register or exit meanwhile wait (and, being registered or not yet, are either
// stopped or not scanned). Concurrent callers are serialized. Not reentrant.
void stop_the_world() noexcept;

// Resumes the threads stopped by stop_the_world. Same thread as stop_the_world.
void start_the_world() noexcept;

// Called with every pointer-sized, pointer-aligned word of the scanned memory.
using word_visitor = void (*)(std::uintptr_t word, void* ctx);

// Calls visit(word, ctx) for every word of
//   * the stack of every stopped thread, from its stack pointer in the stop
//     handler (the interrupted registers are in the signal frame there, and
//     are also visited from a copy) up to its stack top;
//   * the calling thread's stack, from its current stack pointer (after its
//     callee-saved registers have been spilled) up to its stack top;
//   * under AddressSanitizer, every live fake frame one of those words points
//     into (and fake frames a word of such a frame points into, two levels).
// Only between stop_the_world and start_the_world, in the thread that stopped
// the world. A word may be visited more than once.
void scan_thread_stacks(word_visitor visit, void* ctx) noexcept;

// Calls visit(word, ctx) for every aligned word in [lo, hi) (lo is rounded up,
// hi down, to word alignment). Not instrumented by any sanitizer: the range
// may hold redzones and be written concurrently.
void scan_range_conservatively(std::uintptr_t lo, std::uintptr_t hi, word_visitor visit,
                               void* ctx) noexcept;

// Number of registered threads.
int registered_thread_count() noexcept;

}  // namespace go::detail
