// Registers the escape family (checks/families.hpp).
#include "check.hpp"
#include "escape/escape_checks.hpp"
#include "families.hpp"

namespace gocxx {

void register_escape_checks(check_registry& registry) {
  registry.add("gocxx-escape-report", "escape analysis verdicts in Go's -m wording (moved to heap, leaking param, ...)",
               &make_check<escape::report_check>);
  registry.add("gocxx-escape-heap-to-stack", "a go::new_ whose object does not escape and can live on the stack",
               &make_check<escape::heap_to_stack_check>);
  registry.add("gocxx-escape-unique-to-stack",
               "in plain C++, a std::make_unique or a new deleted in its block whose object does not escape and can "
               "live on the stack",
               &make_check<escape::unique_to_stack_check>);
  registry.add("gocxx-escape-dangling",
               "the address of a local or parameter outlives it (returned, stored in the heap or a global, sent on a "
               "channel, reachable from a spawned goroutine)",
               &make_check<escape::dangling_check>);
}

}  // namespace gocxx
