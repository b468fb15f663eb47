// go::defer bodies and co_await mu.scoped() guards: operations that run
// where a variable is destroyed.
#include <clang/AST/ExprCXX.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Basic/SourceManager.h>

#include "model_builder_impl.hpp"
#include "runtime_model/runtime_model.hpp"

namespace gocxx::concurrency::model_detail {

// `auto g = co_await mu.scoped();`: the mutex g unlocks where it is
// destroyed.
const Expr* body_builder::guarded_mutex(const VarDecl* v) {
  const CoawaitExpr* a = as_await(v->getInit());
  const auto* call = a ? dyn_cast_or_null<CXXMemberCallExpr>(strip(awaited(a))) : nullptr;
  return call ? call->getImplicitObjectArgument() : nullptr;
}

// After find_deferred: a guard that is not used again (g.unlock(), moved
// away) unlocks at each of its destructors; one that is makes its mutex
// unknown where it is declared (read_guard).
void body_builder::settle_guards() {
  for (auto [v, mu] : guards_)
    if (!guard_refs_.count(v)) guard_unlock_.emplace(v, make_op(op_kind::unlock, v->getLocation(), mu));
}

void body_builder::read_guard(const VarDecl* v) {
  if (guard_refs_.count(v)) emit(make_op(op_kind::escape, v->getLocation(), guards_.at(v)));
}

// `go::defer d([...] { wg->done(); c.close(); })` whose body is only
// operations the model knows on captured slots, and `auto g = co_await
// mu.scoped()` whose guard is not touched again: their operations run
// where the variable is destroyed (every scope exit: the CFG's implicit
// destructors). A defer the model cannot read lets its captures escape.
void body_builder::find_deferred(const Stmt* s) {
  if (!s) return;
  if (const auto* d = dyn_cast<DeclStmt>(s)) {
    for (const Decl* decl : d->decls())
      if (const auto* v = dyn_cast<VarDecl>(decl)) read_deferred(v);
  }
  if (const auto* r = dyn_cast<DeclRefExpr>(s)) guard_refs_.insert(r->getDecl());
  if (const auto* d = dyn_cast<DeclStmt>(s))
    for (const Decl* decl : d->decls())
      if (const auto* v = dyn_cast<VarDecl>(decl); v && !handle_fields(v->getType()).empty())
        if (const CXXConstructExpr* c = constructs(v)) var_constructs_.insert(c);
  if (const auto* a = dyn_cast<CoawaitExpr>(s))
    if (const auto* call = dyn_cast_or_null<CallExpr>(strip(awaited(a)))) awaited_task_calls_.insert(call);
  if (isa<LambdaExpr>(s)) return;  // a body of its own
  for (const Stmt* c : s->children()) find_deferred(c);
}

void body_builder::read_deferred(const VarDecl* v) {
  const CXXRecordDecl* rd = runtime_model::record_of(v->getType());
  if (!rd || !runtime_model::in_top_namespace(rd, "go") || !v->getInit()) return;
  llvm::StringRef name = runtime_model::record_or_template_name(rd);
  if (name == "mutex_guard") {
    if (int mu = slot_for(guarded_mutex(v)); mu >= 0) guards_[v] = mu;
    return;
  }
  if (name != "defer") return;
  const auto* construct = dyn_cast<CXXConstructExpr>(v->getInit()->IgnoreImplicit());
  if (!construct || construct->getNumArgs() < 1) return;
  const auto* lambda = dyn_cast<LambdaExpr>(strip(construct->getArg(0)));
  const auto* stmts = lambda ? dyn_cast_or_null<CompoundStmt>(lambda->getBody()) : nullptr;
  if (!stmts) return;
  std::vector<op> ops;
  std::vector<const Expr*> operands;
  for (const Stmt* st : stmts->body()) {
    const auto* e = dyn_cast<Expr>(st);
    if (const auto* oc = e ? dyn_cast<CXXOperatorCallExpr>(e->IgnoreImplicit()) : nullptr) {
      int ctx = cancel_slot(oc);
      if (ctx < 0) return;
      ops.push_back(make_op(op_kind::cancel, oc->getExprLoc(), ctx));
      continue;
    }
    const auto* call = e ? dyn_cast<CXXMemberCallExpr>(e->IgnoreImplicit()) : nullptr;
    sync_type on = sync_type::none;
    const CXXMethodDecl* m = call ? method_of(call, on) : nullptr;
    int var = call ? slot_for(call->getImplicitObjectArgument()) : -1;
    if (!m || var < 0) return;
    llvm::StringRef mn = m->getName();
    op_kind k;
    if (on == sync_type::chan && mn == "close")
      k = op_kind::close;
    else if (on == sync_type::wait_group && mn == "done")
      k = op_kind::wg_done;
    else if ((on == sync_type::mutex || on == sync_type::rwmutex) && mn == "unlock")
      k = op_kind::unlock;
    else if (on == sync_type::rwmutex && mn == "runlock")
      k = op_kind::runlock;
    else
      return;
    ops.push_back(make_op(k, call->getExprLoc(), var));
  }
  for (const Expr* init : lambda->capture_inits())
    if (init) consume(init);
  deferred_[v] = std::move(ops);
}

void body_builder::run_deferred(const VarDecl* v) {
  if (auto it = deferred_.find(v); it != deferred_.end())
    for (const op& o : it->second) emit(o);
  if (auto it = guard_unlock_.find(v); it != guard_unlock_.end()) emit(it->second);
}

}  // namespace gocxx::concurrency::model_detail
