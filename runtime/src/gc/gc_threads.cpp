// The registry of threads that use the GC heap, the signal-based
// stop-the-world, and conservative scanning of thread stacks.
//
// Stopping (Boehm GC's pthread_stop_world.c, with a futex instead of a
// restart signal):
//
//   stopper                                   each other registered thread
//   -------                                   ----------------------------
//   lock the registry
//   world_gen++            (odd: stopped)
//   stop_pending = n
//   rec->stop_request = gen; sigqueue(rec) -> stop_signal_handler:
//                                                spill registers, save sp, fake stack
//                                                rec->acked_gen = gen
//                                                stop_pending--  (last one: futex wake)
//   wait until stop_pending == 0                 futex-wait while world_gen == gen
//   ... scan_thread_stacks ...
//   world_gen++            (even: running)
//   futex wake world_gen                         return from the handler
//   unlock the registry
//
// Invariants:
//   * The registry lock is held from stop_the_world to start_the_world, so the
//     set of registered threads cannot change while they are stopped and their
//     records cannot be freed while they are scanned. A registered thread
//     that waits for that lock (to unregister, or to stop the world itself)
//     is registered, so it is signalled and stops inside the wait; the lock's
//     slow path is a syscall the signal interrupts (a futex), or under TSan,
//     which only delivers signals inside "blocking" interceptors and atomic
//     operations, a nanosleep poll.
//   * Signals are sent only under the registry lock and each is acknowledged
//     before the lock is released, so no stop signal is ever in flight to a
//     thread that can unregister, and a thread's record outlives every signal
//     naming it. The record travels in the signal's si_value: the handler
//     touches no thread_local (a TLS access may allocate).
//   * world_gen is odd exactly while the world is stopped. A handler waits
//     for world_gen to move past the generation it acknowledged, so a thread
//     that is slow to leave the handler when the world restarts simply
//     leaves it when it sees the next stop's generation, and then takes that
//     stop's signal (blocked while in the handler, so pending) normally.
//   * While the world is stopped the stopper allocates nothing: records are
//     allocated at registration, and the stopper's own stack bounds are
//     computed before it stops anyone (pthread_getattr_np mallocs).
//
// The signal is SIGPWR, as Boehm GC uses on Linux for the same purpose: the
// kernel never generates it (SIGXCPU is sent by the kernel when RLIMIT_CPU's
// soft limit is passed), its default action kills the process so programs
// that care about it are rare, and it is not one of the realtime signals that
// glibc (SIGRTMIN-2..SIGRTMIN-1), POSIX timers and AIO libraries claim. Only
// signals queued by this process with a record attached are taken as stop
// requests; any other SIGPWR goes to the handler installed before ours, if any.
#include "gc_threads.hpp"

#include "gc_critical.hpp"
#include "gocxx/detail/cpu_relax.hpp"
#include "gocxx/detail/heap.hpp"
#include "throw.hpp"

#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <new>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GOCXX_GC_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define GOCXX_GC_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(GOCXX_GC_ASAN)
#define GOCXX_GC_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__) && !defined(GOCXX_GC_TSAN)
#define GOCXX_GC_TSAN 1
#endif

#ifdef GOCXX_GC_ASAN
#include <sanitizer/asan_interface.h>
#endif

// Stacks hold redzones (ASan), are written by their threads while we read
// them (TSan), and are read at arbitrary word offsets: nothing that touches
// them is instrumented.
#define GOCXX_NO_SANITIZE __attribute__((no_sanitize("address", "thread", "undefined")))

namespace go::detail {

thread_local constinit registered_stack gc_registered_stack;

namespace {

constexpr int kStopSignal = SIGPWR;

constexpr std::uint32_t kRunning = 0, kBlocked = 1, kClaimed = 2;

// The registers of an interrupted thread, copied from its signal frame. They
// are on its stack too (the kernel pushes the frame there), unless the thread
// was interrupted on an alternate signal stack.
#if defined(__x86_64__)
constexpr int kSavedRegs = NGREG;
#elif defined(__aarch64__)
constexpr int kSavedRegs = 31;
#else
constexpr int kSavedRegs = 0;
#endif

// --- futex ---

long futex(std::atomic<std::uint32_t>* word, int op, std::uint32_t val,
           const struct timespec* timeout = nullptr) noexcept {
  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
  return syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), op, val, timeout, nullptr, 0);
}
void futex_wait(std::atomic<std::uint32_t>* word, std::uint32_t expected,
                const struct timespec* timeout = nullptr) noexcept {
  futex(word, FUTEX_WAIT_PRIVATE, expected, timeout);
}
void futex_wake(std::atomic<std::uint32_t>* word, int n) noexcept {
  futex(word, FUTEX_WAKE_PRIVATE, static_cast<std::uint32_t>(n));
}

pid_t current_tid() noexcept { return static_cast<pid_t>(syscall(SYS_gettid)); }

// --- The registry lock ---
//
// A futex lock (0 free, 1 held, 2 held with waiters) rather than std::mutex
// because of how waiters must behave while the holder has stopped the world:
// a waiting registered thread must still take the stop signal. With a raw
// futex wait the kernel runs the handler inside the wait and restarts it.
// TSan delivers signals only inside its blocking interceptors and atomic
// operations, never inside a raw syscall, so under TSan waiters poll with
// nanosleep (a blocking interceptor) instead.
class registry_lock {
 public:
  void lock() noexcept {
    std::uint32_t s = 0;
    if (state_.compare_exchange_strong(s, 1, std::memory_order_acquire)) return;
    for (int i = 0; i < 100; ++i) {
      cpu_relax();
      s = 0;
      if (state_.load(std::memory_order_relaxed) == 0 &&
          state_.compare_exchange_strong(s, 1, std::memory_order_acquire))
        return;
    }
    while (state_.exchange(2, std::memory_order_acquire) != 0) {
#ifdef GOCXX_GC_TSAN
      struct timespec ts{0, 20'000};
      nanosleep(&ts, nullptr);
#else
      futex_wait(&state_, 2);
#endif
    }
  }
  void unlock() noexcept {
    if (state_.exchange(0, std::memory_order_release) == 2) futex_wake(&state_, 1);
  }
  // After fork, in the child: only the forking thread exists.
  void reset_after_fork() noexcept { state_.store(0, std::memory_order_relaxed); }

 private:
  std::atomic<std::uint32_t> state_{0};
};

// --- Thread records ---

// One registered thread. Allocated at registration, freed when the thread
// unregisters; linked into the registry under reg_lock.
struct thread_record {
  thread_record* prev = nullptr;
  thread_record* next = nullptr;
  pthread_t thread{};
  pid_t tid = 0;
  stack_range stack;

  // The generation of the stop the stopper asks this thread to acknowledge;
  // 0 when there is none. The handler takes it with an exchange, so a
  // duplicate or foreign signal acknowledges nothing.
  std::atomic<std::uint32_t> stop_request{0};
  // The last generation this thread acknowledged (diagnostics).
  std::atomic<std::uint32_t> acked_gen{0};
  // kRunning, or kBlocked between gc_enter_blocking and gc_leave_blocking
  // (its stack and registers are recorded below), or kClaimed while a stop
  // counts the blocked thread as stopped without signalling it.
  std::atomic<std::uint32_t> blocking{0};

  // Written by the stop handler before it acknowledges, read by the stopper
  // after it has seen every acknowledgement (stop_pending reached 0).
  std::uintptr_t stopped_sp = 0;      // lowest address of live data on the stack
  std::uintptr_t interrupted_sp = 0;  // the stack pointer the signal interrupted
  void* fake_stack = nullptr;     // ASan's fake stack of this thread, or null
  std::uintptr_t saved_regs[kSavedRegs > 0 ? kSavedRegs : 1] = {};
};

registry_lock reg_lock;
// Registered threads, newest first. Guarded by reg_lock.
thread_record* reg_head = nullptr;
// Guarded by reg_lock.
bool stop_handler_installed = false;
struct sigaction previous_stop_action;
// Mirrors the length of the list for lock-free readers.
std::atomic<int> reg_count{0};

// Odd while the world is stopped. Stopped threads futex-wait on it.
std::atomic<std::uint32_t> world_gen{0};
// Threads signalled by the current stop that have not acknowledged yet. The
// stopper futex-waits on it; the last acknowledgement wakes it.
std::atomic<std::uint32_t> stop_pending{0};
// The kernel thread id of the thread that stopped the world, 0 when running.
std::atomic<pid_t> stopper_tid{0};

// The calling thread's stack bounds, or {0, 0} before the first query. Plain
// trivially constructible thread_locals: accessing them is a TLS offset, with
// no init-on-first-use wrapper.
struct bounds_cache {
  std::uintptr_t lo, hi;
};
thread_local bounds_cache tl_stack_bounds;
// The calling thread's record, null until it registers.
thread_local thread_record* tl_record;

void unregister_current_thread() noexcept;

// Unregisters its thread at thread exit. A function-local thread_local
// (arm_unregistration_at_exit), not one at namespace scope: a namespace-scope
// thread_local with a destructor would make every access to the trivial
// thread_locals of this file go through the TU's TLS init check.
struct registration_guard {
  bool armed = false;
  ~registration_guard() {
    if (armed) unregister_current_thread();
  }
};
[[gnu::noinline]] void arm_unregistration_at_exit() noexcept {
  thread_local registration_guard guard;  // constructed, and its destructor registered, here
  guard.armed = true;
}

[[gnu::noinline]] void compute_stack_bounds() noexcept {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) throw_fatal("gc: pthread_getattr_np failed");
  void* addr = nullptr;
  std::size_t size = 0;
  int rc = pthread_attr_getstack(&attr, &addr, &size);
  pthread_attr_destroy(&attr);
  if (rc != 0 || size == 0) throw_fatal("gc: pthread_attr_getstack failed");
  tl_stack_bounds.lo = reinterpret_cast<std::uintptr_t>(addr);
  tl_stack_bounds.hi = reinterpret_cast<std::uintptr_t>(addr) + size;
}

inline void ensure_stack_bounds() noexcept {
  if (__builtin_expect(tl_stack_bounds.hi == 0, 0)) compute_stack_bounds();
}

// An address just below every byte of the caller's frame (including the
// registers it spilled): the frame address of a function it calls.
[[gnu::noinline]] GOCXX_NO_SANITIZE std::uintptr_t stack_pointer_below_caller() noexcept {
  return reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
}

// --- Scanning ---

GOCXX_NO_SANITIZE void scan_words(std::uintptr_t lo, std::uintptr_t hi, word_visitor visit,
                                  void* ctx) noexcept {
  constexpr std::uintptr_t kWord = sizeof(std::uintptr_t);
  lo = (lo + kWord - 1) & ~(kWord - 1);
  hi &= ~(kWord - 1);
  for (std::uintptr_t a = lo; a < hi; a += kWord) visit(*reinterpret_cast<const std::uintptr_t*>(a), ctx);
}

#ifdef GOCXX_GC_ASAN
// Fake frames are found from words that point into them: the function that
// owns a live fake frame keeps its address in a register or a stack slot
// until it returns. A fake frame may in turn hold the address of another
// (a pointer to a caller's local); those are followed to kFakeFrameDepth.
constexpr int kFakeFrameDepth = 2;

struct fake_scan {
  void* fake_stack;
  word_visitor visit;
  void* ctx;
  // The last frame scanned at each depth: consecutive words often point
  // into the same frame.
  std::uintptr_t last_frame[kFakeFrameDepth + 1];
};

GOCXX_NO_SANITIZE void scan_words_and_fake_frames(std::uintptr_t lo, std::uintptr_t hi, fake_scan& fs,
                                                  int depth) noexcept {
  constexpr std::uintptr_t kWord = sizeof(std::uintptr_t);
  lo = (lo + kWord - 1) & ~(kWord - 1);
  hi &= ~(kWord - 1);
  for (std::uintptr_t a = lo; a < hi; a += kWord) {
    std::uintptr_t w = *reinterpret_cast<const std::uintptr_t*>(a);
    fs.visit(w, fs.ctx);
    if (depth >= kFakeFrameDepth) continue;
    void* beg = nullptr;
    void* end = nullptr;
    if (!__asan_addr_is_in_fake_stack(fs.fake_stack, reinterpret_cast<void*>(w), &beg, &end)) continue;
    auto b = reinterpret_cast<std::uintptr_t>(beg);
    if (b == fs.last_frame[depth + 1]) continue;
    fs.last_frame[depth + 1] = b;
    scan_words_and_fake_frames(b, reinterpret_cast<std::uintptr_t>(end), fs, depth + 1);
  }
}
#endif

// Scans [sp, hi) of a stack and, under ASan, the fake frames it references.
GOCXX_NO_SANITIZE void scan_stack(std::uintptr_t sp, std::uintptr_t hi, [[maybe_unused]] void* fake_stack,
                                  word_visitor visit, void* ctx) noexcept {
#ifdef GOCXX_GC_ASAN
  if (fake_stack) {
    fake_scan fs{fake_stack, visit, ctx, {}};
    scan_words_and_fake_frames(sp, hi, fs, 0);
    return;
  }
#endif
  scan_words(sp, hi, visit, ctx);
}

// Scans the calling thread's stack from below this frame, after spilling the
// callee-saved registers into it (the caller-saved ones hold nothing live
// across the call).
[[gnu::noinline]] GOCXX_NO_SANITIZE void scan_own_stack(word_visitor visit, void* ctx) noexcept {
  __builtin_unwind_init();
  std::uintptr_t sp = stack_pointer_below_caller();
  void* fake_stack = nullptr;
#ifdef GOCXX_GC_ASAN
  fake_stack = __asan_get_current_fake_stack();
#endif
  scan_stack(sp, tl_stack_bounds.hi, fake_stack, visit, ctx);
  // Keeps the spill area (and this frame) alive until the scan is done.
  __asm__ __volatile__("" ::: "memory");
}

// --- The stop signal handler ---

// A stop that arrived inside a critical section, to acknowledge on leaving it.
thread_local volatile std::uint32_t tl_deferred_stop_gen;

void park_stopped(thread_record* rec, std::uint32_t gen, void* uctx) noexcept;

// Runs in a registered thread that the stopper signalled. Touches only the
// record named by the signal and the global atomics, and calls only
// async-signal-safe functions (futex, getpid, and ASan's fake-stack query,
// which is written to be callable from signal handlers).
GOCXX_NO_SANITIZE void stop_signal_handler(int sig, siginfo_t* info, void* uctx) {
  if (info == nullptr || info->si_code != SI_QUEUE || info->si_pid != getpid() ||
      info->si_value.sival_ptr == nullptr) {
    // Not ours: hand it to whoever had the signal before us.
    const struct sigaction& prev = previous_stop_action;
    if (prev.sa_flags & SA_SIGINFO) {
      if (prev.sa_sigaction) prev.sa_sigaction(sig, info, uctx);
    } else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
      prev.sa_handler(sig);
    }
    return;
  }
  auto* rec = static_cast<thread_record*>(info->si_value.sival_ptr);
  std::uint32_t gen = rec->stop_request.exchange(0, std::memory_order_acquire);
  if (gen == 0) return;  // a duplicate: that stop was acknowledged already
  // Inside one of the collector's critical sections the thread's caches
  // may be half updated: record the request and let the thread stop itself
  // when it leaves the section (gc_deferred_stop, gc/gc_critical.hpp).
  if (tl_gc_flags.critical) {
    tl_deferred_stop_gen = gen;
    tl_gc_flags.stop_pending = 1;
    return;
  }
  const int saved_errno = errno;
  park_stopped(rec, gen, uctx);
  errno = saved_errno;
}

// Acknowledges stop `gen` and waits until the world restarts. uctx is the
// interrupted context when called from the signal handler, else null.
[[gnu::noinline]] GOCXX_NO_SANITIZE void park_stopped(thread_record* rec, std::uint32_t gen, void* uctx) noexcept {
  // Spill the callee-saved registers into this frame; the interrupted
  // context's registers are in the signal frame above it.
  __builtin_unwind_init();
#if defined(__x86_64__)
  if (uctx) {
    auto* uc = static_cast<ucontext_t*>(uctx);
    for (int i = 0; i < kSavedRegs; ++i) rec->saved_regs[i] = static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[i]);
    rec->interrupted_sp = static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]);
  } else {
    rec->interrupted_sp = 0;
  }
#elif defined(__aarch64__)
  if (uctx) {
    auto* uc = static_cast<ucontext_t*>(uctx);
    for (int i = 0; i < kSavedRegs; ++i) rec->saved_regs[i] = static_cast<std::uintptr_t>(uc->uc_mcontext.regs[i]);
    rec->interrupted_sp = static_cast<std::uintptr_t>(uc->uc_mcontext.sp);
  } else {
    rec->interrupted_sp = 0;
  }
#endif
#ifdef GOCXX_GC_ASAN
  rec->fake_stack = __asan_get_current_fake_stack();
#endif
  rec->stopped_sp = stack_pointer_below_caller();
  rec->acked_gen.store(gen, std::memory_order_release);
  if (stop_pending.fetch_sub(1, std::memory_order_acq_rel) == 1) futex_wake(&stop_pending, 1);

  // Parked until start_the_world moves the generation on.
  while (world_gen.load(std::memory_order_acquire) == gen) futex_wait(&world_gen, gen);
  __asm__ __volatile__("" ::: "memory");
}

void atfork_prepare() noexcept { reg_lock.lock(); }
void atfork_parent() noexcept { reg_lock.unlock(); }
// Only the forking thread survives a fork: drop every other record.
void atfork_child() noexcept {
  thread_record* self = tl_record;
  for (thread_record* r = reg_head; r != nullptr;) {
    thread_record* next = r->next;
    if (r != self) delete r;
    r = next;
  }
  reg_head = self;
  if (self) {
    self->prev = self->next = nullptr;
    self->tid = current_tid();
    self->thread = pthread_self();
  }
  reg_count.store(self ? 1 : 0, std::memory_order_relaxed);
  reg_lock.reset_after_fork();
}

// Installs the stop handler. Called under reg_lock, before the first thread
// is linked into the registry (so before any stop signal can be sent).
void install_stop_handler_locked() noexcept {
  if (stop_handler_installed) return;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = stop_signal_handler;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  // While parked, a thread runs no other handler: one could change the
  // thread's pointers while it is being scanned. Synchronous signals stay
  // unblocked (blocking them would not prevent them, only make them fatal).
  sigfillset(&sa.sa_mask);
  for (int s : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS}) sigdelset(&sa.sa_mask, s);
  if (sigaction(kStopSignal, &sa, &previous_stop_action) != 0) throw_fatal("gc: sigaction(SIGPWR) failed");
  pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
  stop_handler_installed = true;
}

[[gnu::noinline]] void register_current_thread() noexcept {
  ensure_stack_bounds();
  auto* rec = new (std::nothrow) thread_record;
  if (rec == nullptr) throw_fatal("gc: out of memory registering a thread");
  rec->thread = pthread_self();
  rec->tid = current_tid();
  rec->stack = stack_range{tl_stack_bounds.lo, tl_stack_bounds.hi};

  // A registered thread must be able to take the stop signal.
  sigset_t stop_set;
  sigemptyset(&stop_set);
  sigaddset(&stop_set, kStopSignal);
  pthread_sigmask(SIG_UNBLOCK, &stop_set, nullptr);

  arm_unregistration_at_exit();
  reg_lock.lock();
  install_stop_handler_locked();
  rec->next = reg_head;
  if (reg_head) reg_head->prev = rec;
  reg_head = rec;
  reg_count.fetch_add(1, std::memory_order_relaxed);
  tl_record = rec;
  gc_registered_stack = registered_stack{tl_stack_bounds.lo, tl_stack_bounds.hi};
  reg_lock.unlock();
}

void unregister_current_thread() noexcept {
  thread_record* rec = tl_record;
  if (rec == nullptr) return;
  // May wait for a stopped world to restart; being still registered, this
  // thread is then stopped inside the wait like any other.
  reg_lock.lock();
  if (rec->prev) rec->prev->next = rec->next;
  else reg_head = rec->next;
  if (rec->next) rec->next->prev = rec->prev;
  reg_count.fetch_sub(1, std::memory_order_relaxed);
  tl_record = nullptr;
  gc_registered_stack = registered_stack{};
  reg_lock.unlock();
  delete rec;
}

void print_unstopped_threads(std::uint32_t gen) noexcept {
  write_err("gocxx: stop_the_world: waiting for threads that did not stop (stop signal blocked?"
#ifdef GOCXX_GC_TSAN
            " under TSan: looping without calls or atomics?"
#endif
            "), tids:");
  for (thread_record* r = reg_head; r != nullptr; r = r->next)
    if (r != tl_record && r->acked_gen.load(std::memory_order_acquire) != gen) print_err(" %d", static_cast<int>(r->tid));
  write_err("\n");
}

}  // namespace

stack_range current_stack_bounds() noexcept {
  ensure_stack_bounds();
  return stack_range{tl_stack_bounds.lo, tl_stack_bounds.hi};
}

bool on_current_stack(const void* p) noexcept {
  ensure_stack_bounds();
  auto a = reinterpret_cast<std::uintptr_t>(p);
  if (a - tl_stack_bounds.lo < tl_stack_bounds.hi - tl_stack_bounds.lo) return true;
#ifdef GOCXX_GC_ASAN
  if (void* fs = __asan_get_current_fake_stack()) {
    void* beg;
    void* end;
    return __asan_addr_is_in_fake_stack(fs, const_cast<void*>(p), &beg, &end) != nullptr;
  }
#endif
  return false;
}

void gc_register_thread() noexcept {
  if (__builtin_expect(tl_record != nullptr, 1)) return;
  register_current_thread();
}

int registered_thread_count() noexcept { return reg_count.load(std::memory_order_relaxed); }

// Spills the callee-saved registers into rec->saved_regs: while the thread
// is blocked they hold its callers' values only in the kernel's saved state.
[[gnu::noinline]] GOCXX_NO_SANITIZE static void record_blocking_state(thread_record* rec) noexcept {
#if defined(__x86_64__)
  std::uintptr_t regs[6];
  __asm__ __volatile__(
      "movq %%rbx, 0(%0)\n\tmovq %%rbp, 8(%0)\n\tmovq %%r12, 16(%0)\n\t"
      "movq %%r13, 24(%0)\n\tmovq %%r14, 32(%0)\n\tmovq %%r15, 40(%0)"
      :
      : "r"(regs)
      : "memory");
  for (int i = 0; i < kSavedRegs; ++i) rec->saved_regs[i] = i < 6 ? regs[i] : 0;
#endif
#ifdef GOCXX_GC_ASAN
  rec->fake_stack = __asan_get_current_fake_stack();
#endif
  rec->interrupted_sp = 0;
  rec->stopped_sp = stack_pointer_below_caller();
}

void gc_enter_blocking() noexcept {
#if defined(__x86_64__)
  thread_record* rec = tl_record;
  if (rec == nullptr) return;
  record_blocking_state(rec);
  rec->blocking.store(kBlocked, std::memory_order_release);
#endif
}

void gc_leave_blocking() noexcept {
  thread_record* rec = tl_record;
  if (rec == nullptr) return;
  for (;;) {
    std::uint32_t expect = kBlocked;
    if (rec->blocking.compare_exchange_strong(expect, kRunning, std::memory_order_acq_rel)) return;
    if (expect == kRunning) return;  // never entered (not x86-64)
    // Claimed by a stop: wait for the world to restart.
    const std::uint32_t gen = world_gen.load(std::memory_order_acquire);
    if (rec->blocking.load(std::memory_order_acquire) == kClaimed && (gen & 1)) futex_wait(&world_gen, gen);
  }
}

void gc_deferred_stop() noexcept {
  tl_gc_flags.stop_pending = 0;
  const std::uint32_t gen = tl_deferred_stop_gen;
  tl_deferred_stop_gen = 0;
  // The world may have restarted already only if this thread acknowledged,
  // which it has not: the stopper is still waiting for it.
  if (gen != 0 && tl_record != nullptr) park_stopped(tl_record, gen, nullptr);
}

void stop_the_world() noexcept {
  // Everything that may allocate happens before anyone is stopped.
  ensure_stack_bounds();
  reg_lock.lock();
  const std::uint32_t gen = world_gen.fetch_add(1, std::memory_order_relaxed) + 1;  // odd
  stopper_tid.store(current_tid(), std::memory_order_relaxed);
  thread_record* self = tl_record;

  std::uint32_t n = 0;
  for (thread_record* r = reg_head; r != nullptr; r = r->next)
    if (r != self) ++n;
  stop_pending.store(n, std::memory_order_relaxed);
  if (n == 0) return;

  for (thread_record* r = reg_head; r != nullptr; r = r->next) {
    if (r == self) continue;
    // A thread blocked in the kernel (an idle worker, a waiter) recorded
    // its stack and registers when it blocked and cannot change them
    // before it leaves, which waits for the world to restart: it counts as
    // stopped without a signal, so a stop does not wait for sleeping
    // threads to be scheduled.
    std::uint32_t expect = kBlocked;
    if (r->blocking.compare_exchange_strong(expect, kClaimed, std::memory_order_acq_rel)) {
      stop_pending.fetch_sub(1, std::memory_order_acq_rel);
      continue;
    }
    r->stop_request.store(gen, std::memory_order_release);
    union sigval value;
    value.sival_ptr = r;
    for (;;) {
      int rc = pthread_sigqueue(r->thread, kStopSignal, value);
      if (rc == 0) break;
      // EAGAIN: the queued-signal limit (RLIMIT_SIGPENDING) is reached; the
      // threads already signalled will drain some.
      if (rc != EAGAIN) throw_fatal("gc: stop_the_world: pthread_sigqueue failed (error %d)", rc);
      sched_yield();
    }
  }

  // Wait for the acknowledgements: spin for a few microseconds (a thread
  // that is running when signalled stops within a few), then yield the CPU
  // for up to ~200us (targets that were preempted need a CPU to run their
  // handler; sched_yield hands ours over if one is waiting and returns at
  // once otherwise, so sleeping targets that wake up on other CPUs are seen
  // without a futex wake-up's latency), then sleep until the last
  // acknowledgement wakes us.
  for (int i = 0; i < 100; ++i) {
    if (stop_pending.load(std::memory_order_acquire) == 0) return;
    cpu_relax();
  }
  {
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0;; ++i) {
      if (stop_pending.load(std::memory_order_acquire) == 0) return;
      sched_yield();
      if (i % 16 == 15) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((t.tv_sec - t0.tv_sec) * 1'000'000'000 + (t.tv_nsec - t0.tv_nsec) > 200'000) break;
      }
    }
  }
  struct timespec started;
  clock_gettime(CLOCK_MONOTONIC, &started);
  bool warned = false;
  for (;;) {
    std::uint32_t left = stop_pending.load(std::memory_order_acquire);
    if (left == 0) return;
    struct timespec timeout{1, 0};
    futex_wait(&stop_pending, left, &timeout);
    if (!warned) {
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      if (now.tv_sec - started.tv_sec >= 5 && stop_pending.load(std::memory_order_acquire) != 0) {
        print_unstopped_threads(gen);
        warned = true;
      }
    }
  }
}

void start_the_world() noexcept {
  if ((world_gen.load(std::memory_order_relaxed) & 1) == 0) throw_fatal("gc: start_the_world without stop_the_world");
  stopper_tid.store(0, std::memory_order_relaxed);
  for (thread_record* r = reg_head; r != nullptr; r = r->next)
    if (r->blocking.load(std::memory_order_relaxed) == kClaimed) r->blocking.store(kBlocked, std::memory_order_release);
  const bool anyone_stopped = reg_count.load(std::memory_order_relaxed) > (tl_record ? 1 : 0);
  world_gen.fetch_add(1, std::memory_order_release);  // even
  if (anyone_stopped) futex_wake(&world_gen, INT_MAX);
  reg_lock.unlock();
}

GOCXX_NO_SANITIZE void scan_thread_stacks(word_visitor visit, void* ctx) noexcept {
  if ((world_gen.load(std::memory_order_relaxed) & 1) == 0 ||
      stopper_tid.load(std::memory_order_relaxed) != current_tid())
    throw_fatal("gc: scan_thread_stacks outside stop_the_world/start_the_world");
  thread_record* self = tl_record;
  for (thread_record* r = reg_head; r != nullptr; r = r->next) {
    if (r == self) continue;
    scan_words(reinterpret_cast<std::uintptr_t>(&r->saved_regs[0]),
               reinterpret_cast<std::uintptr_t>(&r->saved_regs[kSavedRegs > 0 ? kSavedRegs : 0]), visit, ctx);
    std::uintptr_t sp = r->stopped_sp;
    if (sp < r->stack.lo || sp >= r->stack.hi) sp = r->interrupted_sp;
    if (sp < r->stack.lo || sp >= r->stack.hi) {
      // The thread was stopped while running on an alternate signal stack
      // (inside an SA_ONSTACK handler): where its own stack's live part
      // begins is in a signal frame we cannot find. Such a thread is almost
      // always about to die of a fault.
      write_err("gocxx: scan_thread_stacks: a thread stopped on an alternate signal stack; its stack is not scanned\n");
      continue;
    }
    scan_stack(sp, r->stack.hi, r->fake_stack, visit, ctx);
  }
  scan_own_stack(visit, ctx);
}

void scan_range_conservatively(std::uintptr_t lo, std::uintptr_t hi, word_visitor visit, void* ctx) noexcept {
  scan_words(lo, hi, visit, ctx);
}

}  // namespace go::detail
