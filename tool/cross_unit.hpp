// The analysis of many units with cross-unit escape summaries
// (summary_store.hpp, docs/scale.md).
//
// - A whole database (no FILES, no --shard): a first pass analyses every
//   unit with the summaries --summaries DIR still backs (none without it;
//   a call into another unit then keeps everything, as without summaries),
//   and collects each unit's own. Then, again and again, the units whose
//   analysis relied on a summary that has changed since (or on a function
//   that had none and now has one) run again with the merged summaries,
//   until none has to: a fixed point. Every pass is sound on its own -- each
//   summary it uses was computed from sound ones -- so stopping at
//   max_passes is too; the findings are each unit's last.
// - FILES or a shard: one pass over those units, with DIR's summaries.
// With DIR, each analysed unit's summaries are written back to it.
#pragma once
#include <optional>
#include <string>

#include "runner.hpp"

namespace gocxx {

struct cross_unit_settings {
  bool whole_database = false;
  std::optional<std::string> dir;  // --summaries
  unsigned max_passes = 8;
  bool report_conflicts = false;  // escape -m=2: a remark per function whose units disagree
};

struct cross_unit_stats {
  unsigned passes = 0;
  size_t analyses = 0;  // unit analyses over every pass
  size_t units = 0;
  size_t seeded = 0;                 // units of DIR whose summaries still held
  std::vector<std::string> dropped;  // DIR's units that did not
  bool converged = true;
};

run_result run_cross_unit(std::shared_ptr<const compilation_database> cdb, const std::vector<std::string>& units,
                          const run_settings& settings, std::shared_ptr<config_finder> configs,
                          const cross_unit_settings& cross, cross_unit_stats& stats);

}  // namespace gocxx
