// The three checks of the escape family (docs/checks/gocxx-escape-*.md).
#pragma once
#include "check.hpp"

namespace gocxx::escape {

// gocxx-escape-report: Go's -m lines as remarks; option Level (or m): 0 none,
// 1 the verdicts, 2 with the flows that make each escape as notes.
class report_check final : public check {
 public:
  using check::check;
  void on_end_of_translation_unit(clang::ASTContext& ctx) override;

 private:
  int level() const;
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
