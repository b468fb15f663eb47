// What clang said about a unit that did not compile: its first error (with
// its position) and how many there were. Warnings and notes are dropped:
// gocxx shows only its own findings. The driver's runner and gocxx lsp
// report a unit that does not compile with it.
#pragma once
#include <clang/Basic/Diagnostic.h>

#include <string>

namespace gocxx {

class error_collector final : public clang::DiagnosticConsumer {
 public:
  void HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic& info) override;

  // "does not compile: FILE:L:C: error: ... (and N more errors)", or the
  // command's problem; empty when the unit compiled.
  std::string problem() const;

  std::string first;
  unsigned errors = 0;
  std::string command_problem;  // the command does not compile exactly one source
};

}  // namespace gocxx
