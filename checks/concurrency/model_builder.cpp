// From Clang's CFG to the concurrency model. The CFG is built with every
// subexpression as an element (setAllAlwaysAdd), so operations come out in
// evaluation order: a channel operand's DeclRefExpr first, then the call on
// it, then the co_await that blocks.
//
// Every use of a slot variable must be one the model understands (the object
// of an operation, a spawn argument or capture, a handle copy, a select
// case); any other use -- passed to a function, stored, compared, its
// address taken -- lets the object escape: an `escape` operation at that
// point makes it unknown. Uses are settled once the whole body is read,
// because the consuming call comes after its operands.
#include "model_builder.hpp"

#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Analysis/CFG.h>
#include <clang/Basic/SourceManager.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "branch_reader.hpp"
#include "handle_exprs.hpp"
#include "runtime_model/runtime_model.hpp"

namespace gocxx::concurrency {

using namespace clang;

namespace {

// Spawns nested deeper than this are not followed (the program is unusable).
constexpr int max_spawn_depth = 6;

class body_builder {
 public:
  body_builder(ASTContext& ctx, program& prog, std::map<const Decl*, int>& index, int depth)
      : ctx_(ctx), prog_(prog), index_(index), depth_(depth) {}

  // The index of fn's body in prog_, building it (and what it spawns) once.
  int build(const FunctionDecl* fn) {
    if (auto it = index_.find(fn); it != index_.end()) return it->second;
    int at = static_cast<int>(prog_.bodies.size());
    index_[fn] = at;
    prog_.bodies.emplace_back();
    body b;
    b.decl = fn;
    b.name = describe(fn);
    CFG::BuildOptions options;
    options.setAllAlwaysAdd();
    options.AddImplicitDtors = true;  // where go::defer and mutex guards run
    std::unique_ptr<CFG> cfg = CFG::buildCFG(fn, fn->getBody(), &ctx_, options);
    if (!cfg) return fail(at, "no CFG for " + b.name);
    body_ = &b;
    fn_body_ = fn->getBody();
    find_deferred(fn->getBody());
    settle_guards();
    read_cfg(*cfg, fn);
    settle_uses();
    taint_unknown_loops(b);
    prog_.bodies[at] = std::move(b);
    return at;
  }

 private:
  int fail(int at, std::string why) {
    prog_.usable = false;
    if (prog_.why_not.empty()) prog_.why_not = std::move(why);
    return at;
  }

  // How messages name the body: 'f', or the function literal by its line
  // (a go::run lambda has no other name).
  std::string describe(const FunctionDecl* fn) const {
    if (const auto* m = dyn_cast<CXXMethodDecl>(fn); m && m->getParent()->isLambda()) {
      const SourceManager& sm = ctx_.getSourceManager();
      return "the function literal at line " + std::to_string(sm.getExpansionLineNumber(m->getParent()->getLocation()));
    }
    return "'" + fn->getNameAsString() + "'";
  }

  int slot_of(const ValueDecl* d) {
    for (size_t i = 0; i < body_->slots.size(); ++i)
      if (body_->slots[i] == d) return static_cast<int>(i);
    body_->slots.push_back(d);
    body_->slot_names.push_back(var_name(d));
    return static_cast<int>(body_->slots.size() - 1);
  }

  op make_op(op_kind k, SourceLocation loc, int slot = -1) {
    op o;
    o.kind = k;
    o.loc = loc;
    o.slot = slot;
    if (slot >= 0) o.text = body_->slot_names[slot];
    return o;
  }

  void emit(op o) { body_->blocks[cur_].ops.push_back(std::move(o)); }

  // A use of a slot variable, settled by settle_uses(): escapes unless an
  // operation consumed it.
  void note_use(const DeclRefExpr* r) { uses_.push_back(pending_use{cur_, body_->blocks[cur_].ops.size(), r}); }
  void consume(const Expr* e) {
    if (const DeclRefExpr* r = as_ref(e)) consumed_.insert(r);
  }

  void read_cfg(const CFG& cfg, const FunctionDecl* fn) {
    body_->blocks.resize(cfg.getNumBlockIDs());
    body_->entry = static_cast<int>(cfg.getEntry().getBlockID());
    body_->exit = static_cast<int>(cfg.getExit().getBlockID());
    // The root's parameters come from callers the model does not see; a
    // spawned body's are bound by the spawn (unbound ones are unknown).
    for (const CFGBlock* b : cfg) {
      cur_ = static_cast<int>(b->getBlockID());
      if (b == &cfg.getEntry() && prog_.bodies.size() == 1 && body_index_is_root(fn)) {
        for (const ParmVarDecl* p : fn->parameters())
          if (type_of(p->getType()) != sync_type::none)
            emit(make_op(op_kind::make_unknown, p->getLocation(), slot_of(p)));
      }
      for (const CFGElement& el : *b) {
        if (auto s = el.getAs<CFGStmt>()) read_stmt(s->getStmt());
        if (auto d = el.getAs<CFGAutomaticObjDtor>()) run_deferred(d->getVarDecl());
      }
      branch_reader(ctx_, *body_, fn_body_).read(*b, body_->blocks[cur_]);
    }
  }

  bool body_index_is_root(const FunctionDecl* fn) const { return index_.at(fn) == 0; }

  void read_stmt(const Stmt* s) {
    if (const auto* r = dyn_cast<DeclRefExpr>(s)) {
      if (isa<VarDecl>(r->getDecl()) && type_of(r->getDecl()->getType()) != sync_type::none) note_use(r);
      return;
    }
    if (const auto* d = dyn_cast<DeclStmt>(s)) {
      for (const Decl* decl : d->decls())
        if (const auto* v = dyn_cast<VarDecl>(decl)) read_var_init(v);
      return;
    }
    if (const auto* a = dyn_cast<CoawaitExpr>(s)) return read_await(a);
    if (const auto* m = dyn_cast<CXXMemberCallExpr>(s)) return read_method_call(m);
    if (const auto* o = dyn_cast<CXXOperatorCallExpr>(s)) return read_operator_call(o);
    if (const auto* c = dyn_cast<CallExpr>(s)) return read_call(c);
  }

  // `chan<int> c = make_chan<int>(n)`, `wait_group wg;`, `auto d = c;`, ...
  void read_var_init(const VarDecl* v) {
    if (guards_.count(v)) return read_guard(v);
    sync_type t = type_of(v->getType());
    if (t == sync_type::none) return;
    int slot = slot_of(v);
    SourceLocation loc = v->getLocation();
    if (v->getType()->isReferenceType() || v->getType()->isPointerType()) {
      if (const ValueDecl* from = tracked_var(v->getInit())) {
        consume(v->getInit());
        op o = make_op(op_kind::copy, loc, slot);
        o.other = slot_of(from);
        emit(o);
      } else {
        emit(make_op(op_kind::make_unknown, loc, slot));
      }
      return;
    }
    emit(init_op(t, v->getInit(), slot, loc));
  }

  // `auto g = co_await mu.scoped();`: the mutex g unlocks where it is
  // destroyed.
  static const ValueDecl* guarded_mutex(const VarDecl* v) {
    const CoawaitExpr* a = as_await(v->getInit());
    const auto* call = a ? dyn_cast_or_null<CXXMemberCallExpr>(strip(awaited(a))) : nullptr;
    return call ? tracked_var(call->getImplicitObjectArgument()) : nullptr;
  }

  // After find_deferred: a guard that is not used again (g.unlock(), moved
  // away) unlocks at each of its destructors; one that is makes its mutex
  // unknown where it is declared (read_guard).
  void settle_guards() {
    for (auto [v, mu] : guards_)
      if (!guard_refs_.count(v)) guard_unlock_.emplace(v, make_op(op_kind::unlock, v->getLocation(), slot_of(mu)));
  }

  void read_guard(const VarDecl* v) {
    if (guard_refs_.count(v)) emit(make_op(op_kind::escape, v->getLocation(), slot_of(guards_.at(v))));
  }

  // What `slot = init` makes the slot hold.
  op init_op(sync_type t, const Expr* init, int slot, SourceLocation loc) {
    const Expr* e = init ? strip(init) : nullptr;
    // go::new_<go::mutex>() makes one in the GC heap, as a declaration does.
    bool made = !e || is_default_construction(e) || is_new_of_default(e);
    if (t == sync_type::wait_group) return make_op(made ? op_kind::make_wait_group : op_kind::make_unknown, loc, slot);
    if (t == sync_type::mutex) return make_op(made ? op_kind::make_mutex : op_kind::make_unknown, loc, slot);
    if (!e || is_default_construction(e)) return make_op(op_kind::make_nil, loc, slot);
    if (isa<CXXNullPtrLiteralExpr>(e)) return make_op(op_kind::make_nil, loc, slot);
    if (const ValueDecl* from = tracked_var(e)) {
      consume(e);
      op o = make_op(op_kind::copy, loc, slot);
      o.other = slot_of(from);
      return o;
    }
    if (const auto* call = dyn_cast<CallExpr>(e)) {
      const FunctionDecl* f = call->getDirectCallee();
      if (is_go_function(f, "make_chan")) {
        op o = make_op(op_kind::make_chan, loc, slot);
        if (call->getNumArgs() >= 1 && !call->getArg(0)->isDefaultArgument()) {
          std::optional<int> cap = constant_int(call->getArg(0), ctx_);
          if (!cap || *cap < 0) return make_op(op_kind::make_unknown, loc, slot);
          o.capacity = *cap;
        }
        return o;
      }
      if (is_go_function(f, "after")) return make_op(op_kind::make_timer, loc, slot);
    }
    return make_op(op_kind::make_unknown, loc, slot);
  }

  // go::new_<T>() with no arguments.
  static bool is_new_of_default(const Expr* e) {
    const auto* call = dyn_cast<CallExpr>(e);
    return call && is_go_function(call->getDirectCallee(), "new_") && call->getNumArgs() == 0;
  }

  static bool is_default_construction(const Expr* e) {
    const auto* c = dyn_cast<CXXConstructExpr>(e);
    return c && (c->getNumArgs() == 0 || c->getArg(0)->isDefaultArgument());
  }

  // --- go::defer and mutex guards --------------------------------------------

  // `go::defer d([...] { wg->done(); c.close(); })` whose body is only
  // operations the model knows on captured slots, and `auto g = co_await
  // mu.scoped()` whose guard is not touched again: their operations run
  // where the variable is destroyed (every scope exit: the CFG's implicit
  // destructors). A defer the model cannot read lets its captures escape.
  void find_deferred(const Stmt* s) {
    if (!s) return;
    if (const auto* d = dyn_cast<DeclStmt>(s)) {
      for (const Decl* decl : d->decls())
        if (const auto* v = dyn_cast<VarDecl>(decl)) read_deferred(v);
    }
    if (const auto* r = dyn_cast<DeclRefExpr>(s)) guard_refs_.insert(r->getDecl());
    if (isa<LambdaExpr>(s)) return;  // a body of its own
    for (const Stmt* c : s->children()) find_deferred(c);
  }

  void read_deferred(const VarDecl* v) {
    const CXXRecordDecl* rd = runtime_model::record_of(v->getType());
    if (!rd || !runtime_model::in_top_namespace(rd, "go") || !v->getInit()) return;
    llvm::StringRef name = runtime_model::record_or_template_name(rd);
    if (name == "mutex_guard") {
      if (const ValueDecl* mu = guarded_mutex(v)) guards_[v] = mu;
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
      const auto* call = e ? dyn_cast<CXXMemberCallExpr>(e->IgnoreImplicit()) : nullptr;
      sync_type on = sync_type::none;
      const CXXMethodDecl* m = call ? method_of(call, on) : nullptr;
      const ValueDecl* var = call ? tracked_var(call->getImplicitObjectArgument()) : nullptr;
      if (!m || !var) return;
      llvm::StringRef mn = m->getName();
      op_kind k;
      if (on == sync_type::chan && mn == "close")
        k = op_kind::close;
      else if (on == sync_type::wait_group && mn == "done")
        k = op_kind::wg_done;
      else if (on == sync_type::mutex && mn == "unlock")
        k = op_kind::unlock;
      else
        return;
      ops.push_back(make_op(k, call->getExprLoc(), slot_of(var)));
    }
    for (const Expr* init : lambda->capture_inits())
      if (init) consume(init);
    deferred_[v] = std::move(ops);
  }

  void run_deferred(const VarDecl* v) {
    if (auto it = deferred_.find(v); it != deferred_.end())
      for (const op& o : it->second) emit(o);
    if (auto it = guard_unlock_.find(v); it != guard_unlock_.end()) emit(it->second);
  }

  void read_await(const CoawaitExpr* a) {
    const Expr* e = awaited(a);
    if (const CXXConstructExpr* sel = as_select(e)) return read_select(sel, a->getBeginLoc());
    const auto* call = dyn_cast_or_null<CXXMemberCallExpr>(strip(e));
    if (!call) return;
    sync_type on = sync_type::none;
    const CXXMethodDecl* m = method_of(call, on);
    if (!m || !is_blocking_method(on, m->getName())) return;
    awaited_calls_.insert(call);
    const Expr* object = call->getImplicitObjectArgument();
    const ValueDecl* v = tracked_var(object);
    if (v) consume(object);
    int slot = v ? slot_of(v) : -1;
    llvm::StringRef name = m->getName();
    op_kind k = name == "send"                       ? op_kind::send
                : name == "next"                     ? op_kind::next
                : name == "wait"                     ? op_kind::wg_wait
                : name == "lock" || name == "scoped" ? op_kind::lock
                                                     : op_kind::recv;
    op o = make_op(k, call->getExprLoc(), slot);
    if (!v) o.text = "a channel";
    if (name == "recv_ok") o.amount = 1;  // its result is tested like next()'s
    emit(o);
  }

  void read_select(const CXXConstructExpr* sel, SourceLocation loc) {
    op o = make_op(op_kind::select, loc);
    for (const Expr* arg : sel->arguments()) {
      if (isa<CXXDefaultArgExpr>(arg)) continue;  // the std::source_location
      const auto* call = dyn_cast_or_null<CallExpr>(strip(arg));
      const FunctionDecl* f = call ? call->getDirectCallee() : nullptr;
      if (is_go_function(f, "on_default")) {
        o.has_default = true;
        continue;
      }
      select_case c;
      c.loc = arg->getBeginLoc();
      c.is_send = is_go_function(f, "on_send");
      if (call && (c.is_send || is_go_function(f, "on_recv")) && call->getNumArgs() >= 1) {
        const Expr* ch = call->getArg(0);
        if (const ValueDecl* v = tracked_var(ch)) {
          consume(ch);
          c.slot = slot_of(v);
        } else if (const auto* inner = dyn_cast<CallExpr>(strip(ch));
                   inner && is_go_function(inner->getDirectCallee(), "after")) {
          // go::on_recv(go::after(d)): a timer of its own, made just before.
          body_->slots.push_back(nullptr);
          body_->slot_names.push_back("go::after(...)");
          c.slot = static_cast<int>(body_->slots.size() - 1);
          emit(make_op(op_kind::make_timer, inner->getBeginLoc(), c.slot));
        }
      }
      o.cases.push_back(c);
    }
    emit(o);
  }

  void read_method_call(const CXXMemberCallExpr* call) {
    sync_type on = sync_type::none;
    const CXXMethodDecl* m = method_of(call, on);
    if (!m) return;
    llvm::StringRef name = m->getName();
    const Expr* object = call->getImplicitObjectArgument();
    const ValueDecl* v = tracked_var(object);
    int slot = v ? slot_of(v) : -1;
    if (is_blocking_method(on, name)) {
      // Settled at its co_await; one that is never awaited lets the object
      // escape (settle_uses).
      unawaited_.push_back(pending_call{cur_, body_->blocks[cur_].ops.size(), call, slot});
      return;
    }
    op_kind k;
    if (on == sync_type::chan && name == "close")
      k = op_kind::close;
    else if (on == sync_type::chan && (name == "len" || name == "cap")) {
      if (v) consume(object);
      return;
    } else if (on == sync_type::wait_group && name == "add")
      k = op_kind::wg_add;
    else if (on == sync_type::wait_group && name == "done")
      k = op_kind::wg_done;
    else if (on == sync_type::mutex && name == "unlock")
      k = op_kind::unlock;
    else
      return;  // try_lock, scoped, ...: the use escapes
    if (v) consume(object);
    op o = make_op(k, call->getExprLoc(), slot);
    if (!v) o.text = "an object";
    if (k == op_kind::wg_add) {
      std::optional<int> n = call->getNumArgs() == 1 ? constant_int(call->getArg(0), ctx_) : std::nullopt;
      if (!n) {
        if (v) consumed_.erase(as_ref(object));  // an unknown count: the wait group escapes
        return;
      }
      o.amount = *n;
    }
    emit(o);
  }

  // `d = c;` and `c = go::make_chan<int>();`
  void read_operator_call(const CXXOperatorCallExpr* call) {
    if (call->getOperator() != OO_Equal || call->getNumArgs() != 2) return;
    const ValueDecl* to = tracked_var(call->getArg(0));
    if (!to) return;
    consume(call->getArg(0));
    emit(init_op(type_of(to->getType()), call->getArg(1), slot_of(to), call->getExprLoc()));
  }

  void read_call(const CallExpr* call) {
    const FunctionDecl* f = call->getDirectCallee();
    if (is_go_function(f, "spawn")) return read_spawn(call);
  }

  void read_spawn(const CallExpr* call) {
    op o = make_op(op_kind::spawn, call->getBeginLoc());
    if (call->getNumArgs() < 1) return;
    const Expr* fn_expr = strip(call->getArg(0));
    const auto* lambda = dyn_cast<LambdaExpr>(fn_expr);
    const FunctionDecl* callee = nullptr;
    if (lambda)
      callee = lambda->getCallOperator();
    else if (const auto* r = dyn_cast<DeclRefExpr>(fn_expr))
      callee = dyn_cast<FunctionDecl>(r->getDecl());
    if (callee) callee = callee->getDefinition();
    // An unknown goroutine: nothing it is given is consumed, so it escapes.
    if (!callee || !callee->hasBody() || callee->isDependentContext() || depth_ >= max_spawn_depth) return;
    std::vector<std::pair<const ValueDecl*, int>> captures;
    for (unsigned i = 0; lambda && i < lambda->capture_size(); ++i) {
      const LambdaCapture& cap = lambda->capture_begin()[i];
      if (!cap.capturesVariable()) continue;
      const auto* var = dyn_cast<VarDecl>(cap.getCapturedVar());
      if (!var || type_of(var->getType()) == sync_type::none) continue;
      const Expr* init = lambda->capture_init_begin()[i];
      if (var->isInitCapture()) {
        const ValueDecl* from = tracked_var(var->getInit());
        if (!from) continue;
        consume(var->getInit());
        captures.push_back({var, slot_of(from)});
      } else {
        if (init) consume(init);
        captures.push_back({var, slot_of(var)});
      }
    }
    // Spawn arguments are copied into the goroutine: bind the callee's
    // handle parameters to the objects the arguments hold.
    std::vector<std::pair<const ValueDecl*, int>> params;
    for (unsigned i = 1; i < call->getNumArgs() && i - 1 < callee->getNumParams(); ++i) {
      const ParmVarDecl* p = callee->getParamDecl(i - 1);
      if (type_of(p->getType()) == sync_type::none) continue;
      const ValueDecl* from = tracked_var(call->getArg(i));
      if (!from) continue;
      consume(call->getArg(i));
      params.push_back({p, slot_of(from)});
    }
    int idx = body_builder(ctx_, prog_, index_, depth_ + 1).build(callee);
    o.callee = idx;
    const body& cb = prog_.bodies[idx];
    auto callee_slot = [&](const ValueDecl* d) {
      for (size_t i = 0; i < cb.slots.size(); ++i)
        if (cb.slots[i] == d) return static_cast<int>(i);
      return -1;
    };
    for (auto& [d, from] : params)
      if (int to = callee_slot(d); to >= 0) o.bindings.push_back({to, from});
    for (auto& [d, from] : captures)
      if (int to = callee_slot(d); to >= 0) o.bindings.push_back({to, from});
    emit(o);
  }

  struct pending_use {
    int block;
    size_t index;
    const DeclRefExpr* ref;
  };
  struct pending_call {
    int block;
    size_t index;
    const CXXMemberCallExpr* call;
    int slot;
  };

  // Inserts an escape for every use no operation consumed, where it was.
  void settle_uses() {
    std::vector<std::pair<std::pair<int, size_t>, op>> inserts;
    for (const pending_use& u : uses_) {
      if (consumed_.count(u.ref)) continue;
      const auto* v = cast<ValueDecl>(u.ref->getDecl());
      inserts.push_back({{u.block, u.index}, make_op(op_kind::escape, u.ref->getLocation(), slot_of(v))});
    }
    for (const pending_call& c : unawaited_) {
      if (awaited_calls_.count(c.call) || c.slot < 0) continue;
      inserts.push_back({{c.block, c.index}, make_op(op_kind::escape, c.call->getExprLoc(), c.slot)});
    }
    // Back to front, so that earlier indices stay valid.
    std::stable_sort(inserts.begin(), inserts.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (auto& [at, o] : inserts) {
      auto& ops = body_->blocks[at.first].ops;
      ops.insert(ops.begin() + static_cast<long>(at.second), std::move(o));
    }
  }

  ASTContext& ctx_;
  program& prog_;
  std::map<const Decl*, int>& index_;
  int depth_;
  body* body_ = nullptr;
  const Stmt* fn_body_ = nullptr;
  int cur_ = 0;
  std::vector<pending_use> uses_;
  std::set<const DeclRefExpr*> consumed_;
  std::vector<pending_call> unawaited_;
  std::set<const CXXMemberCallExpr*> awaited_calls_;
  std::map<const VarDecl*, std::vector<op>> deferred_;
  std::map<const VarDecl*, const ValueDecl*> guards_;  // guard -> its mutex
  std::set<const ValueDecl*> guard_refs_;
  std::map<const VarDecl*, op> guard_unlock_;
};

class creates_visitor : public RecursiveASTVisitor<creates_visitor> {
 public:
  bool found = false;
  bool VisitVarDecl(VarDecl* v) {
    if (!isa<ParmVarDecl>(v) && !v->getType()->isReferenceType() && !v->getType()->isPointerType() &&
        type_of(v->getType()) != sync_type::none)
      found = true;
    return !found;
  }
  bool TraverseLambdaExpr(LambdaExpr*) { return true; }  // its own function
};

}  // namespace

bool creates_sync_objects(const FunctionDecl* fn) {
  if (!fn->hasBody()) return false;
  creates_visitor v;
  v.TraverseStmt(fn->getBody());
  return v.found;
}

program build_program(ASTContext& ctx, const FunctionDecl* fn) {
  program p;
  std::map<const Decl*, int> index;
  body_builder(ctx, p, index, 0).build(fn);
  return p;
}

}  // namespace gocxx::concurrency
