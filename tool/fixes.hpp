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
  std::vector<std::string> errors;     // one line per file that was not rewritten
  std::vector<std::string> warnings;   // rewritten, but not formatted (an unreadable .clang-format)
};

// Applies the fixes of `findings`, in order; a finding whose edits overlap an
// earlier finding's is skipped whole. A file is rewritten only if it still
// holds what was analysed (file_snapshots::analysed(); a file the runner did
// not record is compared with what it held when apply_fixes began), and is
// replaced whole: the new contents go to a file beside it, renamed over it.
// The findings that edit a file that is not rewritten are not applied.
apply_result apply_fixes(const std::vector<finding>& findings);

// Test-only: when set, apply_fixes calls it after taking what it compares
// the files against and before reading them. gocxx-driver-test sets it to
// run $GOCXX_TEST_BEFORE_APPLY (a file edited between analysis and apply).
inline void (*before_apply_hook)() = nullptr;

}  // namespace gocxx
