// gocxx-layout-*: struct layout report and checks (docs/checks/gocxx-layout-*.md).
// One file per check: report_check.cpp, padding_check.cpp (its fix-it:
// padding_fix.cpp), empty_member_check.cpp, false_sharing_check.cpp; what
// they share: layout_check_base.hpp; the layout itself: layout_model.hpp.
#pragma once
#include <memory>

#include "check.hpp"

namespace gocxx::layout {

std::unique_ptr<check> make_report_check(const check_options& o);
std::unique_ptr<check> make_padding_check(const check_options& o);
std::unique_ptr<check> make_empty_member_check(const check_options& o);
std::unique_ptr<check> make_false_sharing_check(const check_options& o);

}  // namespace gocxx::layout
