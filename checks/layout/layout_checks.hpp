// gocxx-layout-*: struct layout report and checks (docs/checks/gocxx-layout-*.md).
#pragma once
#include <memory>

#include "check.hpp"

namespace gocxx::layout {

std::unique_ptr<check> make_report_check(llvm::StringRef id, check_context& c);
std::unique_ptr<check> make_padding_check(llvm::StringRef id, check_context& c);
std::unique_ptr<check> make_empty_member_check(llvm::StringRef id, check_context& c);
std::unique_ptr<check> make_false_sharing_check(llvm::StringRef id, check_context& c);

}  // namespace gocxx::layout
