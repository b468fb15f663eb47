// What a run produces: findings and the translation units that could not be
// analysed, in the deterministic order the writers print them.
#pragma once
#include <string>
#include <vector>

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

// Sorts by file, line, column, check id, message and drops duplicates (the
// same finding in a header reached from several translation units).
void sort_and_unique(std::vector<reported_finding>& findings);
void sort_and_unique(std::vector<tu_error>& errors);

}  // namespace gocxx
