// Fatal errors (Go's throw); the contract is in throw.hpp.
#include "throw.hpp"

#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "gocxx/detail/goroutine.hpp"
#include "sched.hpp"

namespace go::detail {

namespace {

void write_all(const char* s, std::size_t n) noexcept {
  while (n > 0) {
    const ssize_t w = ::write(2, s, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // stderr is gone: nothing left to tell
    s += w;
    n -= static_cast<std::size_t>(w);
  }
}

// prefix, then fmt formatted, then a newline if `line`: one write.
void vprint(const char* prefix, const char* fmt, va_list ap, bool line) noexcept {
  char buf[1024];
  std::size_t n = std::strlen(prefix);
  if (n > sizeof buf / 2) n = sizeof buf / 2;
  std::memcpy(buf, prefix, n);
  const int m = std::vsnprintf(buf + n, sizeof buf - n, fmt, ap);
  if (m > 0) n += static_cast<std::size_t>(m);
  if (n > sizeof buf - 2) n = sizeof buf - 2;  // cut, keeping room for the newline
  if (line) buf[n++] = '\n';
  write_all(buf, n);
}

void vbegin_fatal(const char* fmt, va_list ap) noexcept {
  flush_stdout();
  vprint("fatal error: ", fmt, ap, true);
}

}  // namespace

void flush_stdout() noexcept {
  // A thread in the middle of a printf finishes it within microseconds; one
  // that holds the lock for longer is stopped (by the collector, or for
  // good): give up after ~50 ms rather than hang.
  for (int tries = 0; tries < 50; ++tries) {
    if (ftrylockfile(stdout) == 0) {
      fflush_unlocked(stdout);
      funlockfile(stdout);
      return;
    }
    struct timespec ms{0, 1'000'000};
    nanosleep(&ms, nullptr);
  }
}

void write_err(const char* s) noexcept { write_all(s, std::strlen(s)); }

void print_err(const char* fmt, ...) noexcept {
  va_list ap;
  va_start(ap, fmt);
  vprint("", fmt, ap, false);
  va_end(ap);
}

void begin_fatal(const char* fmt, ...) noexcept {
  va_list ap;
  va_start(ap, fmt);
  vbegin_fatal(fmt, ap);
  va_end(ap);
}

void end_fatal(const g* running) noexcept {
  if (running) print_goroutine(running);
  ::_exit(2);
}

void throw_fatal(const char* fmt, ...) noexcept {
  va_list ap;
  va_start(ap, fmt);
  vbegin_fatal(fmt, ap);
  va_end(ap);
  end_fatal(current_g());
}

}  // namespace go::detail
