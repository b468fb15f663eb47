// What the runtime prints when a program goes wrong: an unrecovered panic,
// a deadlock (every goroutine asleep), leaked goroutines at the end of
// go::run. The forms follow Go's so that Go programmers recognise them.
//
// A goroutine is printed without taking a lock or allocating (write(2), see
// throw.hpp), since a fatal error may print the goroutine it happens on
// while the world is stopped. A report ends the process with exit status 2
// (panic, deadlock: Go's fatal errors) or 1 (the leak check, which like
// goleak fails a test run rather than reporting a broken program).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "gocxx/detail/chan_core.hpp"
#include "gocxx/panic.hpp"
#include "sched.hpp"
#include "throw.hpp"

namespace go::detail {

const char* wait_reason_string(wait_reason r) noexcept {
  switch (r) {
    case wait_reason::none: return "running";
    case wait_reason::chan_receive: return "chan receive";
    case wait_reason::chan_send: return "chan send";
    case wait_reason::chan_receive_nil: return "chan receive (nil chan)";
    case wait_reason::chan_send_nil: return "chan send (nil chan)";
    case wait_reason::select: return "select";
    case wait_reason::select_no_cases: return "select (no cases)";
    case wait_reason::mutex_lock: return "sync.Mutex.Lock";
    case wait_reason::rwmutex_lock: return "sync.RWMutex.Lock";
    case wait_reason::rwmutex_rlock: return "sync.RWMutex.RLock";
    case wait_reason::wait_group_wait: return "sync.WaitGroup.Wait";
    case wait_reason::cond_wait: return "sync.Cond.Wait";
    case wait_reason::sleep: return "sleep";
    case wait_reason::semacquire: return "semacquire";
  }
  return "unknown";
}

void panic_runtime(const char* msg) { throw go::panic_error(msg); }
void panic_runtime(const char* msg, const std::source_location& where) { throw go::panic_error(msg, where); }

void note_panic_frame(const std::source_location& at) noexcept {
  try {
    throw;
  } catch (go::panic_error& e) {
    try {
      e.add_frame(at);
    } catch (...) {  // out of memory: the traceback is one frame short
    }
  } catch (...) {  // not a panic: nothing to record
  }
}

const char* gstatus_string(gstatus s) noexcept {
  switch (s) {
    case gstatus::runnable: return "runnable";
    case gstatus::running: return "running";
    case gstatus::waiting: return "waiting";
    case gstatus::syscall: return "syscall";
    case gstatus::dead: return "dead";
  }
  return "unknown";
}

namespace {

// What a report shows in brackets: the wait reason of a waiting goroutine.
const char* status_string(const g* gp) noexcept {
  const gstatus s = gp->status.load(std::memory_order_relaxed);
  return s == gstatus::waiting ? wait_reason_string(gp->reason.load(std::memory_order_relaxed)) : gstatus_string(s);
}

void print_site(const char* what, const char* function, const std::source_location& at,
                const char* at_what = "at") noexcept {
  // Piece by piece: function names have no length limit.
  write_err("\t");
  write_err(what);
  write_err(" ");
  write_err(function);
  write_err(" ");
  write_err(at_what);
  write_err(" ");
  write_err(at.file_name());
  print_err(":%u:%u\n", static_cast<unsigned>(at.line()), static_cast<unsigned>(at.column()));
}

}  // namespace

void print_goroutine_sites(const std::source_location* wait_site, const std::source_location& spawn_site,
                           const char* creator) noexcept {
  if (wait_site) print_site("blocked at", wait_site->function_name(), *wait_site);
  const bool by_run = std::strcmp(creator, "go::run") == 0;
  print_site("created by", by_run ? "go::run" : spawn_site.function_name(), spawn_site);
}

namespace {

void print_goroutine_header(const g* gp) noexcept {
  print_err("\ngoroutine %llu [%s]:\n", static_cast<unsigned long long>(gp->id.load(std::memory_order_relaxed)),
            status_string(gp));
}

bool known(const std::source_location& at) noexcept { return at.line() != 0; }
bool same_function(const std::source_location& a, const std::source_location& b) noexcept {
  return std::strcmp(a.function_name(), b.function_name()) == 0;
}

// Go's traceback, for a stackless goroutine: where it panicked, then the
// co_await in each frame the panic left through, innermost first. frames()[0]
// is the innermost task frame's last co_await: the panicking line itself when
// the panic came out of that co_await (a send on a closed channel), earlier
// in the same function otherwise -- so it is shown only where the site does
// not already name that function.
void print_traceback(const go::panic_error& panic) noexcept {
  const std::vector<std::source_location>& frames = panic.frames();
  const std::source_location* site = panic.site();
  std::size_t i = 0;
  if (site) {
    print_site("panicked in", site->function_name(), *site);
    if (!frames.empty() && known(frames[0]) && same_function(frames[0], *site)) i = 1;
  }
  for (; i < frames.size(); ++i) {
    if (!known(frames[i])) continue;  // a frame that never awaited: nothing to say
    if (i == 0) {
      print_site(site ? "called from" : "panicked in", frames[0].function_name(), frames[0], "after the co_await at");
    } else {
      print_site("awaited by", frames[i].function_name(), frames[i]);
    }
  }
}

}  // namespace

// A blank line, then the goroutine's block (Go separates them so).
void print_goroutine(const g* gp, const go::panic_error* panic) noexcept {
  print_goroutine_header(gp);
  if (panic) print_traceback(*panic);
  const std::source_location wait_site = gp->wait_site.load(std::memory_order_relaxed);
  const bool waiting = gp->status.load(std::memory_order_relaxed) == gstatus::waiting;
  print_goroutine_sites(waiting ? &wait_site : nullptr, gp->spawn_site.load(std::memory_order_relaxed),
                        gp->creator.load(std::memory_order_relaxed));
}

namespace {

// Every live goroutine, by id.
std::vector<const g*> all_goroutines() {
  std::vector<const g*> out;
  {
    std::lock_guard lk(sched->allg_mu);
    for (const g* gp : sched->allg)
      if (gp->status.load(std::memory_order_relaxed) != gstatus::dead) out.push_back(gp);
  }
  std::sort(out.begin(), out.end(), [](const g* a, const g* b) {
    return a->id.load(std::memory_order_relaxed) < b->id.load(std::memory_order_relaxed);
  });
  return out;
}

bool quiescent() {
  std::lock_guard lk(sched->lock);
  return sched->npidle.load() == sched->nprocs && sched->no_lent_ps() && sched->nsyscall == 0 &&
         sched->runq_size.load() == 0 && !any_timers();
}

}  // namespace

void die_of_panic(g* gp) noexcept {
  std::string message;
  const go::panic_error* panic = nullptr;
  try {
    throw;
  } catch (const go::panic_error& e) {
    message = e.message();
    panic = &e;  // the exception object lives while it is being handled (here)
  } catch (const std::exception& e) {
    message = e.what();
  } catch (...) {
    message = "unknown exception";
  }
  flush_stdout();  // what the program printed comes before the report
  write_err("panic: ");
  write_err(message.c_str());
  write_err("\n");
  print_goroutine(gp, panic);
  end_fatal(nullptr);
}

// Go's checkdead: a fatal error found by an M, on no goroutine, so it lists
// them all.
void report_deadlock() noexcept {
  begin_fatal("all goroutines are asleep - deadlock!");
  for (const g* gp : all_goroutines()) print_goroutine(gp);
  end_fatal(nullptr);
}

// GOCXX_LEAKCHECK=1: like uber-go/goleak, give the other goroutines up to a
// second to finish, then report the ones that did not and exit 1.
void report_leaks_and_exit_if_any() noexcept {
  const char* env = std::getenv("GOCXX_LEAKCHECK");
  if (!env || !*env || std::strcmp(env, "0") == 0) return;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (sched->ngoroutines() > 0 && !quiescent() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (sched->ngoroutines() == 0) return;
  std::vector<const g*> left = all_goroutines();
  if (left.empty()) return;
  flush_stdout();  // what the program printed comes before the report
  print_err("gocxx: leak check: %zu goroutine(s) still blocked at the end of go::run\n", left.size());
  for (const g* gp : left) print_goroutine(gp);
  std::_Exit(1);
}

}  // namespace go::detail
