#include "families.hpp"
#include "layout/layout_checks.hpp"

namespace gocxx {

void register_layout_checks(check_registry& registry) {
  registry.add("gocxx-layout-report",
               "size, alignment, field offsets, holes, tail padding and cache lines of every record (gocxx layout)",
               &layout::make_report_check);
  registry.add("gocxx-layout-padding", "a record that gets smaller under another field order (fix-it reorders)",
               &layout::make_padding_check);
  registry.add("gocxx-layout-empty-member",
               "an empty class member that costs bytes where [[no_unique_address]] would not",
               &layout::make_empty_member_check);
  registry.add("gocxx-layout-finalizer-header",
               "a record allocated with go::new_ that carries a finalizer header its destructor does not need "
               "(fix-it declares it go::trivially_collectable)",
               &layout::make_finalizer_header_check);
  registry.add("gocxx-layout-false-sharing",
               "two synchronising fields of a record shared between goroutines in one cache line",
               &layout::make_false_sharing_check);
}

}  // namespace gocxx
