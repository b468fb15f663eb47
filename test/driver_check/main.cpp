// gocxx with the driver tests' check registered (driver_test_check.cpp).
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/CrashRecoveryContext.h>
#include <llvm/Support/Signals.h>

#include "driver.hpp"

namespace gocxx {
void register_driver_test_check(check_registry& registry);  // driver_test_check.cpp
}

int main(int argc, char** argv) {
  llvm::sys::PrintStackTraceOnErrorSignal(argv[0]);
  llvm::CrashRecoveryContext::Enable();
  return gocxx::run_driver(argc, argv, &gocxx::register_driver_test_check);
}
