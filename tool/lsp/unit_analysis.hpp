// One open document analysed as its own translation unit, the way clangd
// parses it: the editor's text (not the file on disk), the compile command
// of the nearest compilation database, the precompiled preamble of its
// #includes reused while they are unchanged, and the checks run over the
// declarations the document itself holds (clangd's traversal scope for
// clang-tidy): the preamble's declarations are read from the PCH only
// where the document's code reaches them.
//
// The configuration is gocxx check's: the nearest .gocxx.yaml (read again
// for every analysis, so an edit to it counts), `// gocxx:ignore[...]`
// comments in the editor's text, and the default selection of `check`.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compile_commands.hpp"
#include "effective_config.hpp"
#include "finding.hpp"
#include "preamble_cache.hpp"

namespace gocxx::lsp {

struct unit_analysis {
  std::string document_name;      // the document's absolute name, as the findings spell it
  std::vector<finding> findings;  // located in the document, not suppressed
  std::string problem;            // why there are none: the unit does not compile, a crash
  std::string database_problem;   // a compilation database that could not be read
};

class unit_analyser {
 public:
  // `settings`: --checks and the like from gocxx lsp's command line.
  unit_analyser(run_settings settings, std::optional<std::string> compile_commands_dir, size_t preambles);
  // Not thread-safe: one analysis at a time (the scheduler's thread).
  unit_analysis analyse(const std::string& file, const std::string& text);

 private:
  run_settings settings_;
  compile_command_source commands_;
  preamble_cache preambles_;
  std::shared_ptr<clang::PCHContainerOperations> pch_;
};

}  // namespace gocxx::lsp
