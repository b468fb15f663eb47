// The goroutine-leak (gocxx-leak-*) and channel-misuse (gocxx-chan-*)
// checks: each reports the findings of the unit's concurrency analysis
// (analysis.hpp) of the kinds it owns, with the path that reaches the state
// as notes. docs/checks/<id>.md has each one's page.
#pragma once
#include <vector>

#include "check.hpp"
#include "explorer.hpp"

namespace gocxx::concurrency {

class concurrency_check : public check {
 public:
  concurrency_check(llvm::StringRef id, check_context& context, std::vector<finding_kind> kinds)
      : check(id, context), kinds_(std::move(kinds)) {}
  void on_end_of_translation_unit(clang::ASTContext& ctx) override;

 private:
  std::vector<finding_kind> kinds_;
};

// gocxx-leak-not-analysed: a function whose exploration ran out of budget
// (a remark: its other findings may be missing).
class not_analysed_check : public check {
 public:
  using check::check;
  void on_end_of_translation_unit(clang::ASTContext& ctx) override;
};

}  // namespace gocxx::concurrency
