// Recognising the runtime's synchronisation handles in expressions.
#include "handle_exprs.hpp"

#include <clang/AST/DeclTemplate.h>
#include <clang/AST/ExprCXX.h>
#include <clang/Basic/SourceManager.h>

#include "runtime_model/runtime_model.hpp"

namespace gocxx::concurrency {

using namespace clang;

// The T of a go::ptr<T>, or null.
static const CXXRecordDecl* gc_pointee(const CXXRecordDecl* rd) {
  const auto* spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(rd);
  if (!spec || runtime_model::record_or_template_name(rd) != "ptr" || !runtime_model::in_top_namespace(rd, "go") ||
      spec->getTemplateArgs().size() < 1 || spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
    return nullptr;
  return runtime_model::record_of(spec->getTemplateArgs()[0].getAsType());
}

// The synchronisation object a value, reference or pointer of type t holds
// or denotes (a `go::mutex*` parameter denotes the caller's mutex; a
// go::ptr<go::mutex> the mutex in the GC heap it points to).
sync_type type_of(QualType t) {
  t = t.getNonReferenceType();
  if (const auto* p = t->getAs<PointerType>()) t = p->getPointeeType();
  const CXXRecordDecl* rd = runtime_model::record_of(t);
  if (const CXXRecordDecl* pointee = gc_pointee(rd)) rd = pointee;
  if (!rd) return sync_type::none;
  llvm::StringRef name = runtime_model::record_or_template_name(rd);
  if (name == "chan" || name == "send_chan" || name == "recv_chan") {
    if (runtime_model::in_top_namespace(rd, "go")) return sync_type::chan;
  }
  if (name == "chan_ref" && runtime_model::is_go_handle_type(t.getNonReferenceType())) return sync_type::chan;
  if (name == "wait_group" && runtime_model::in_top_namespace(rd, "go")) return sync_type::wait_group;
  if (name == "mutex" && runtime_model::in_top_namespace(rd, "go")) return sync_type::mutex;
  if (name == "rwmutex" && runtime_model::in_top_namespace(rd, "go")) return sync_type::rwmutex;
  if (name == "context" && runtime_model::in_top_namespace(rd, "go")) return sync_type::context;
  if (name == "cond" && runtime_model::in_top_namespace(rd, "go")) return sync_type::cond;
  if (name == "timer" && runtime_model::in_top_namespace(rd, "go")) return sync_type::timer;
  if (name == "ticker" && runtime_model::in_top_namespace(rd, "go")) return sync_type::ticker;
  if (name == "once" && runtime_model::in_top_namespace(rd, "go")) return sync_type::once;
  return sync_type::none;
}

bool is_library(const SourceManager& sm, const FunctionDecl* f) {
  return f->getBuiltinID() != 0 || f->isImplicit() || runtime_model::within_namespace(f, "go") ||
         runtime_model::within_namespace(f, "std") || sm.isInSystemHeader(f->getLocation());
}

const FunctionDecl* callable_body(const Expr* fn_expr, const LambdaExpr*& lambda) {
  fn_expr = strip(fn_expr);
  lambda = dyn_cast<LambdaExpr>(fn_expr);
  const FunctionDecl* callee = nullptr;
  if (lambda)
    callee = lambda->getCallOperator();
  else if (const auto* r = dyn_cast<DeclRefExpr>(fn_expr))
    callee = dyn_cast<FunctionDecl>(r->getDecl());
  if (callee) callee = callee->getDefinition();
  if (!callee || !callee->hasBody() || callee->isDependentContext()) return nullptr;
  return callee;
}

bool is_go_function(const FunctionDecl* f, llvm::StringRef name) {
  return f && f->getIdentifier() && f->getName() == name && runtime_model::in_top_namespace(f, "go");
}

// Looks through parentheses, implicit casts, temporaries and functional
// casts: what never changes the value (`go::select(a)` with one case is a
// functional cast, with several a temporary object).
const Expr* strip_temporaries(const Expr* e) {
  while (e) {
    const Expr* before = e;
    e = e->IgnoreParenImpCasts();
    if (const auto* m = dyn_cast<MaterializeTemporaryExpr>(e)) e = m->getSubExpr();
    if (const auto* b = dyn_cast<CXXBindTemporaryExpr>(e)) e = b->getSubExpr();
    if (const auto* f = dyn_cast<CXXFunctionalCastExpr>(e)) e = f->getSubExpr();
    if (e == before) return e;
  }
  return e;
}

// Looks through what does not change which object a handle expression
// denotes: the above, addresses, copies and conversions between handle types.
const Expr* strip(const Expr* e) {
  while (e) {
    const Expr* before = e;
    e = strip_temporaries(e);
    if (const auto* o = dyn_cast<OpaqueValueExpr>(e); o && o->getSourceExpr()) e = o->getSourceExpr();
    if (const auto* u = dyn_cast<UnaryOperator>(e); u && u->getOpcode() == UO_AddrOf) e = u->getSubExpr();
    // std::move(c), std::forward<T>(c), static_cast<T&&>(c) (a coroutine's
    // copy of its parameter): the same handle.
    if (const auto* sc = dyn_cast<CXXStaticCastExpr>(e); sc && sc->getCastKind() == CK_NoOp) e = sc->getSubExpr();
    if (const auto* call = dyn_cast<CallExpr>(e);
        call && call->getNumArgs() == 1 && call->getDirectCallee() && call->getDirectCallee()->getIdentifier() &&
        (call->getDirectCallee()->getName() == "move" || call->getDirectCallee()->getName() == "forward") &&
        runtime_model::in_top_namespace(call->getDirectCallee(), "std"))
      e = call->getArg(0);
    // p-> and *p of a go::ptr to a synchronisation object: the object.
    if (const auto* op = dyn_cast<CXXOperatorCallExpr>(e);
        op && op->getNumArgs() == 1 && (op->getOperator() == OO_Arrow || op->getOperator() == OO_Star) &&
        gc_pointee(runtime_model::record_of(op->getArg(0)->getType())))
      e = op->getArg(0);
    // ctx.done(), t.c(): the context's or timer's channel is the context
    // or timer in the model.
    if (const auto* m = dyn_cast<CXXMemberCallExpr>(e);
        m && m->getMethodDecl() && m->getMethodDecl()->getIdentifier()) {
      sync_type on = type_of(m->getImplicitObjectArgument()->getType());
      llvm::StringRef name = m->getMethodDecl()->getName();
      if ((name == "done" && on == sync_type::context) ||
          (name == "c" && (on == sync_type::timer || on == sync_type::ticker)))
        e = m->getImplicitObjectArgument();
    }
    if (const auto* c = dyn_cast<CXXConstructExpr>(e); c && c->getNumArgs() >= 1 && !isa<CXXTemporaryObjectExpr>(c)) {
      // A copy, move or conversion (send_chan from chan); spawn_callable from
      // a callable. Not a default construction.
      if (c->getNumArgs() == 1 || c->getArg(1)->isDefaultArgument()) e = c->getArg(0);
    }
    if (e == before) return e;
  }
  return e;
}

const DeclRefExpr* as_ref(const Expr* e) { return dyn_cast_or_null<DeclRefExpr>(strip(e)); }

// The variable of a handle expression, if it is one the model follows.
const ValueDecl* tracked_var(const Expr* e) {
  const DeclRefExpr* r = as_ref(e);
  if (!r) return nullptr;
  const ValueDecl* d = r->getDecl();
  // A structured binding: the ctx of `auto [ctx, cancel] = go::with_cancel(p)`.
  if (!isa<VarDecl>(d) && !isa<BindingDecl>(d)) return nullptr;
  return type_of(d->getType()) != sync_type::none ? d : nullptr;
}

const CXXMethodDecl* method_of(const CXXMemberCallExpr* call, sync_type& on) {
  const CXXMethodDecl* m = call->getMethodDecl();
  if (!m || !m->getIdentifier()) return nullptr;
  on = type_of(call->getImplicitObjectArgument()->getType());
  return on == sync_type::none ? nullptr : m;
}

bool is_blocking_method(sync_type on, llvm::StringRef name) {
  if (on == sync_type::chan) return name == "send" || name == "recv" || name == "recv_ok" || name == "next";
  if (on == sync_type::wait_group) return name == "wait";
  if (on == sync_type::mutex) return name == "lock" || name == "scoped";
  if (on == sync_type::rwmutex) return name == "lock" || name == "rlock";
  if (on == sync_type::cond) return name == "wait";
  if (on == sync_type::once) return name == "call";
  return false;
}

// go::select(...) as constructed (class template argument deduction).
const CXXConstructExpr* as_select(const Expr* e) {
  e = strip_temporaries(e);
  const auto* c = dyn_cast_or_null<CXXConstructExpr>(e);
  if (!c) return nullptr;
  const CXXRecordDecl* rd = c->getConstructor()->getParent();
  if (runtime_model::record_or_template_name(rd) != "select" || !runtime_model::in_top_namespace(rd, "go"))
    return nullptr;
  return c;
}

// `e` as a co_await (IgnoreImplicit also looks through ExprWithCleanups).
const CoawaitExpr* as_await(const Expr* e) { return dyn_cast_or_null<CoawaitExpr>(e ? e->IgnoreImplicit() : nullptr); }

// The awaited expression of a co_await, as written.
const Expr* awaited(const CoawaitExpr* e) { return e->getOperand(); }

std::string var_name(const ValueDecl* d) { return d->getIdentifier() ? d->getName().str() : "<unnamed>"; }

std::optional<int> constant_int(const Expr* e, const ASTContext& ctx) {
  if (!e || e->isValueDependent()) return std::nullopt;
  Expr::EvalResult r;
  if (!e->EvaluateAsInt(r, ctx)) return std::nullopt;
  llvm::APSInt v = r.Val.getInt();
  if (v.getSignificantBits() > 31) return std::nullopt;
  return static_cast<int>(v.getExtValue());
}

std::optional<counted_loop> as_counted_loop(const ForStmt& f) {
  const auto* init = dyn_cast_or_null<DeclStmt>(f.getInit());
  const auto* i = init && init->isSingleDecl() ? dyn_cast<VarDecl>(init->getSingleDecl()) : nullptr;
  const auto* cond = dyn_cast_or_null<BinaryOperator>(f.getCond() ? f.getCond()->IgnoreParenImpCasts() : nullptr);
  if (!i || !i->getInit() || !cond) return std::nullopt;
  BinaryOperatorKind op = cond->getOpcode();
  const auto* lhs = dyn_cast<DeclRefExpr>(cond->getLHS()->IgnoreParenImpCasts());
  if (!lhs || lhs->getDecl() != i || (op != BO_LT && op != BO_LE && op != BO_NE)) return std::nullopt;
  const auto* inc = dyn_cast_or_null<UnaryOperator>(f.getInc() ? f.getInc()->IgnoreParenImpCasts() : nullptr);
  const auto* inc_var =
      inc && inc->isIncrementOp() ? dyn_cast<DeclRefExpr>(inc->getSubExpr()->IgnoreParenImpCasts()) : nullptr;
  bool steps = inc_var && inc_var->getDecl() == i && !assigned_in(f.getBody(), i);
  return counted_loop{i, i->getInit(), cond->getRHS(), op, steps};
}

bool assigned_in(const Stmt* s, const VarDecl* v) {
  if (!s) return false;
  if (const auto* b = dyn_cast<BinaryOperator>(s); b && b->isAssignmentOp())
    if (const auto* r = dyn_cast<DeclRefExpr>(b->getLHS()->IgnoreParenImpCasts()); r && r->getDecl() == v) return true;
  if (const auto* u = dyn_cast<UnaryOperator>(s); u && (u->isIncrementDecrementOp() || u->getOpcode() == UO_AddrOf))
    if (const auto* r = dyn_cast<DeclRefExpr>(u->getSubExpr()->IgnoreParenImpCasts()); r && r->getDecl() == v)
      return true;
  for (const Stmt* c : s->children())
    if (assigned_in(c, v)) return true;
  return false;
}

}  // namespace gocxx::concurrency
