// Fix-its: exported as the YAML clang-apply-replacements consumes (the
// clang-tidy --export-fixes format), or applied to the files in place.
#pragma once
#include <string>
#include <vector>

#include "finding.hpp"

namespace gocxx {

// Writes every finding that has fixes to `path`; false with a message.
bool export_fixes(const std::string& path, const std::vector<finding>& findings, std::string& error);

struct apply_result {
  unsigned applied = 0;                // findings whose fixes were applied
  unsigned files = 0;                  // files rewritten
  std::vector<std::string> conflicts;  // one line per finding skipped (overlap)
  std::vector<std::string> errors;     // one line per file that could not be rewritten
};

// Applies the fixes of `findings`, in order; a finding whose edits overlap an
// earlier finding's is skipped whole.
apply_result apply_fixes(const std::vector<finding>& findings);

}  // namespace gocxx
