// Contexts: `auto [ctx, cancel] = go::with_cancel(parent)` (with_timeout,
// with_deadline) makes a context whose done() channel closes when cancel()
// is called, when its parent's closes, or -- with a deadline -- at any time.
// A context is one object of the model: its done() denotes the object
// itself (handle_exprs.cpp), its cancel function is a second slot for it,
// and go::background() (or a default-constructed go::context) is a channel
// nobody ever closes, like Go's nil Done().
//
// The cancel function is followed only while every use of it is a call,
// `cancel()`, or a capture by a go::defer whose body calls it: passed to a
// function or stored, it could be called anywhere, so the context becomes
// unknown instead.
#include <clang/AST/DeclCXX.h>
#include <clang/AST/ExprCXX.h>

#include "model_builder_impl.hpp"
#include "runtime_model/runtime_model.hpp"

namespace gocxx::concurrency::model_detail {

namespace {

// The go::with_* call a structured binding is initialised by, and whether
// the context it makes has a deadline.
const CallExpr* context_maker(const DecompositionDecl* d, bool& deadline) {
  const auto* call = d->getInit() ? dyn_cast<CallExpr>(strip_temporaries(d->getInit()->IgnoreImplicit())) : nullptr;
  const FunctionDecl* f = call ? call->getDirectCallee() : nullptr;
  if (is_go_function(f, "with_cancel")) {
    deadline = false;
    return call;
  }
  if (is_go_function(f, "with_timeout") || is_go_function(f, "with_deadline")) {
    deadline = true;
    return call;
  }
  return nullptr;
}

// The lambdas that initialise a go::defer in s.
void defer_lambdas(const Stmt* s, std::set<const LambdaExpr*>& out) {
  if (!s) return;
  if (const auto* ds = dyn_cast<DeclStmt>(s))
    for (const Decl* d : ds->decls())
      if (const auto* v = dyn_cast<VarDecl>(d); v && v->getInit()) {
        const CXXRecordDecl* rd = runtime_model::record_of(v->getType());
        if (!rd || runtime_model::record_or_template_name(rd) != "defer" || !runtime_model::in_top_namespace(rd, "go"))
          continue;
        const auto* construct = dyn_cast<CXXConstructExpr>(v->getInit()->IgnoreImplicit());
        if (construct && construct->getNumArgs() >= 1)
          if (const auto* l = dyn_cast<LambdaExpr>(strip(construct->getArg(0)))) out.insert(l);
      }
  for (const Stmt* c : s->children()) defer_lambdas(c, out);
}

// Whether every use of `cancel` in s is a call or a go::defer's capture.
bool only_called(const Stmt* s, const BindingDecl* cancel, const std::set<const LambdaExpr*>& defers) {
  if (!s) return true;
  if (const auto* call = dyn_cast<CXXOperatorCallExpr>(s); call && call->getOperator() == OO_Call) {
    const auto* r = dyn_cast<DeclRefExpr>(call->getArg(0)->IgnoreImplicit());
    if (r && r->getDecl() == cancel && call->getNumArgs() == 1) return true;
  }
  if (const auto* r = dyn_cast<DeclRefExpr>(s); r && r->getDecl() == cancel) return false;
  if (const auto* l = dyn_cast<LambdaExpr>(s)) {
    bool captures = false;
    for (const Expr* init : l->capture_inits())
      if (const auto* r = init ? dyn_cast<DeclRefExpr>(init->IgnoreImplicit()) : nullptr; r && r->getDecl() == cancel)
        captures = true;
    if (captures && !defers.count(l)) return false;
    return only_called(l->getBody(), cancel, defers);
  }
  for (const Stmt* c : s->children())
    if (!only_called(c, cancel, defers)) return false;
  return true;
}

}  // namespace

void body_builder::find_cancellers(const Stmt* body) {
  std::set<const LambdaExpr*> defers;
  defer_lambdas(body, defers);
  std::vector<const Stmt*> work{body};
  while (!work.empty()) {
    const Stmt* s = work.back();
    work.pop_back();
    if (!s) continue;
    if (const auto* ds = dyn_cast<DeclStmt>(s))
      for (const Decl* d : ds->decls())
        if (const auto* dd = dyn_cast<DecompositionDecl>(d); dd && dd->bindings().size() == 2) {
          bool deadline = false;
          if (!context_maker(dd, deadline)) continue;
          const BindingDecl* ctx = dd->bindings()[0];
          const BindingDecl* cancel = dd->bindings()[1];
          if (only_called(body, cancel, defers)) cancellers_[cancel] = slot_of(ctx);
        }
    if (isa<LambdaExpr>(s)) continue;  // a lambda's body is a body of its own
    for (const Stmt* c : s->children()) work.push_back(c);
  }
}

bool body_builder::read_context(const DecompositionDecl* d) {
  bool deadline = false;
  const CallExpr* call = d->bindings().size() == 2 ? context_maker(d, deadline) : nullptr;
  if (!call) return false;
  const BindingDecl* ctx = d->bindings()[0];
  const BindingDecl* cancel = d->bindings()[1];
  int slot = slot_of(ctx);
  if (!cancellers_.count(cancel)) {
    emit(make_op(op_kind::make_unknown, ctx->getLocation(), slot));
    return true;
  }
  op o = make_op(op_kind::make_context, ctx->getLocation(), slot);
  o.amount = deadline ? 1 : 0;
  if (call->getNumArgs() >= 1) {
    const Expr* parent = call->getArg(0);
    o.other = slot_for(parent);
    if (o.other >= 0) {
      consume(parent);
    } else if (!is_background(parent)) {
      emit(make_op(op_kind::make_unknown, ctx->getLocation(), slot));
      return true;
    }
  }
  emit(o);
  op c = make_op(op_kind::copy, cancel->getLocation(), slot_of(cancel));
  c.other = slot;
  emit(c);
  return true;
}

// go::background(), or a go::context made on the spot.
bool body_builder::is_background(const Expr* e) {
  e = strip(e);
  if (const auto* call = dyn_cast<CallExpr>(e)) return is_go_function(call->getDirectCallee(), "background");
  return is_default_construction(e);
}

int body_builder::cancel_slot(const CXXOperatorCallExpr* call) const {
  if (call->getOperator() != OO_Call || call->getNumArgs() != 1) return -1;
  const auto* r = dyn_cast<DeclRefExpr>(call->getArg(0)->IgnoreImplicit());
  const auto* b = r ? dyn_cast<BindingDecl>(r->getDecl()) : nullptr;
  auto it = b ? cancellers_.find(b) : cancellers_.end();
  return it == cancellers_.end() ? -1 : it->second;
}

}  // namespace gocxx::concurrency::model_detail
