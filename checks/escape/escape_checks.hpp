// The three checks of the escape family, each documented in
// docs/checks/<id>.md: gocxx-escape-report.md, gocxx-escape-heap-to-stack.md,
// gocxx-escape-dangling.md.
#pragma once
#include "check.hpp"

namespace gocxx::escape {

// gocxx-escape-report: Go's -m lines as remarks; option Level: 0 none,
// 1 the verdicts, 2 with the flows that make each escape as notes.
class report_check final : public check {
 public:
  report_check(llvm::StringRef id, check_context& context);
  void store_options(option_map& out) const override;
  void on_end_of_translation_unit(clang::ASTContext& ctx) override;

 private:
  int level_;
};

// gocxx-escape-heap-to-stack: a go::new_ whose object does not escape.
class heap_to_stack_check final : public check {
 public:
  using check::check;
  void on_end_of_translation_unit(clang::ASTContext& ctx) override;
};

// gocxx-escape-dangling: the address of a local or parameter that outlives it.
class dangling_check final : public check {
 public:
  using check::check;
  void on_end_of_translation_unit(clang::ASTContext& ctx) override;
};

}  // namespace gocxx::escape
