#include "compile_errors.hpp"

#include <clang/Basic/DiagnosticFrontend.h>
#include <llvm/ADT/SmallString.h>

#include "check.hpp"
#include "report.hpp"

namespace gocxx {

void error_collector::HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic& info) {
  clang::DiagnosticConsumer::HandleDiagnostic(level, info);
  if (level < clang::DiagnosticsEngine::Error) return;
  ++errors;
  if (!first.empty()) return;
  if (info.getID() == clang::diag::err_fe_expected_compiler_job) {
    // The argument is every job of the command, each in full: count the
    // compiler jobs instead of showing it.
    const std::string& jobs = info.getArgStdStr(0);
    size_t sources = 0;
    for (size_t at = jobs.find("\"-cc1\""); at != std::string::npos; at = jobs.find("\"-cc1\"", at + 1)) ++sources;
    command_problem = sources == 0 ? "its command compiles no source"
                                   : "its command compiles " + std::to_string(sources) +
                                         " sources; gocxx analyses one source per command";
  }
  llvm::SmallString<128> text;
  info.FormatDiagnostic(text);
  std::string where;
  if (info.getLocation().isValid() && info.hasSourceManager()) {
    location loc = make_location(info.getSourceManager(), info.getLocation());
    if (!loc.file.empty())
      where = display_path(loc.file) + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column) + ": ";
  }
  first = where + "error: " + std::string(text);
}

std::string error_collector::problem() const {
  if (!command_problem.empty()) return command_problem;
  if (errors == 0) return "";
  std::string message = "does not compile: " + first;
  if (errors > 1) message += " (and " + std::to_string(errors - 1) + " more error" + (errors > 2 ? "s" : "") + ")";
  return message;
}

}  // namespace gocxx
