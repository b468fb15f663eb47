#include "escape/variable_uses.hpp"

#include <clang/AST/ParentMapContext.h>
#include <clang/AST/RecursiveASTVisitor.h>

namespace gocxx::escape {

using namespace clang;

namespace {

class use_finder : public RecursiveASTVisitor<use_finder> {
 public:
  explicit use_finder(const VarDecl* var) : var_(var) {}
  variable_uses found;
  bool VisitDeclRefExpr(DeclRefExpr* e) {
    if (e->getDecl() == var_) found.refs.push_back(e);
    return true;
  }
  bool VisitCXXDeleteExpr(CXXDeleteExpr* e) {
    const auto* r = dyn_cast<DeclRefExpr>(e->getArgument()->IgnoreParenImpCasts());
    if (r && r->getDecl() == var_) found.deletes.push_back(e);
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr* le) {
    for (const LambdaCapture& c : le->captures())
      if (c.capturesVariable() && c.getCapturedVar() == var_) {
        found.capturing.push_back(le);
        break;
      }
    return true;
  }

 private:
  const VarDecl* var_;
};

}  // namespace

variable_uses find_variable_uses(const VarDecl* var) {
  use_finder f(var);
  if (const auto* fn = dyn_cast<FunctionDecl>(var->getDeclContext()); fn && fn->getBody())
    f.TraverseStmt(const_cast<Stmt*>(fn->getBody()));
  return std::move(f.found);
}

const Stmt* user_of(ASTContext& ctx, const Stmt* e, const Stmt*& child) {
  child = e;
  for (;;) {
    DynTypedNodeList ps = ctx.getParents(*child);
    const auto* p = ps.size() == 1 ? ps[0].get<Stmt>() : nullptr;
    if (!p) return nullptr;
    const auto* c = dyn_cast<ImplicitCastExpr>(p);
    if (!isa<ParenExpr>(p) && !(c && c->getCastKind() == CK_NoOp)) return p;
    child = p;
  }
}

}  // namespace gocxx::escape
