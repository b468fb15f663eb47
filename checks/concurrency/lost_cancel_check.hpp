// gocxx-leak-lost-cancel (docs/checks/gocxx-leak-lost-cancel.md): the cancel
// function go::with_cancel, with_timeout or with_deadline returns, not used
// on some path from its declaration to the function's end -- Go vet's
// lostcancel. The context and its timer then live until the parent is
// cancelled. The fix-it defers the cancel right after the declaration
// (cancelling twice is harmless).
#pragma once
#include "check.hpp"

namespace gocxx::concurrency {

class lost_cancel_check final : public check {
 public:
  using check::check;
  void on_end_of_translation_unit(clang::ASTContext& ctx) override;
};

}  // namespace gocxx::concurrency
