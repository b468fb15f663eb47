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

#include "runtime_model/runtime_model.hpp"

namespace gocxx::concurrency {

using namespace clang;

namespace {

// Spawns nested deeper than this are not followed (the program is unusable).
constexpr int max_spawn_depth = 6;
// A counted loop runs at most this many times in the model; a longer one is
// a loop of unknown trip count.
constexpr int max_unrolled_trips = 8;

enum class sync_type { none, chan, wait_group, mutex };

// The synchronisation object a value, reference or pointer of type t holds
// or denotes (a `go::mutex*` parameter denotes the caller's mutex).
sync_type type_of(QualType t) {
  t = t.getNonReferenceType();
  if (const auto* p = t->getAs<PointerType>()) t = p->getPointeeType();
  const CXXRecordDecl* rd = runtime_model::record_of(t);
  if (!rd) return sync_type::none;
  llvm::StringRef name = runtime_model::record_or_template_name(rd);
  if (name == "chan" || name == "send_chan" || name == "recv_chan") {
    if (runtime_model::in_top_namespace(rd, "go")) return sync_type::chan;
  }
  if (name == "chan_ref" && runtime_model::is_go_handle_type(t.getNonReferenceType())) return sync_type::chan;
  if (name == "wait_group" && runtime_model::in_top_namespace(rd, "go")) return sync_type::wait_group;
  if (name == "mutex" && runtime_model::in_top_namespace(rd, "go")) return sync_type::mutex;
  return sync_type::none;
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
  if (!isa<VarDecl>(d)) return nullptr;
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
    taint_unknown_loops();
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
      read_branch(*b);
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
    if (t == sync_type::wait_group)
      return make_op(e && !is_default_construction(e) ? op_kind::make_unknown : op_kind::make_wait_group, loc, slot);
    if (t == sync_type::mutex)
      return make_op(e && !is_default_construction(e) ? op_kind::make_unknown : op_kind::make_mutex, loc, slot);
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

  // Which successor a block with several takes.
  void read_branch(const CFGBlock& b) {
    block& out = body_->blocks[cur_];
    for (const CFGBlock::AdjacentBlock& s : b.succs())
      out.succs.push_back(s.getReachableBlock() ? static_cast<int>(s.getReachableBlock()->getBlockID()) : -1);
    int live = 0;
    for (int s : out.succs) live += s >= 0;
    if (live <= 1) {
      out.branch = branch_kind::none;
      // Keep only the live successor first.
      std::vector<int> keep;
      for (int s : out.succs)
        if (s >= 0) keep.push_back(s);
      out.succs = keep;
      return;
    }
    const Stmt* term = b.getTerminatorStmt();
    if (const auto* sw = dyn_cast_or_null<SwitchStmt>(term)) return read_switch(b, *sw, out);
    const Expr* cond =
        b.getTerminatorCondition(/*StripParens=*/true) ? dyn_cast<Expr>(b.getTerminatorCondition(true)) : nullptr;
    out.branch = branch_kind::any;
    if (out.succs.size() != 2) return;
    if (cond && !cond->isValueDependent()) {
      bool value = false;
      if (cond->EvaluateAsBooleanCondition(value, ctx_)) {
        out.branch = branch_kind::constant;
        out.taken = value ? 0 : 1;
        return;
      }
    }
    if (const auto* f = dyn_cast_or_null<ForStmt>(term)) {
      if (std::optional<int> trips = counted_trips(*f)) {
        if (*trips <= max_unrolled_trips) {
          out.branch = branch_kind::counted;
          out.trips = *trips;
        }
        return;
      }
    }
    if (cond) {
      bool negated = false;
      if (is_last_result_test(cond, negated)) {
        out.branch = negated ? branch_kind::last_not_ok : branch_kind::last_ok;
        return;
      }
      negated = false;
      if (const ValueDecl* v = stable_condition(cond, negated)) {
        auto& vars = body_->cond_vars;
        auto it = std::find(vars.begin(), vars.end(), v);
        out.cond_key = static_cast<int>(it - vars.begin());
        if (it == vars.end()) vars.push_back(v);
        out.cond_negated = negated;
      }
    }
  }

  // `b` or `!b` where b is a parameter or local that is never assigned after
  // its initialisation (nor its address taken): every test of it agrees.
  const ValueDecl* stable_condition(const Expr* cond, bool& negated) const {
    const Expr* e = cond->IgnoreParenImpCasts();
    while (const auto* u = dyn_cast<UnaryOperator>(e)) {
      if (u->getOpcode() != UO_LNot) return nullptr;
      negated = !negated;
      e = u->getSubExpr()->IgnoreParenImpCasts();
    }
    const auto* r = dyn_cast<DeclRefExpr>(e);
    const auto* v = r ? dyn_cast<VarDecl>(r->getDecl()) : nullptr;
    if (!v || !v->getType()->isScalarType() || v->getType().isVolatileQualified()) return nullptr;
    if (!v->isLocalVarDeclOrParm() || v->getType()->isReferenceType()) return nullptr;
    return assigned_in(fn_body_, v) ? nullptr : v;
  }

  // `for (int i = C0; i < N; ++i)` with constants: N - C0 trips.
  std::optional<int> counted_trips(const ForStmt& f) {
    const auto* init = dyn_cast_or_null<DeclStmt>(f.getInit());
    if (!init || !init->isSingleDecl()) return std::nullopt;
    const auto* i = dyn_cast<VarDecl>(init->getSingleDecl());
    if (!i || !i->getType()->isIntegerType() || !i->getInit()) return std::nullopt;
    std::optional<int> from = constant_int(i->getInit(), ctx_);
    const auto* cond = dyn_cast_or_null<BinaryOperator>(f.getCond() ? f.getCond()->IgnoreParenImpCasts() : nullptr);
    if (!from || !cond) return std::nullopt;
    const auto* lhs = dyn_cast<DeclRefExpr>(cond->getLHS()->IgnoreParenImpCasts());
    std::optional<int> to = constant_int(cond->getRHS(), ctx_);
    if (!lhs || lhs->getDecl() != i || !to) return std::nullopt;
    const auto* inc = dyn_cast_or_null<UnaryOperator>(f.getInc() ? f.getInc()->IgnoreParenImpCasts() : nullptr);
    if (!inc || !inc->isIncrementOp()) return std::nullopt;
    const auto* inc_var = dyn_cast<DeclRefExpr>(inc->getSubExpr()->IgnoreParenImpCasts());
    if (!inc_var || inc_var->getDecl() != i || assigned_in(f.getBody(), i)) return std::nullopt;
    int trips = 0;
    switch (cond->getOpcode()) {
      case BO_LT:
      case BO_NE: trips = *to - *from; break;
      case BO_LE: trips = *to - *from + 1; break;
      default: return std::nullopt;
    }
    return trips < 0 ? 0 : trips;
  }

  static bool assigned_in(const Stmt* s, const VarDecl* v) {
    if (!s) return false;
    if (const auto* b = dyn_cast<BinaryOperator>(s); b && b->isAssignmentOp())
      if (const auto* r = dyn_cast<DeclRefExpr>(b->getLHS()->IgnoreParenImpCasts()); r && r->getDecl() == v)
        return true;
    if (const auto* u = dyn_cast<UnaryOperator>(s); u && (u->isIncrementDecrementOp() || u->getOpcode() == UO_AddrOf))
      if (const auto* r = dyn_cast<DeclRefExpr>(u->getSubExpr()->IgnoreParenImpCasts()); r && r->getDecl() == v)
        return true;
    for (const Stmt* c : s->children())
      if (assigned_in(c, v)) return true;
    return false;
  }

  // `x` (the variable a co_await next() initialised), `!x`, `x.has_value()`,
  // `ok` (recv_ok's), `r.ok`.
  bool is_last_result_test(const Expr* cond, bool& negated) {
    const Expr* e = cond->IgnoreParenImpCasts();
    while (const auto* u = dyn_cast<UnaryOperator>(e)) {
      if (u->getOpcode() != UO_LNot) return false;
      negated = !negated;
      e = u->getSubExpr()->IgnoreParenImpCasts();
    }
    if (const auto* m = dyn_cast<CXXMemberCallExpr>(e)) {
      const CXXMethodDecl* md = m->getMethodDecl();
      if (!md || !(isa<CXXConversionDecl>(md) || (md->getIdentifier() && md->getName() == "has_value"))) return false;
      e = m->getImplicitObjectArgument()->IgnoreParenImpCasts();
    }
    if (const auto* me = dyn_cast<MemberExpr>(e)) {
      if (!me->getMemberDecl()->getIdentifier() || me->getMemberDecl()->getName() != "ok") return false;
      e = me->getBase()->IgnoreParenImpCasts();
    }
    const auto* r = dyn_cast<DeclRefExpr>(e);
    if (!r) return false;
    const Expr* init = nullptr;
    if (const auto* v = dyn_cast<VarDecl>(r->getDecl())) init = v->getInit();
    if (const auto* bd = dyn_cast<BindingDecl>(r->getDecl())) {
      const auto* dd = dyn_cast_or_null<VarDecl>(bd->getDecomposedDecl());
      if (!dd || bd->getName() != "ok") return false;
      init = dd->getInit();
    }
    const CoawaitExpr* a = as_await(init);
    if (!a) return false;
    const auto* call = dyn_cast_or_null<CXXMemberCallExpr>(strip(awaited(a)));
    sync_type on = sync_type::none;
    const CXXMethodDecl* m = call ? method_of(call, on) : nullptr;
    return m && on == sync_type::chan && (m->getName() == "next" || m->getName() == "recv_ok");
  }

  void read_switch(const CFGBlock& b, const SwitchStmt& sw, block& out) {
    out.branch = branch_kind::any;
    const Expr* cond = sw.getCond();
    bool on_select = false;
    if (const CoawaitExpr* a = as_await(cond)) on_select = as_select(awaited(a)) != nullptr;
    if (!on_select) {
      if (const auto* r = dyn_cast_or_null<DeclRefExpr>(cond ? cond->IgnoreParenImpCasts() : nullptr))
        if (const auto* v = dyn_cast<VarDecl>(r->getDecl()))
          if (const CoawaitExpr* a = as_await(v->getInit())) on_select = as_select(awaited(a)) != nullptr;
    }
    if (!on_select) return;
    out.branch = branch_kind::select_switch;
    int k = 0;
    for (const CFGBlock::AdjacentBlock& s : b.succs()) {
      const CFGBlock* target = s.getReachableBlock();
      int succ = out.succs[k++];
      if (!target) continue;
      const Stmt* label = target->getLabel();
      if (const auto* cs = dyn_cast_or_null<CaseStmt>(label)) {
        if (std::optional<int> v = constant_int(cs->getLHS(), ctx_)) out.case_succ.push_back({*v, succ});
      } else {
        out.default_succ = succ;  // `default:` or past the switch
      }
    }
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

  // A loop left by a condition the model does not evaluate runs an unknown
  // number of times: its operations are imprecise (their objects become
  // unknown when bound: explorer.cpp).
  void taint_unknown_loops() {
    const auto& blocks = body_->blocks;
    size_t n = blocks.size();
    auto reach = [&](int from) {
      std::vector<bool> seen(n, false);
      std::vector<int> work{from};
      while (!work.empty()) {
        int b = work.back();
        work.pop_back();
        for (int s : blocks[b].succs)
          if (s >= 0 && !seen[s]) {
            seen[s] = true;
            work.push_back(s);
          }
      }
      return seen;
    };
    std::vector<std::vector<bool>> reaches(n);
    for (size_t b = 0; b < n; ++b) reaches[b] = reach(static_cast<int>(b));
    for (size_t b = 0; b < n; ++b) {
      if (blocks[b].branch != branch_kind::any || !reaches[b][b]) continue;
      // Only a branch that can leave the loop decides its trip count; an
      // `if` inside the body keeps both ways in it.
      bool exits = false;
      for (int s : blocks[b].succs) exits = exits || (s >= 0 && !reaches[s][b]);
      if (!exits) continue;
      for (size_t x = 0; x < n; ++x)
        if (reaches[b][x] && reaches[x][b])
          for (op& o : body_->blocks[x].ops) o.imprecise = true;
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
