// go::testing: a goroutine leak check for tests, in the spirit of
// uber-go/goleak's VerifyNone. Not part of gocxx.hpp, and independent of
// any test framework: verify_none returns a result for the test to assert
// on.
//
//   TEST(Server, StopsItsGoroutines) {
//     go::run([]() -> go::task<> {
//       go::testing::scope test;  // goroutines spawned from here on are the test's
//       co_await run_and_stop_server();
//       auto r = co_await go::testing::verify_none(test);
//       EXPECT_TRUE(r.ok()) << r.message();
//     });
//   }
//
// A scope is a set of goroutines: every goroutine spawned, directly or
// through other goroutines, by the goroutine (or thread) that holds the
// scope while it is open. Goroutines inherit the scope of their spawner, so
// tests that run side by side in one go::run -- each in a goroutine of its
// own with a scope of its own -- see only their own goroutines.
#pragma once
#include <chrono>
#include <cstdint>
#include <ostream>
#include <source_location>
#include <string>
#include <vector>

#include "gocxx/task.hpp"

namespace go::testing {

// Opens a scope on the calling goroutine (or, outside goroutines, the
// calling thread) and closes it, restoring the previous one, when
// destroyed. Destroy it on the goroutine or thread that made it.
class scope {
 public:
  scope() noexcept;
  ~scope();
  scope(const scope&) = delete;
  scope& operator=(const scope&) = delete;

  std::uint64_t id() const noexcept { return id_; }
  // The goroutine that opened it (0: a thread). It belongs to the scope
  // but is not one of its spawned goroutines.
  std::uint64_t owner() const noexcept { return owner_; }

 private:
  std::uint64_t id_;
  std::uint64_t owner_;
  std::uint64_t previous_;
};

// A goroutine that outlived the grace period.
struct goroutine_info {
  std::uint64_t id = 0;
  // "runnable", "running", "syscall", or the wait reason: "chan receive",
  // "sync.Mutex.Lock", ...
  std::string state;
  bool waiting = false;  // parked: wait_site says where
  std::source_location wait_site;
  std::source_location spawn_site;
  // The collector found it leaked (go::leak_profile): it can never run
  // again, as opposed to being merely slow.
  bool leaked = false;
};

struct verify_options {
  // How long the goroutines get to finish; verify_none looks again and
  // again, with a growing pause in between, as goleak does.
  std::chrono::milliseconds max_wait{1000};
};

struct verify_result {
  std::vector<goroutine_info> survivors;  // by id

  bool ok() const noexcept { return survivors.empty(); }
  explicit operator bool() const noexcept { return ok(); }
  // Empty when ok; else a count and each survivor in the form of the
  // runtime's reports ("goroutine N [chan send]:", where it is blocked,
  // where it was created).
  std::string message() const;
};

std::ostream& operator<<(std::ostream& os, const verify_result& r);

}  // namespace go::testing

namespace go::detail {
task<testing::verify_result> verify_scope(std::uint64_t scope, std::uint64_t owner, testing::verify_options opts);
}  // namespace go::detail

namespace go::testing {

// Waits until no goroutine of the scope is left but its owner and the
// caller, or until opts.max_wait passes, and returns the survivors. Call it
// from a goroutine: the wait is a go::sleep, so the goroutines it waits
// for can run meanwhile.
inline task<verify_result> verify_none(const scope& s, verify_options opts = {}) {
  return go::detail::verify_scope(s.id(), s.owner(), opts);
}
// The same for the calling goroutine's scope. Without one open, that is
// scope 0: the goroutines spawned outside every scope (all of them, in a
// test that opens none), the caller excepted.
task<verify_result> verify_none(verify_options opts = {});

}  // namespace go::testing
