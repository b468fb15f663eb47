// gocxx-leak-timer-in-loop: the loop is the innermost for, while, do or
// range-for around the call within the same function (a lambda's body is a
// function of its own); the duration must be a constant, so a timeout the
// check cannot evaluate is never reported.
#include "concurrency/timer_in_loop_check.hpp"

#include <clang/AST/RecursiveASTVisitor.h>

#include "concurrency/handle_exprs.hpp"

namespace gocxx::concurrency {

using namespace clang;

namespace {

// go::after's argument as nanoseconds, when it is a constant.
std::optional<long long> constant_nanoseconds(const Expr* arg, const ASTContext& ctx) {
  if (!arg || arg->isValueDependent()) return std::nullopt;
  Expr::EvalResult r;
  if (!arg->EvaluateAsRValue(r, ctx) || r.HasSideEffects) return std::nullopt;
  const APValue* v = &r.Val;
  // std::chrono::nanoseconds: a struct whose one field is the count.
  while (v->isStruct() && v->getStructNumFields() >= 1) v = &v->getStructField(0);
  if (!v->isInt() || v->getInt().getSignificantBits() > 63) return std::nullopt;
  return v->getInt().getSExtValue();
}

class finder : public RecursiveASTVisitor<finder> {
 public:
  std::vector<std::pair<const CallExpr*, const Stmt*>> found;  // go::after call, its loop

  bool TraverseForStmt(ForStmt* s) {
    return in_loop(s, [&] { return base::TraverseForStmt(s); });
  }
  bool TraverseWhileStmt(WhileStmt* s) {
    return in_loop(s, [&] { return base::TraverseWhileStmt(s); });
  }
  bool TraverseDoStmt(DoStmt* s) {
    return in_loop(s, [&] { return base::TraverseDoStmt(s); });
  }
  bool TraverseCXXForRangeStmt(CXXForRangeStmt* s) {
    return in_loop(s, [&] { return base::TraverseCXXForRangeStmt(s); });
  }
  bool TraverseLambdaExpr(LambdaExpr* l) {
    std::vector<const Stmt*> saved;
    saved.swap(loops_);
    bool ok = base::TraverseLambdaExpr(l);
    loops_.swap(saved);
    return ok;
  }
  bool VisitCallExpr(CallExpr* c) {
    if (!loops_.empty() && is_go_function(c->getDirectCallee(), "after") && c->getNumArgs() == 1)
      found.push_back({c, loops_.back()});
    return true;
  }

 private:
  using base = RecursiveASTVisitor<finder>;
  template <class F>
  bool in_loop(const Stmt* s, F traverse) {
    loops_.push_back(s);
    bool ok = traverse();
    loops_.pop_back();
    return ok;
  }
  std::vector<const Stmt*> loops_;
};

}  // namespace

timer_in_loop_check::timer_in_loop_check(llvm::StringRef id, check_context& context)
    : check(id, context), min_ms_(options().get_int("MinDuration", 1000, 0)) {}

void timer_in_loop_check::store_options(option_map& out) const { options().store(out, "MinDuration", min_ms_); }

void timer_in_loop_check::on_end_of_translation_unit(ASTContext& ctx) {
  finder f;
  f.TraverseDecl(ctx.getTranslationUnitDecl());
  const SourceManager& sm = ctx.getSourceManager();
  for (auto [call, loop] : f.found) {
    std::optional<long long> ns = constant_nanoseconds(call->getArg(0), ctx);
    if (!ns || *ns < min_ms_ * 1'000'000) continue;
    std::string d =
        *ns % 1'000'000'000 == 0 ? std::to_string(*ns / 1'000'000'000) + " s" : std::to_string(*ns / 1'000'000) + " ms";
    diag(sm, call->getBeginLoc(),
         "go::after in a loop arms a new " + d +
             " timer on every turn; each one lives until it fires, long after the loop moved on")
        .note(loop->getBeginLoc(), "the loop")
        .note(call->getBeginLoc(),
              "make one go::timer per wait (it stops itself when it goes out of scope) and select on its c()");
  }
}

}  // namespace gocxx::concurrency
