// Runs the enabled checks over translation units, in parallel (-j), each on
// a thread of its own (isolation.hpp: a large stack, crash recovery) and
// within --unit-timeout; each unit gets its own ClangTool, file system view
// and check instances, so units share nothing but the read-only registry and
// the configuration cache.
#pragma once
#include <map>
#include <memory>
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
  // Units abandoned at their deadline (an error each): their threads still
  // run, so the caller must end the process with std::_Exit once it has
  // written its output, before the objects those threads read go away.
  unsigned abandoned = 0;
};

// `cdb` and `configs` are shared with the units' threads, which may outlive
// the call (run_result::abandoned).
run_result run_checks(std::shared_ptr<const compilation_database> cdb, const std::vector<std::string>& units,
                      const run_settings& settings, std::shared_ptr<config_finder> configs);

}  // namespace gocxx
