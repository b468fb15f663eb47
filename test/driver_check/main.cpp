// gocxx with the driver tests' check registered (driver_test_check.cpp), and
// fix --apply's test hook: $GOCXX_TEST_BEFORE_APPLY, a shell command run just
// before --apply reads the files (to change one after it was analysed).
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/CrashRecoveryContext.h>
#include <llvm/Support/Signals.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdlib>

#include "driver.hpp"
#include "fixes.hpp"

namespace gocxx {
void register_driver_test_check(check_registry& registry);  // driver_test_check.cpp
}

int main(int argc, char** argv) {
  llvm::sys::PrintStackTraceOnErrorSignal(argv[0]);
  llvm::CrashRecoveryContext::Enable();
  gocxx::before_apply_hook = [] {
    if (const char* command = std::getenv("GOCXX_TEST_BEFORE_APPLY")) {
      if (std::system(command) != 0) llvm::errs() << "gocxx-driver-test: GOCXX_TEST_BEFORE_APPLY failed\n";
    }
  };
  return gocxx::run_driver(argc, argv, &gocxx::register_driver_test_check);
}
