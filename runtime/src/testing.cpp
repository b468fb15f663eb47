// go::testing (see gocxx/testing.hpp): scopes of goroutines and the
// goleak-style check that a scope's goroutines have ended.
//
// A scope is a number in every goroutine descriptor (g::scope), copied from
// the spawning goroutine, or thread, at the spawn (sched.cpp, init_g): a
// scope holds exactly the goroutines spawned, transitively, while it was
// open. The check reads the descriptors with atomic loads while the
// program runs; a descriptor reused meanwhile for a goroutine of another
// scope is told apart by its scope and id, read again after the rest.
#include "gocxx/testing.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <sstream>

#include "gocxx/leak_profile.hpp"
#include "gocxx/time.hpp"
#include "sched.hpp"

namespace go::testing {
namespace {

std::atomic<std::uint64_t> next_scope{1};

std::uint64_t current_goroutine_id() noexcept {
  const go::detail::g* gp = go::detail::current_g();
  return gp ? gp->id.load(std::memory_order_relaxed) : 0;
}

// The goroutines of `scope` alive now, but `owner` and `caller`.
std::vector<goroutine_info> alive_in(std::uint64_t scope, std::uint64_t owner, std::uint64_t caller) {
  using namespace go::detail;
  std::vector<goroutine_info> out;
  if (!sched) return out;
  std::lock_guard lk(sched->allg_mu);
  for (const g* gp : sched->allg) {
    if (gp->scope.load(std::memory_order_relaxed) != scope) continue;
    const std::uint64_t id = gp->id.load(std::memory_order_relaxed);
    if (id == owner || id == caller) continue;
    const gstatus st = gp->status.load(std::memory_order_acquire);
    if (st == gstatus::dead) continue;
    goroutine_info info;
    info.id = id;
    info.waiting = st == gstatus::waiting;
    info.state = info.waiting ? wait_reason_string(gp->reason.load(std::memory_order_relaxed)) : gstatus_string(st);
    info.wait_site = gp->wait_site.load(std::memory_order_relaxed);
    info.spawn_site = gp->spawn_site.load(std::memory_order_relaxed);
    // Reused meanwhile for another goroutine: not the one we looked at.
    if (gp->id.load(std::memory_order_acquire) != id || gp->scope.load(std::memory_order_relaxed) != scope) continue;
    out.push_back(std::move(info));
  }
  std::sort(out.begin(), out.end(), [](const goroutine_info& a, const goroutine_info& b) { return a.id < b.id; });
  return out;
}

// Marks the survivors the collector finds leaked.
void mark_leaked(std::vector<goroutine_info>& survivors) {
  const std::vector<leaked_goroutine> leaks = go::leak_profile();
  for (goroutine_info& s : survivors)
    s.leaked = std::any_of(leaks.begin(), leaks.end(), [&](const leaked_goroutine& l) { return l.id == s.id; });
}

void print_site(std::ostream& os, const char* what, const std::source_location& at) {
  os << '\t' << what << ' ' << at.function_name() << " at " << at.file_name() << ':' << at.line() << ':' << at.column()
     << '\n';
}

}  // namespace

scope::scope() noexcept
    : id_(next_scope.fetch_add(1, std::memory_order_relaxed)),
      owner_(current_goroutine_id()),
      previous_(go::detail::current_scope()) {
  go::detail::set_current_scope(id_);
}

// Restores only on the goroutine or thread that opened it: a frame
// destroyed when go::run abandons its goroutine runs this on go::run's
// thread.
scope::~scope() {
  if (go::detail::current_scope() == id_) go::detail::set_current_scope(previous_);
}

std::string verify_result::message() const {
  if (ok()) return {};
  std::ostringstream os;
  os << "go::testing: " << survivors.size() << " goroutine(s) of the test still alive:\n";
  for (const goroutine_info& s : survivors) {
    os << "\ngoroutine " << s.id << " [" << s.state << (s.leaked ? ", leaked" : "") << "]:\n";
    if (s.waiting) print_site(os, "blocked at", s.wait_site);
    print_site(os, "created by", s.spawn_site);
  }
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const verify_result& r) { return os << r.message(); }

task<verify_result> verify_none(verify_options opts) {
  return go::detail::verify_scope(go::detail::current_scope(), 0, opts);
}

}  // namespace go::testing

namespace go::detail {

task<testing::verify_result> verify_scope(std::uint64_t scope, std::uint64_t owner, testing::verify_options opts) {
  using clock = std::chrono::steady_clock;
  const std::uint64_t caller = testing::current_goroutine_id();
  const clock::time_point deadline = clock::now() + opts.max_wait;
  std::chrono::microseconds pause{10};
  testing::verify_result r;
  for (;;) {
    r.survivors = testing::alive_in(scope, owner, caller);
    const clock::time_point now = clock::now();
    if (r.survivors.empty() || now >= deadline) break;
    co_await go::sleep(std::min<clock::duration>(pause, deadline - now));
    pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(100));
  }
  if (!r.ok()) testing::mark_leaked(r.survivors);
  co_return r;
}

}  // namespace go::detail
