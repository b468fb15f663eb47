// gocxx: the analyzer's command-line driver (docs/analyzer.md).
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/CrashRecoveryContext.h>
#include <llvm/Support/Signals.h>

#include "driver.hpp"

int main(int argc, char** argv) {
  llvm::sys::PrintStackTraceOnErrorSignal(argv[0]);
  llvm::CrashRecoveryContext::Enable();
  return gocxx::run_driver(argc, argv, nullptr);
}
