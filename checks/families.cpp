// Calls the registration function of every check family that is built.
#include "families.hpp"

#include "check.hpp"

namespace gocxx {

void register_all_checks(check_registry& registry) {
#ifdef GOCXX_HAVE_LAYOUT_CHECKS
  register_layout_checks(registry);
#endif
#ifdef GOCXX_HAVE_ESCAPE_CHECKS
  register_escape_checks(registry);
#endif
#ifdef GOCXX_HAVE_CONCURRENCY_CHECKS
  register_concurrency_checks(registry);
#endif
  (void)registry;
}

}  // namespace gocxx
