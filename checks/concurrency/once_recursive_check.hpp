// gocxx-leak-once-recursive (docs/checks/gocxx-leak-once-recursive.md): the
// function a go::once runs calls, directly or through the unit's own
// functions, call() on the same go::once. The inner call waits for the
// outer one to finish, and the outer one waits for its function: Go's
// "if f causes Do to be called, it will deadlock".
#pragma once
#include "check.hpp"

namespace gocxx::concurrency {

class once_recursive_check final : public check {
 public:
  using check::check;
  void on_end_of_translation_unit(clang::ASTContext& ctx) override;
};

}  // namespace gocxx::concurrency
