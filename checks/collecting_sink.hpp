// A finding sink that keeps every finding, in order, for its owner to filter
// and show once the unit's analysis is over: the driver's runner, the
// compiler plugin and gocxx lsp each collect a unit's findings this way.
// One unit, one thread: no locking.
#pragma once
#include <vector>

#include "finding.hpp"

namespace gocxx {

class collecting_sink final : public finding_sink {
 public:
  void report(finding f) override { findings.push_back(std::move(f)); }
  std::vector<finding> findings;
};

}  // namespace gocxx
