// gocxx-leak-ticker-not-stopped (docs/checks/gocxx-leak-ticker-not-stopped.md):
// a go::ticker whose ticks a loop receives that never ends -- nothing breaks
// out of it, returns or throws -- so neither the ticker nor the goroutine
// running the loop ever stops (the janitor goroutine nobody can quit).
#pragma once
#include "check.hpp"

namespace gocxx::concurrency {

class ticker_check final : public check {
 public:
  using check::check;
  void on_end_of_translation_unit(clang::ASTContext& ctx) override;
};

}  // namespace gocxx::concurrency
