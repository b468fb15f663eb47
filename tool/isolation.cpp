#include "isolation.hpp"

#include <llvm/Support/CrashRecoveryContext.h>
#include <llvm/Support/ErrorHandling.h>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

namespace gocxx {

namespace {

// The guard below an analysis thread's stack: large, so that a frame bigger
// than a page cannot step over it into other memory.
constexpr size_t guard_size = size_t(1) << 20;
constexpr size_t alternate_stack_size = size_t(64) << 10;

// The calling analysis thread's stack (its lowest usable address; 0 on other
// threads), whether its last fault was a stack overflow, and the reason of a
// fatal error. Plain thread-locals of the executable: safe in a handler.
thread_local uintptr_t t_stack_low = 0;
thread_local bool t_overflowed = false;
thread_local char t_fatal_reason[512];

// What crash recovery installed for SIGSEGV and SIGBUS; on_fault runs first.
struct sigaction g_next_segv, g_next_bus;

void on_fault(int sig, siginfo_t* info, void* context) {
  uintptr_t addr = reinterpret_cast<uintptr_t>(info->si_addr);
  if (t_stack_low && addr < t_stack_low && t_stack_low - addr <= 2 * guard_size) t_overflowed = true;
  const struct sigaction& next = sig == SIGSEGV ? g_next_segv : g_next_bus;
  // Crash recovery's handler jumps back to the unit's run_protected; outside
  // a unit it restores LLVM's handlers and raises the signal again.
  if (next.sa_flags & SA_SIGINFO) {
    next.sa_sigaction(sig, info, context);
  } else if (next.sa_handler != SIG_DFL && next.sa_handler != SIG_IGN) {
    next.sa_handler(sig);
  } else {
    signal(sig, SIG_DFL);  // the faulting instruction runs again and kills the process
  }
}

void write_stderr(const char* text) {
  size_t n = strlen(text);
  while (n > 0) {
    ssize_t w = write(STDERR_FILENO, text, n);
    if (w <= 0) return;
    text += w;
    n -= static_cast<size_t>(w);
  }
}

// In a unit: that unit fails with the reason. Elsewhere (the driver's own
// work): one line and exit status 2.
[[noreturn]] void fail(const char* reason) {
  if (llvm::CrashRecoveryContext* crc = llvm::CrashRecoveryContext::GetCurrent()) {
    strncpy(t_fatal_reason, reason, sizeof t_fatal_reason - 1);
    t_fatal_reason[sizeof t_fatal_reason - 1] = '\0';
    crc->HandleExit(1);
  }
  write_stderr("gocxx: error: ");
  write_stderr(reason);
  write_stderr("\n");
  std::_Exit(2);
}

void on_fatal_error(void*, const char* reason, bool) { fail(reason); }
void on_bad_alloc(void*, const char*, bool) { fail("out of memory"); }

void chain_on_alternate_stack(int sig, struct sigaction& next) {
  sigaction(sig, nullptr, &next);
  struct sigaction mine;
  memset(&mine, 0, sizeof mine);
  mine.sa_sigaction = on_fault;
  mine.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&mine.sa_mask);
  sigaction(sig, &mine, nullptr);
}

struct thread_start {
  std::function<void()> body;
};

void* analysis_thread_main(void* arg) {
  std::unique_ptr<thread_start> start(static_cast<thread_start*>(arg));
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void* low = nullptr;
    size_t size = 0;
    if (pthread_attr_getstack(&attr, &low, &size) == 0) t_stack_low = reinterpret_cast<uintptr_t>(low);
    pthread_attr_destroy(&attr);
  }
  // A stack overflow's SIGSEGV needs a stack to run its handler on.
  size_t alt_size = alternate_stack_size;
  long minimum = sysconf(_SC_SIGSTKSZ);
  if (minimum > 0 && static_cast<size_t>(minimum) * 4 > alt_size) alt_size = static_cast<size_t>(minimum) * 4;
  void* alt_memory = malloc(alt_size);
  stack_t alt;
  memset(&alt, 0, sizeof alt);
  alt.ss_sp = alt_memory;
  alt.ss_size = alt_size;
  bool have_alt = alt_memory && sigaltstack(&alt, nullptr) == 0;

  start->body();

  if (have_alt) {
    stack_t off;
    memset(&off, 0, sizeof off);
    off.ss_flags = SS_DISABLE;
    sigaltstack(&off, nullptr);
  }
  free(alt_memory);
  return nullptr;
}

}  // namespace

void install_crash_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::CrashRecoveryContext::Enable();
    for (int sig : {SIGABRT, SIGFPE, SIGILL, SIGTRAP}) {
      struct sigaction action;
      if (sigaction(sig, nullptr, &action) != 0) continue;
      action.sa_flags |= SA_ONSTACK;
      sigaction(sig, &action, nullptr);
    }
    chain_on_alternate_stack(SIGSEGV, g_next_segv);
    chain_on_alternate_stack(SIGBUS, g_next_bus);
    llvm::install_fatal_error_handler(on_fatal_error, nullptr);
    llvm::install_bad_alloc_error_handler(on_bad_alloc, nullptr);
    llvm::install_out_of_memory_new_handler();  // operator new too
  });
}

bool start_analysis_thread(std::function<void()> body, std::string& error) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, analysis_stack_size);
  pthread_attr_setguardsize(&attr, guard_size);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  auto* start = new thread_start{std::move(body)};
  pthread_t thread;
  int rc = pthread_create(&thread, &attr, analysis_thread_main, start);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    delete start;
    error = strerror(rc);
    return false;
  }
  return true;
}

protected_outcome run_protected(llvm::function_ref<void()> fn) {
  t_overflowed = false;
  t_fatal_reason[0] = '\0';
  llvm::CrashRecoveryContext recovery;
  protected_outcome out;
  if (recovery.RunSafely(fn)) return out;
  if (t_overflowed) {
    out.kind = protected_outcome::out_of_stack;
  } else if (t_fatal_reason[0]) {
    out.kind = protected_outcome::fatal_error;
    out.fatal_message = t_fatal_reason;
  } else {
    out.kind = protected_outcome::crashed;
  }
  return out;
}

}  // namespace gocxx
