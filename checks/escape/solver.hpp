// The solver (Go: solve.go): a walk from every location, Bellman-Ford over
// dereference counts, finds for each location every other location whose
// value flows into it and with how few dereferences. An address (derefs < 0)
// that flows into a location that outlives its target makes the target
// escape; a parameter that flows into a root leaks (to the heap, or to a
// result at some level). Escaping locations become roots themselves, until
// nothing changes.
#pragma once
#include "escape/leak_summary.hpp"
#include "escape/location_graph.hpp"

#include <vector>

namespace gocxx::escape {

struct solution {
  std::vector<param_leaks> leaks;  // by location index; meaningful for parameters
};

solution solve(location_graph& g);

// The path (as note lines) that made location `l` escape: "flow: p = &x", ...
// each with the position of the expression that makes the flow.
struct flow_step {
  clang::SourceLocation where;
  std::string text;
};
std::vector<flow_step> explain(const location_graph& g, unsigned l);

// The kind of root behind an escaping location, following escaping
// locations to the root that made them escape.
root_kind final_root(const location_graph& g, unsigned l);

}  // namespace gocxx::escape
