// Calls into the unit's own functions (spliced: call_splice.hpp), go::run
// and go::spawn: what a call or a goroutine is given, and what it binds.
#include <clang/AST/ExprCXX.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Basic/SourceManager.h>

#include "model_builder_impl.hpp"
#include "runtime_model/runtime_model.hpp"

#include "call_splice.hpp"
#include "sync_free.hpp"

namespace gocxx::concurrency::model_detail {

bool body_builder::has_callable_argument(const CallExpr* call) {
  for (const Expr* a : call->arguments())
    if (is_callable(a->getType())) return true;
  return false;
}

// A call of a function that is not the runtime's handle method: spliced
// when the unit defines it and the model can follow it; else, when it
// could run the user's code, the globals escape (and so do the handles
// given to it, which nothing consumed).
void body_builder::read_user_call(const CallExpr* call) {
  const FunctionDecl* f = call->getDirectCallee();
  // Another unit's function that its summary says is sync-free
  // (sync_free.hpp) is as the library's.
  bool sync_free = f && !f->getDefinition() && shared_.summaries && imported_sync_free(ctx_, *shared_.summaries, f);
  if (f && (sync_free || is_library(ctx_.getSourceManager(), f))) {
    const auto* mc = dyn_cast<CXXMemberCallExpr>(call);
    if (has_callable_argument(call) || (mc && is_callable(mc->getImplicitObjectArgument()->getType())))
      emit(make_op(op_kind::escape_globals, call->getBeginLoc()));
    return;
  }
  const FunctionDecl* def = f ? f->getDefinition() : nullptr;
  int idx = def ? splice_target(call, def) : -1;
  if (idx < 0) return emit(make_op(op_kind::escape_globals, call->getBeginLoc()));
  std::optional<const ValueDecl*> base;
  if (const auto* mc = dyn_cast<CXXMemberCallExpr>(call)) {
    const Expr* object = mc->getImplicitObjectArgument();
    base = object_base(object);
    if (base) consume(object);
  }
  std::vector<const Expr*> args(call->arg_begin(), call->arg_end());
  emit_call(call_op(call, def, idx, args, base));
}

// A call whose callee does nothing the model sees is left out; one that
// only calls what the model does not see is one escape_globals.
void body_builder::emit_call(op o) {
  const body& cb = prog_.bodies[static_cast<size_t>(o.callee)];
  const auto* callee = dyn_cast<FunctionDecl>(cb.decl);
  // A flag of the callee's own (a local, a parameter) only matters to
  // the callee's other operations.
  auto own_flag = [&](const op& x) {
    if ((x.kind != op_kind::make_flag && x.kind != op_kind::set_flag) || x.slot < 0) return false;
    const slot_key& k = cb.slots[static_cast<size_t>(x.slot)];
    return !k.nameable() ||
           (k.var && !k.field && !is_global(k.var) && callee && callee->Encloses(k.var->getDeclContext()));
  };
  bool any = false, only_unknown_calls = true;
  for (const block& b : cb.blocks)
    for (const op& x : b.ops) {
      if (own_flag(x)) continue;
      any = true;
      only_unknown_calls = only_unknown_calls && x.kind == op_kind::escape_globals;
    }
  if (!any) return;
  if (only_unknown_calls) return emit(make_op(op_kind::escape_globals, o.loc));
  emit(std::move(o));
}

// The call of spliced body idx (function def) at `site`, its arguments
// bound, its *this the object of `base` (none: fresh, unknown fields).
op body_builder::call_op(const Expr* site, const FunctionDecl* def, int idx, const std::vector<const Expr*>& args,
                         std::optional<const ValueDecl*> base) {
  op o = make_op(op_kind::call, site->getBeginLoc());
  o.callee = idx;
  const body& cb = prog_.bodies[idx];
  for (unsigned i = 0; i < args.size() && i < def->getNumParams(); ++i)
    bind_argument(o, cb, def, def->getParamDecl(i), args[i]);
  if (base) o.bases.push_back({nullptr, *base});
  if (callee_slot(cb, slot_key{nullptr, nullptr, true}) >= 0) {
    o.result = body_->slot(slot_key{}, def->getNameAsString() + "()");
    call_results_[site] = o.result;
  }
  return o;
}

// The callee's body when the call can be spliced, else -1: a definition
// the unit has, not virtual, not a recursion, not too deep or too big; a
// coroutine only where it is awaited at once (a task kept for later runs
// who knows when).
int body_builder::splice_target(const Expr* call, const FunctionDecl* def) {
  if (!def->hasBody() || def->isDependentContext()) return -1;
  if (const auto* m = dyn_cast<CXXMethodDecl>(def); m && m->isVirtual()) return -1;
  if (returns_task(def) && !awaited_task_calls_.count(call)) return -1;
  return build_for_splice(def);
}

// fn's body, built to be spliced into this one, or -1: a recursion (fn is
// being built), calls nested too deep, or more blocks than a body may
// splice in.
int body_builder::build_for_splice(const FunctionDecl* fn) {
  if (shared_.in_progress.count(fn) || call_depth_ >= max_call_depth) return -1;
  int idx = body_builder(ctx_, prog_, shared_, depth_, call_depth_ + 1).build(fn);
  return idx >= 0 && fits(prog_.bodies[static_cast<size_t>(idx)].blocks.size()) ? idx : -1;
}

// Counts `blocks` more spliced in; whether the body stays within its limit.
bool body_builder::fits(size_t blocks) {
  spliced_blocks_ += blocks;
  return body_->blocks.size() + spliced_blocks_ <= max_spliced_blocks;
}

// Whether copying a t copies its handle fields (the same objects): the
// class's copy is not the user's.
bool body_builder::copies_handles(QualType t) {
  const CXXRecordDecl* rd = runtime_model::record_of(t.getNonReferenceType());
  return rd && rd->hasDefinition() && !rd->getDefinition()->hasUserDeclaredCopyConstructor() &&
         !rd->getDefinition()->hasUserDeclaredMoveConstructor();
}

int body_builder::callee_slot(const body& cb, const slot_key& key) { return cb.find(key); }

bool body_builder::writes(const body& cb, int slot) {
  for (const block& b : cb.blocks)
    for (const op& o : b.ops)
      if (o.slot == slot && (o.kind == op_kind::copy || o.kind == op_kind::make_chan || o.kind == op_kind::make_nil ||
                             o.kind == op_kind::make_unknown || o.kind == op_kind::make_timer))
        return true;
  return false;
}

// Parameter p of a spliced callee, given `arg`: a handle parameter is
// bound to the argument's object (copied back when it is a reference the
// callee assigns); a pointer or reference to an object with handle fields
// makes the callee's fields of p the caller's fields of that object.
void body_builder::bind_argument(op& o, const body& cb, const FunctionDecl* def, const ParmVarDecl* p,
                                 const Expr* arg) {
  QualType t = p->getType();
  if (type_of(t) != sync_type::none) {
    int from = slot_for(arg);
    if (from >= 0) consume(arg);
    int to = callee_slot(cb, slot_key{p});
    if (to < 0) return;
    o.bindings.push_back({to, from});
    if (from >= 0 && t->isLValueReferenceType() && writes(cb, to)) o.copy_back.push_back({from, to});
    return;
  }
  if (handle_fields(t).empty()) return;
  std::optional<const ValueDecl*> base = object_base(arg);
  if (!base) return;
  if (!(t->isReferenceType() || t->isPointerType())) {
    // A copy: its handle fields are the argument's objects at the call.
    if (!copies_handles(t)) return;
    consume(arg);
    // Its flags are the copy's own: unknown.
    for (size_t i = 0; i < cb.slots.size(); ++i)
      if (cb.slots[i].var == p && cb.slots[i].field && !is_flag_type(cb.slots[i].field->getType()))
        o.bindings.push_back({static_cast<int>(i), field_slot(*base, cb.slots[i].field)});
    return;
  }
  if (t->isPointerType() && assigned_in(def->getBody(), p)) return;
  consume(arg);
  o.bases.push_back({p, *base});
}

// What a lambda captures, as (callee key, caller slot) pairs: its handle
// variables, and the handle fields of the objects it captures (this, or a
// variable).
std::vector<std::pair<slot_key, int>> body_builder::captured(const LambdaExpr* lambda, const body& cb) {
  std::vector<std::pair<slot_key, int>> out;
  if (!lambda) return out;
  for (unsigned i = 0; i < lambda->capture_size(); ++i) {
    const LambdaCapture& cap = lambda->capture_begin()[i];
    const Expr* init = lambda->capture_init_begin()[i];
    if (cap.capturesThis()) {
      if (init) consume(init);
      for (const slot_key& k : cb.slots)
        if (k.field && !k.var) out.push_back({k, field_slot(nullptr, k.field)});
      continue;
    }
    if (!cap.capturesVariable()) continue;
    const auto* var = dyn_cast<VarDecl>(cap.getCapturedVar());
    if (!var) continue;
    if (is_flag_type(var->getType()) && cap.getCaptureKind() == LCK_ByRef) {
      if (init) consume(init);
      out.push_back({slot_key{var}, slot_of(var)});
      continue;
    }
    if (type_of(var->getType()) == sync_type::none) {
      if (handle_fields(var->getType()).empty() || var->isInitCapture()) continue;
      if (init) consume(init);
      // A copy's flags are its own (unknown); a reference's are the object's.
      for (const slot_key& k : cb.slots)
        if (k.field && k.var == var && (cap.getCaptureKind() == LCK_ByRef || !is_flag_type(k.field->getType())))
          out.push_back({k, field_slot(var, k.field)});
      continue;
    }
    if (var->isInitCapture()) {
      int from = slot_for(var->getInit());
      if (from < 0) continue;
      consume(var->getInit());
      out.push_back({slot_key{var}, from});
    } else {
      if (init) consume(init);
      out.push_back({slot_key{var}, slot_of(var)});
    }
  }
  return out;
}

// go::run(f): the program's main goroutine runs f's body, as a call.
void body_builder::read_run(const CallExpr* call) {
  const LambdaExpr* lambda = nullptr;
  const FunctionDecl* callee = call->getNumArgs() >= 1 ? callable_body(call->getArg(0), lambda) : nullptr;
  int idx = callee ? build_for_splice(callee) : -1;
  if (idx < 0) return emit(make_op(op_kind::escape_globals, call->getBeginLoc()));
  op o = make_op(op_kind::call, call->getBeginLoc());
  o.callee = idx;
  const body& cb = prog_.bodies[idx];
  for (auto& [key, from] : captured(lambda, cb))
    if (int to = callee_slot(cb, key); to >= 0) {
      o.bindings.push_back({to, from});
      if (writes(cb, to)) o.copy_back.push_back({from, to});
    }
  emit_call(std::move(o));
}

// `co_await o.call(f)`: a body of its own spliced in, which enters the
// once (waiting while another goroutine runs f), skips f when it is done,
// else runs f's body (spliced: captures bound, written ones copied back)
// and marks the once done:
//
//   0: once_enter o  -- last_ok: 1 done -> 2, 0 -> 1
//   1: f's body; once_exit o  -> 2
//   2: exit
void body_builder::read_once_call(const CXXMemberCallExpr* call) {
  const Expr* object = call->getImplicitObjectArgument();
  int once = slot_for(object);
  const LambdaExpr* lambda = nullptr;
  const FunctionDecl* fn = call->getNumArgs() == 1 ? callable_body(call->getArg(0), lambda) : nullptr;
  int fn_index = fn ? build_for_splice(fn) : -1;
  if (fn_index < 0 || once < 0) return emit(make_op(op_kind::escape_globals, call->getBeginLoc()));
  consume(object);
  const body& fb = prog_.bodies[static_cast<size_t>(fn_index)];
  const std::string name = body_->slot_names[static_cast<size_t>(once)];
  body w;
  w.decl = fn;
  w.name = fb.name;
  w.blocks.resize(3);
  w.entry = 0;
  w.exit = 2;
  const int w_once = w.slot(slot_key{}, name);
  op run = make_op(op_kind::call, call->getBeginLoc());
  run.callee = fn_index;
  op outer = make_op(op_kind::call, call->getBeginLoc());
  for (auto& [key, from] : captured(lambda, fb)) {
    int to = callee_slot(fb, key);
    if (to < 0) continue;
    int mid = w.slot(slot_key{}, fb.slot_names[static_cast<size_t>(to)]);
    run.bindings.push_back({to, mid});
    outer.bindings.push_back({mid, from});
    if (writes(fb, to)) {
      run.copy_back.push_back({mid, to});
      outer.copy_back.push_back({from, mid});
    }
  }
  // f's globals are the caller's: the same keys in w, mapped on by the
  // outer splice.
  op enter = make_op(op_kind::once_enter, call->getExprLoc(), w_once);
  enter.text = name;
  op exit = make_op(op_kind::once_exit, call->getExprLoc(), w_once);
  exit.text = name;
  w.blocks[0].ops.push_back(enter);
  w.blocks[0].branch = branch_kind::last_ok;
  w.blocks[0].succs = {2, 1};
  w.blocks[1].ops.push_back(std::move(run));
  w.blocks[1].ops.push_back(exit);
  w.blocks[1].succs = {2};
  const size_t fn_blocks = fb.blocks.size();
  splice_calls(w, prog_);
  if (!fits(w.blocks.size() - fn_blocks)) return emit(make_op(op_kind::escape_globals, call->getBeginLoc()));
  outer.bindings.push_back({w_once, once});
  outer.callee = static_cast<int>(prog_.bodies.size());
  prog_.bodies.push_back(std::move(w));
  emit(std::move(outer));
}

void body_builder::read_spawn(const CallExpr* call) {
  op o = make_op(op_kind::spawn, call->getBeginLoc());
  if (call->getNumArgs() < 1) return;
  const LambdaExpr* lambda = nullptr;
  const FunctionDecl* callee = callable_body(call->getArg(0), lambda);
  // An unknown goroutine: nothing it is given is consumed, so it escapes.
  if (!callee || depth_ >= max_spawn_depth) return emit(make_op(op_kind::escape_globals, call->getBeginLoc()));
  int idx = body_builder(ctx_, prog_, shared_, depth_ + 1, 0).build(callee);
  if (idx < 0)
    return fail("no CFG for the goroutine spawned at " + call->getBeginLoc().printToString(ctx_.getSourceManager()));
  o.callee = idx;
  o.literal = lambda != nullptr;
  const body& cb = prog_.bodies[idx];
  std::vector<std::pair<slot_key, int>> from = captured(lambda, cb);
  // Spawn arguments are copied into the goroutine: bind the callee's
  // handle parameters to the objects the arguments hold, and its fields
  // of a pointer parameter to the object's.
  for (unsigned i = 1; i < call->getNumArgs() && i - 1 < callee->getNumParams(); ++i) {
    const ParmVarDecl* p = callee->getParamDecl(i - 1);
    const Expr* arg = call->getArg(i);
    if (type_of(p->getType()) != sync_type::none) {
      int s = slot_for(arg);
      if (s < 0) continue;
      consume(arg);
      from.push_back({slot_key{p}, s});
    } else if (!handle_fields(p->getType()).empty() && !p->getType()->isReferenceType() &&
               (p->getType()->isPointerType() ? !assigned_in(callee->getBody(), p) : copies_handles(p->getType()))) {
      std::optional<const ValueDecl*> base = object_base(arg);
      if (!base) continue;
      consume(arg);
      // A copy's flags are its own (unknown); a pointer's are the object's.
      for (const slot_key& k : cb.slots)
        if (k.field && k.var == p && (p->getType()->isPointerType() || !is_flag_type(k.field->getType())))
          from.push_back({k, field_slot(*base, k.field)});
    }
  }
  // Globals are the same objects in every goroutine.
  for (const slot_key& k : cb.slots)
    if (k.var && is_global(k.var)) from.push_back({k, body_->slot(k, cb.slot_names[callee_slot(cb, k)])});
  for (auto& [key, slot] : from)
    if (int to = callee_slot(cb, key); to >= 0) o.bindings.push_back({to, slot});
  emit(o);
}

}  // namespace gocxx::concurrency::model_detail
