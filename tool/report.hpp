// What a run produces: findings and the translation units that could not be
// analysed, in the deterministic order the writers print them.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>

#include "finding.hpp"

namespace gocxx {

// A translation unit (or input file) that could not be analysed.
struct tu_error {
  std::string file;     // as shown (display_path)
  std::string message;  // one line
};

// A finding with the --fail-on threshold in effect for it (command line, or
// the .gocxx.yaml of its translation unit).
struct reported_finding {
  finding f;
  severity fail_on = severity::warning;
};

// `path` (absolute) relative to the current directory when it lies below it,
// otherwise unchanged.
std::string display_path(const std::string& path);

// A shown path (display_path) as a URI, losslessly whatever its bytes: a
// relative reference when it is relative, a file:// URI when absolute; every
// byte but ASCII letters, digits, `-._~` and `/` is percent-encoded (%XX), so
// bytes that are not UTF-8 survive JSON. path_from_uri() reverses it (nullopt
// when `uri` has a malformed escape).
std::string path_uri(const std::string& shown);
std::optional<std::string> path_from_uri(llvm::StringRef uri);

// 16 hex digits per finding that do not depend on its line: check, file
// (as shown), message, and which of the findings with those three it is in
// order (64-bit FNV-1a: stable across runs and platforms), so an edit
// elsewhere in the file keeps them and no two findings share one. SARIF's
// partialFingerprints, the Code Quality report's fingerprint. `findings`
// sorted (sort_and_unique); one per finding, in order.
std::vector<std::string> finding_fingerprints(const std::vector<finding>& findings);

// Sorts by file, line, column, check id, message and drops duplicates (the
// same finding in a header reached from several translation units).
void sort_and_unique(std::vector<reported_finding>& findings);
void sort_and_unique(std::vector<tu_error>& errors);

}  // namespace gocxx
