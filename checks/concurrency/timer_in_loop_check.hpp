// gocxx-leak-timer-in-loop (docs/checks/gocxx-leak-timer-in-loop.md): a
// go::after(d) evaluated on every turn of a loop, with d at least the
// MinDuration option (default 1000 ms): each turn arms a timer that lives
// until it fires, long after the select it was made for has moved on (the
// time.After-in-a-loop leak of Go code, hashicorp/vault#14814).
#pragma once
#include "check.hpp"

namespace gocxx::concurrency {

class timer_in_loop_check final : public check {
 public:
  timer_in_loop_check(llvm::StringRef id, check_context& context);
  void store_options(option_map& out) const override;
  void on_end_of_translation_unit(clang::ASTContext& ctx) override;

 private:
  long long min_ms_;
};

}  // namespace gocxx::concurrency
