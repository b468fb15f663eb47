#include "sync_free.hpp"

#include <clang/AST/DeclCXX.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/AST/StmtCXX.h>
#include <llvm/ADT/DenseMap.h>

#include "escape/graph_builder.hpp"
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

  // Whether destroying an object of type t runs only sync-free code: its
  // destructor when the user wrote one (looked into), then -- the
  // destructor of an implicit or library type destroys them too -- those
  // of its bases and fields, and of the types a library template holds.
  bool destroys_sync_free(QualType t, unsigned depth = 0) {
    if (t.isNull() || depth > 8) return depth <= 8;
    const CXXRecordDecl* rd = ctx_.getBaseElementType(t.getNonReferenceType())->getAsCXXRecordDecl();
    if (!rd || !rd->hasDefinition()) return true;
    rd = rd->getDefinition();
    if (rd->hasTrivialDestructor()) return true;
    if (holds_sync(ctx_.getRecordType(rd))) return false;
    const CXXDestructorDecl* d = rd->getDestructor();
    const SourceManager& sm = ctx_.getSourceManager();
    if (d && d->isUserProvided() && !is_library(sm, d) && !sync_free(d)) return false;
    for (const FieldDecl* f : rd->fields())
      if (!destroys_sync_free(f->getType(), depth + 1)) return false;
    for (const CXXBaseSpecifier& b : rd->bases())
      if (!destroys_sync_free(b.getType(), depth + 1)) return false;
    for (QualType a : escape::template_type_arguments(rd))
      if (!user_type_sync_free(a, depth + 1)) return false;
    return true;
  }

  // Whether a library function may be taken as sync-free for what it does
  // with the user's types it is instantiated with (its own template
  // arguments and its class's): each one's every member sync-free.
  bool user_types_sync_free(const FunctionDecl* fd) {
    if (const TemplateArgumentList* args = fd->getTemplateSpecializationArgs())
      for (const TemplateArgument& a : args->asArray())
        if (a.getKind() == TemplateArgument::Type && !user_type_sync_free(a.getAsType(), 0)) return false;
    if (const auto* md = dyn_cast<CXXMethodDecl>(fd))
      for (QualType a : escape::template_type_arguments(md->getParent()))
        if (!user_type_sync_free(a, 0)) return false;
    return true;
  }

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

  // A type a library template is given: the user's own (a record outside
  // the library) must have only sync-free members and destruction.
  bool user_type_sync_free(QualType t, unsigned depth) {
    if (t.isNull() || depth > 8) return depth <= 8;
    if (holds_sync(t)) return false;
    const CXXRecordDecl* rd = ctx_.getBaseElementType(t.getNonReferenceType())->getAsCXXRecordDecl();
    if (!rd || !rd->hasDefinition()) return true;
    rd = rd->getDefinition();
    if (!destroys_sync_free(ctx_.getRecordType(rd), depth)) return false;
    if (ctx_.getSourceManager().isInSystemHeader(rd->getLocation())) return true;
    for (const CXXMethodDecl* m : rd->methods())
      if (m->isUserProvided() && m->hasBody() && !sync_free(m)) return false;
    return true;
  }

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
    if (ok && !v->getType()->isReferenceType()) ok = f_.destroys_sync_free(v->getType());
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
    if (is_library(sm_, fd)) return ok = library_sync_free(fd, call->arguments());
    return ok = callee(fd);
  }
  // Destructors that run without a call in the source: a temporary's, a
  // deleted object's.
  bool VisitCXXBindTemporaryExpr(CXXBindTemporaryExpr* bt) { return ok = ok && f_.destroys_sync_free(bt->getType()); }
  bool VisitCXXDeleteExpr(CXXDeleteExpr* de) {
    QualType t = de->getDestroyedType();
    const CXXRecordDecl* rd = t.isNull() ? nullptr : t->getAsCXXRecordDecl();
    if (rd && rd->hasDefinition())
      if (const CXXDestructorDecl* d = rd->getDefinition()->getDestructor(); d && d->isVirtual()) return ok = false;
    return ok = ok && (t.isNull() || f_.destroys_sync_free(t));
  }
  bool VisitCXXConstructExpr(CXXConstructExpr* ce) {
    const CXXConstructorDecl* c = ce->getConstructor();
    if (is_library(sm_, c)) return ok = ok && library_sync_free(c, ce->arguments());
    return ok = ok && callee(c);
  }

 private:
  bool callee(const FunctionDecl* fd) {
    if (runtime_model::within_namespace(fd, "go")) return false;
    if (is_library(sm_, fd)) return f_.user_types_sync_free(fd);
    return f_.sync_free(fd);
  }
  // A library function or constructor: given nothing callable, and every
  // user type it is instantiated with (it may construct, destroy, compare
  // or call them: std::make_unique<T>, std::vector<T>, std::sort) sync-free.
  template <class Args>
  bool library_sync_free(const FunctionDecl* fd, Args args) {
    for (const Expr* a : args)
      if (is_callable_type(a->getType())) return false;
    return f_.user_types_sync_free(fd);
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
