// gocxx-layout-*: struct layout report and checks (docs/checks/gocxx-layout-*.md).
// One file per check: report_check.cpp, padding_check.cpp (its fix-it:
// padding_fix.cpp), empty_member_check.cpp, false_sharing_check.cpp,
// finalizer_header_check.cpp; what
// they share: layout_check_base.hpp; the layout itself: layout_model.hpp.
// Each check class is private to its file; the family registers it through
// these factories (checks/layout/register.cpp), which take the id from the
// registry.
#pragma once
#include <memory>

#include "check.hpp"

namespace gocxx::layout {

std::unique_ptr<check> make_report_check(llvm::StringRef id, check_context& c);
std::unique_ptr<check> make_padding_check(llvm::StringRef id, check_context& c);
std::unique_ptr<check> make_empty_member_check(llvm::StringRef id, check_context& c);
std::unique_ptr<check> make_false_sharing_check(llvm::StringRef id, check_context& c);
std::unique_ptr<check> make_finalizer_header_check(llvm::StringRef id, check_context& c);

}  // namespace gocxx::layout
