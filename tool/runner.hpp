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
#include "summary_store.hpp"

namespace gocxx {

// Cross-unit escape summaries (summary_store.hpp): the other units' to use,
// and whether to collect each unit's own.
struct summary_settings {
  std::shared_ptr<const escape::summary_index> imported;  // null: none
  bool record = false;
};

struct run_result {
  std::vector<reported_finding> findings;  // unsorted
  std::vector<tu_error> errors;
  std::set<std::string> warnings;  // about the configuration, once each
  // Units abandoned at their deadline (an error each): their threads still
  // run, so the caller must end the process with std::_Exit once it has
  // written its output, before the objects those threads read go away.
  unsigned abandoned = 0;
  // With summary_settings::record: each unit analysed whole, by its file as
  // `units` names it.
  std::map<std::string, unit_summaries> summaries;
  // The findings and errors above, by unit (a later pass replaces a unit's).
  struct unit_outcome {
    std::vector<reported_finding> findings;
    std::vector<tu_error> errors;
  };
  std::map<std::string, unit_outcome> by_unit;
};

// `cdb` and `configs` are shared with the units' threads, which may outlive
// the call (run_result::abandoned).
run_result run_checks(std::shared_ptr<const compilation_database> cdb, const std::vector<std::string>& units,
                      const run_settings& settings, std::shared_ptr<config_finder> configs,
                      const summary_settings& summaries = {});

}  // namespace gocxx
