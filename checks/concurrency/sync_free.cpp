#include "sync_free.hpp"

#include <clang/AST/DeclCXX.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/AST/StmtCXX.h>
#include <llvm/ADT/DenseMap.h>

#include "handle_exprs.hpp"
#include "model_builder_impl.hpp"
#include "runtime_model/runtime_model.hpp"

using namespace clang;

namespace gocxx::concurrency {

bool imported_sync_free(ASTContext& ctx, escape::summary_exchange& exchange, const FunctionDecl* fd) {
  const escape::function_summary* s = escape::imported_summary(ctx, exchange, fd);
  return s && s->sync_free;
}

namespace {

bool holds_sync(QualType t) {
  if (t.isNull()) return false;
  t = t.getNonReferenceType();
  if (t->isPointerType()) t = t->getPointeeType();
  if (type_of(t) != sync_type::none) return true;
  const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
  if (!rd || !rd->hasDefinition()) return false;
  for (const FieldDecl* f : rd->getDefinition()->fields())
    if (type_of(f->getType()) != sync_type::none) return true;
  return false;
}

class finder {
 public:
  finder(ASTContext& ctx, escape::summary_exchange& exchange) : ctx_(ctx), exchange_(exchange) {}

  bool sync_free(const FunctionDecl* fd) {
    if (!fd) return false;
    const FunctionDecl* def = fd->getDefinition();
    if (!def || !def->hasBody()) return imported_sync_free(ctx_, exchange_, fd);
    auto [it, fresh] = memo_.try_emplace(def, false);  // in progress: recursion is not looked into
    if (!fresh) return it->second;
    bool ok = body_sync_free(def);
    memo_[def] = ok;
    return ok;
  }

 private:
  bool body_sync_free(const FunctionDecl* def);

  ASTContext& ctx_;
  escape::summary_exchange& exchange_;
  llvm::DenseMap<const FunctionDecl*, bool> memo_;
};

class body_walk : public RecursiveASTVisitor<body_walk> {
 public:
  body_walk(finder& f, const SourceManager& sm) : f_(f), sm_(sm) {}
  bool shouldVisitLambdaBody() const { return true; }
  bool shouldVisitImplicitCode() const { return true; }

  bool ok = true;

  bool VisitExpr(Expr* e) {
    if (holds_sync(e->getType())) ok = false;
    return ok;
  }
  bool VisitVarDecl(VarDecl* v) {
    if (holds_sync(v->getType())) ok = false;
    if (const CXXRecordDecl* rd = v->getType()->getAsCXXRecordDecl(); ok && rd && rd->hasDefinition())
      if (const CXXDestructorDecl* d = rd->getDefinition()->getDestructor(); d && !d->isTrivial()) ok = callee(d);
    return ok;
  }
  bool VisitCoawaitExpr(CoawaitExpr*) { return ok = false; }
  bool VisitCoyieldExpr(CoyieldExpr*) { return ok = false; }
  bool VisitCoreturnStmt(CoreturnStmt*) { return ok = false; }
  bool VisitCXXThrowExpr(CXXThrowExpr*) { return ok; }
  bool VisitCallExpr(CallExpr* call) {
    const FunctionDecl* fd = call->getDirectCallee();
    if (!fd) return ok = false;                                        // through a pointer
    if (runtime_model::within_namespace(fd, "go")) return ok = false;  // the runtime (is_library counts it in)
    if (const auto* md = dyn_cast<CXXMethodDecl>(fd); md && md->isVirtual() && !md->hasAttr<FinalAttr>())
      return ok = false;
    if (is_library(sm_, fd)) {
      for (const Expr* a : call->arguments())
        if (is_callable_type(a->getType())) return ok = false;
      return ok;
    }
    return ok = callee(fd);
  }
  // Destructors that run without a call in the source: a temporary's, a
  // deleted object's.
  bool VisitCXXBindTemporaryExpr(CXXBindTemporaryExpr* bt) {
    if (const CXXDestructorDecl* d = bt->getTemporary()->getDestructor(); d && !d->isTrivial()) ok = ok && callee(d);
    return ok;
  }
  bool VisitCXXDeleteExpr(CXXDeleteExpr* de) {
    QualType t = de->getDestroyedType();
    const CXXRecordDecl* rd = t.isNull() ? nullptr : t->getAsCXXRecordDecl();
    if (rd && rd->hasDefinition())
      if (const CXXDestructorDecl* d = rd->getDefinition()->getDestructor(); d && !d->isTrivial())
        ok = ok && !d->isVirtual() && callee(d);
    return ok;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr* ce) {
    const CXXConstructorDecl* c = ce->getConstructor();
    return ok = ok && (is_library(sm_, c) || callee(c));
  }

 private:
  bool callee(const FunctionDecl* fd) {
    if (runtime_model::within_namespace(fd, "go")) return false;
    if (is_library(sm_, fd)) return true;
    return f_.sync_free(fd);
  }
  // Something the callee may call: what the model calls callable, or any
  // object with a call operator (a library algorithm given one may run the
  // user's code).
  static bool is_callable_type(QualType t) {
    if (model_detail::is_callable(t)) return true;
    const CXXRecordDecl* rd = t.getNonReferenceType()->getAsCXXRecordDecl();
    if (!rd || !rd->hasDefinition()) return false;
    for (const CXXMethodDecl* m : rd->getDefinition()->methods())
      if (m->getOverloadedOperator() == OO_Call) return true;
    return false;
  }

  finder& f_;
  const SourceManager& sm_;
};

bool finder::body_sync_free(const FunctionDecl* def) {
  if (runtime_model::within_namespace(def, "go") || isa<CoroutineBodyStmt>(def->getBody())) return false;
  for (const ParmVarDecl* p : def->parameters())
    if (holds_sync(p->getType())) return false;
  if (const auto* md = dyn_cast<CXXMethodDecl>(def);
      md && md->isInstance() && holds_sync(ctx_.getRecordType(md->getParent())))
    return false;
  body_walk walk(*this, ctx_.getSourceManager());
  if (const auto* cd = dyn_cast<CXXConstructorDecl>(def))
    for (const CXXCtorInitializer* init : cd->inits())
      if (walk.ok) walk.TraverseStmt(init->getInit());
  if (walk.ok) walk.TraverseStmt(def->getBody());
  return walk.ok;
}

}  // namespace

void mark_sync_free(ASTContext& ctx, escape::summary_exchange& exchange) {
  if (!exchange.record) return;
  finder f(ctx, exchange);
  for (auto& [id, d] : exchange.exported)
    if (d.decl) d.summary.sync_free = f.sync_free(d.decl);
}

}  // namespace gocxx::concurrency
