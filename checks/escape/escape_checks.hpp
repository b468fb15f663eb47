// The three checks of the escape family, each documented in
// docs/checks/<id>.md: gocxx-escape-report.md, gocxx-escape-heap-to-stack.md,
// gocxx-escape-dangling.md.
#pragma once
#include "check.hpp"

namespace gocxx::concurrency {
class join_prover;
}

namespace gocxx::escape {

struct escape_item;
struct escape_result;

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

// gocxx-escape-unique-to-stack: in plain C++, a std::make_unique<T> whose
// unique_ptr ends with its block, or a `new T` deleted in its block, whose
// object does not escape (owner_rewrite.hpp).
class unique_to_stack_check final : public check {
 public:
  using check::check;
  void on_end_of_translation_unit(clang::ASTContext& ctx) override;
};

// gocxx-escape-dangling: the address of a local or parameter that outlives it.
// A local a goroutine can reach is not reported when the function joins
// every goroutine it spawns before the local's scope ends
// (concurrency/join_proof.hpp). Option LatchTypes: the fully qualified names
// of latch types (constructor count, count_down(), wait()) to join on
// besides go::wait_group and std::latch, separated by ';'.
class dangling_check final : public check {
 public:
  dangling_check(llvm::StringRef id, check_context& context);
  void store_options(option_map& out) const override;
  void on_end_of_translation_unit(clang::ASTContext& ctx) override;

 private:
  // Whether every instance of a goroutine-reached variable is joined;
  // otherwise why not, and where.
  bool joined(clang::ASTContext& ctx, concurrency::join_prover& joins, const escape_result& result,
              const escape_item& item, std::string& why, clang::SourceLocation& where) const;

  std::string latch_option_;
  std::vector<std::string> latch_types_;
};

}  // namespace gocxx::escape
