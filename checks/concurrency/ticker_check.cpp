// gocxx-leak-ticker-not-stopped: the loop is an endless one (`for (;;)`, a
// condition that is a true constant) without a way out: a return, co_return,
// goto or throw anywhere in it, or a break that is its own (not a nested
// loop's or switch's). Its body must take the ticker's channel (`t.c()`) of
// a go::ticker declared outside the loop in the same function.
#include "concurrency/ticker_check.hpp"

#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/AST/StmtCXX.h>

#include "runtime_model/runtime_model.hpp"

namespace gocxx::concurrency {

using namespace clang;

namespace {

bool is_ticker(QualType t) {
  const CXXRecordDecl* rd = runtime_model::record_of(t.getNonReferenceType());
  return rd && runtime_model::record_or_template_name(rd) == "ticker" && runtime_model::in_top_namespace(rd, "go");
}

// Whether a loop's condition is absent or a constant that holds.
bool endless(const Stmt* loop, const ASTContext& ctx) {
  const Expr* cond = nullptr;
  if (const auto* f = dyn_cast<ForStmt>(loop)) {
    if (!f->getCond()) return true;
    cond = f->getCond();
  } else if (const auto* w = dyn_cast<WhileStmt>(loop)) {
    cond = w->getCond();
  } else if (const auto* d = dyn_cast<DoStmt>(loop)) {
    cond = d->getCond();
  }
  bool value = false;
  return cond && !cond->isValueDependent() && cond->EvaluateAsBooleanCondition(value, ctx) && value;
}

// Whether the body of a loop can leave it, and the ticker whose channel it
// takes (declared outside the loop), if any.
class loop_body_reader : public RecursiveASTVisitor<loop_body_reader> {
 public:
  explicit loop_body_reader(const Stmt* loop) : loop_(loop) {}
  bool exits = false;
  const VarDecl* ticker = nullptr;

  bool TraverseLambdaExpr(LambdaExpr*) { return true; }  // a function of its own
  bool TraverseForStmt(ForStmt* s) {
    return nested([&] { return RecursiveASTVisitor::TraverseForStmt(s); });
  }
  bool TraverseWhileStmt(WhileStmt* s) {
    return nested([&] { return RecursiveASTVisitor::TraverseWhileStmt(s); });
  }
  bool TraverseDoStmt(DoStmt* s) {
    return nested([&] { return RecursiveASTVisitor::TraverseDoStmt(s); });
  }
  bool TraverseCXXForRangeStmt(CXXForRangeStmt* s) {
    return nested([&] { return RecursiveASTVisitor::TraverseCXXForRangeStmt(s); });
  }
  bool TraverseSwitchStmt(SwitchStmt* s) {
    return nested([&] { return RecursiveASTVisitor::TraverseSwitchStmt(s); });
  }
  bool VisitBreakStmt(BreakStmt*) {
    exits = exits || depth_ == 0;
    return true;
  }
  bool VisitReturnStmt(ReturnStmt*) { return !(exits = true); }
  bool VisitCoreturnStmt(CoreturnStmt*) { return !(exits = true); }
  bool VisitGotoStmt(GotoStmt*) { return !(exits = true); }
  bool VisitCXXThrowExpr(CXXThrowExpr*) { return !(exits = true); }
  bool VisitCXXMemberCallExpr(CXXMemberCallExpr* call) {
    const CXXMethodDecl* m = call->getMethodDecl();
    const auto* r = dyn_cast<DeclRefExpr>(call->getImplicitObjectArgument()->IgnoreParenImpCasts());
    const auto* v = r ? dyn_cast<VarDecl>(r->getDecl()) : nullptr;
    if (m && m->getIdentifier() && m->getName() == "c" && v && is_ticker(v->getType()) &&
        !loop_->getSourceRange().fullyContains(v->getSourceRange()))
      ticker = v;
    return true;
  }

 private:
  template <class F>
  bool nested(F traverse) {
    ++depth_;
    bool ok = traverse();
    --depth_;
    return ok;
  }
  const Stmt* loop_;
  int depth_ = 0;
};

class finder : public RecursiveASTVisitor<finder> {
 public:
  explicit finder(const ASTContext& ctx) : ctx_(ctx) {}
  std::vector<std::pair<const VarDecl*, const Stmt*>> found;  // ticker, its endless loop

  bool VisitForStmt(ForStmt* s) { return look(s, s->getBody()); }
  bool VisitWhileStmt(WhileStmt* s) { return look(s, s->getBody()); }
  bool VisitDoStmt(DoStmt* s) { return look(s, s->getBody()); }

 private:
  bool look(const Stmt* loop, const Stmt* body) {
    if (!body || !endless(loop, ctx_)) return true;
    loop_body_reader r(loop);
    r.TraverseStmt(const_cast<Stmt*>(body));
    if (!r.exits && r.ticker) found.push_back({r.ticker, loop});
    return true;
  }
  const ASTContext& ctx_;
};

}  // namespace

void ticker_check::on_end_of_translation_unit(ASTContext& ctx) {
  finder f(ctx);
  f.TraverseDecl(ctx.getTranslationUnitDecl());
  const SourceManager& sm = ctx.getSourceManager();
  for (auto [ticker, loop] : f.found) {
    std::string name = ticker->getNameAsString();
    diag(sm, ticker->getLocation(),
         "the ticker '" + name + "' never stops: the loop that takes its ticks never ends, so neither does " +
             "the goroutine running it")
        .note(loop->getBeginLoc(), "nothing breaks out of this loop, returns or throws")
        .note(ticker->getLocation(),
              "give the loop a way out, e.g. a select on '" + name + ".c()' and a quit channel or ctx.done()");
  }
}

}  // namespace gocxx::concurrency
