// Runs the enabled checks over translation units, in parallel (-j) on LLVM's
// thread pool; each unit gets its own ClangTool, file system view and check
// instances, so units share nothing but the read-only registry and the
// configuration cache.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compilation_database.hpp"
#include "config.hpp"
#include "effective_config.hpp"
#include "report.hpp"

namespace gocxx {

struct run_result {
  std::vector<reported_finding> findings;  // unsorted
  std::vector<tu_error> errors;
  std::set<std::string> warnings;  // about the configuration, once each
};

run_result run_checks(const compilation_database& cdb, const std::vector<std::string>& units,
                      const run_settings& settings, config_finder& configs);

}  // namespace gocxx
