// Reads how a CFG block picks its successor into the model's branch kinds
// (sync_model.hpp): constant conditions, counted loops, tests of next()'s or
// recv_ok()'s result, switches on a select's case, and tests of a variable
// that keeps its value (so that two tests of it agree along a path).
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/AST/Stmt.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Analysis/CFG.h>

#include <optional>
#include <set>

#include "sync_model.hpp"

namespace gocxx::concurrency {

class branch_reader {
 public:
  // `fn_body` is the body the blocks come from (where a condition's variable
  // may be assigned); `bd` collects the variables conditions test.
  // `loop_indices` are the function's counted-loop indices
  // (loop_indices()), which tests of the iteration compare.
  branch_reader(const clang::ASTContext& ctx, body& bd, const clang::Stmt* fn_body,
                const std::set<const clang::VarDecl*>& loop_indices)
      : ctx_(ctx), body_(bd), fn_body_(fn_body), loop_indices_(loop_indices) {}

  // Fills out's successors (-1: unreachable) and its branch kind.
  void read(const clang::CFGBlock& b, block& out);

 private:
  const clang::ValueDecl* stable_condition(const clang::Expr* cond, bool& negated) const;
  std::optional<int> counted_trips(const clang::ForStmt& f);
  std::optional<int> range_trips(const clang::CXXForRangeStmt& f);
  bool read_select_test(const clang::Expr* cond, block& out);
  bool read_index_test(const clang::Expr* cond, block& out);
  bool is_last_result_test(const clang::Expr* cond, bool& negated);
  static bool is_receive_to_test(const clang::CoawaitExpr* a);
  void read_switch(const clang::CFGBlock& b, const clang::SwitchStmt& sw, block& out);

  const clang::ASTContext& ctx_;
  body& body_;
  const clang::Stmt* fn_body_;
  const std::set<const clang::VarDecl*>& loop_indices_;
};

// The index variables of the `for` loops of a function body that count by
// one (as_counted_loop), read once per body.
std::set<const clang::VarDecl*> loop_indices(const clang::Stmt* fn_body);

// A loop left by a condition the model does not evaluate runs an unknown
// number of times: marks its operations imprecise (their objects become
// unknown when bound: explorer.cpp).
void taint_unknown_loops(body& bd);

// Points each index_test at the counted loop whose index it compares (a
// test whose loop the model does not count becomes `any`).
void resolve_index_tests(body& bd);

}  // namespace gocxx::concurrency
