// The join proofs of join_proof.hpp.
//
// The goroutine's side is a dataflow over its CFG: the set of signal counts
// a path can have reached ({0, 1, 2 or more}) at each element. The proof
// needs exactly {1} at the exit, and no use of the caller's memory where the
// count can be 1 or more.
//
// The caller's side is read from its AST (the count: an add, or a latch's
// constructor, followed in the same block by the spawns it covers, one by
// one or as a counted loop) and from its CFG (every path from a spawn to the
// end of the local's scope passes a wait).
#include "join_proof.hpp"

#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Analysis/CFG.h>
#include <clang/Basic/SourceManager.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "handle_exprs.hpp"
#include "runtime_model/runtime_model.hpp"

namespace gocxx::concurrency {

using namespace clang;

namespace {

enum class join_kind { none, wait_group, latch, chan };

// Whether decl context `inner` lies within function `fn`.
bool within(const DeclContext* inner, const FunctionDecl* fn) {
  for (const DeclContext* d = inner; d; d = d->getParent())
    if (d == fn) return true;
  return false;
}

const CallExpr* as_spawn(const Stmt* s) {
  const auto* e = dyn_cast_or_null<Expr>(s);
  const auto* call = e ? dyn_cast<CallExpr>(e->IgnoreImplicit()) : nullptr;
  return call && is_go_function(call->getDirectCallee(), "spawn") && call->getNumArgs() >= 1 ? call : nullptr;
}

// Whether s may leave the statements around it: a return, break, continue,
// goto or throw outside any lambda.
bool may_jump(const Stmt* s) {
  struct visitor : RecursiveASTVisitor<visitor> {
    bool found = false;
    bool VisitReturnStmt(ReturnStmt*) { return !(found = true); }
    bool VisitCoreturnStmt(CoreturnStmt*) { return !(found = true); }
    bool VisitBreakStmt(BreakStmt*) { return !(found = true); }
    bool VisitContinueStmt(ContinueStmt*) { return !(found = true); }
    bool VisitGotoStmt(GotoStmt*) { return !(found = true); }
    bool VisitCXXThrowExpr(CXXThrowExpr*) { return !(found = true); }
    bool TraverseLambdaExpr(LambdaExpr*) { return true; }
  } v;
  v.TraverseStmt(const_cast<Stmt*>(s));
  return v.found;
}

// The goroutine a spawn starts: its function, and the lambda when it is one.
struct goroutine_fn {
  const FunctionDecl* fn = nullptr;
  const LambdaExpr* lambda = nullptr;
};

goroutine_fn goroutine_of(const CallExpr* spawn) {
  goroutine_fn g;
  const Expr* callee = strip(spawn->getArg(0));
  if ((g.lambda = dyn_cast<LambdaExpr>(callee))) {
    g.fn = g.lambda->getCallOperator();
  } else if (const auto* r = dyn_cast<DeclRefExpr>(callee)) {
    g.fn = dyn_cast<FunctionDecl>(r->getDecl());
  }
  if (g.fn) g.fn = g.fn->getDefinition();
  if (g.fn && (!g.fn->hasBody() || g.fn->isDependentContext())) g.fn = nullptr;
  return g;
}

// A type through which a goroutine can reach its spawner's memory: a
// pointer or reference, or a class that may hold one (the runtime's handles
// point into the GC heap, not into frames).
bool may_point(QualType t) {
  t = t.getCanonicalType();
  if (t->isPointerType() || t->isReferenceType() || t->isMemberPointerType()) return true;
  if (t->isArrayType()) return may_point(QualType(t->getPointeeOrArrayElementType(), 0));
  if (!t->isRecordType()) return false;
  return !runtime_model::is_go_handle_type(t);
}

std::unique_ptr<CFG> build_cfg(ASTContext& ctx, const FunctionDecl* fn, bool lifetimes) {
  CFG::BuildOptions options;
  options.setAllAlwaysAdd();
  if (lifetimes)
    options.AddLifetime = true;
  else
    options.AddImplicitDtors = true;  // where a go::defer runs
  return CFG::buildCFG(fn, fn->getBody(), &ctx, options);
}

// What a spawned goroutine does for the proof.
struct goroutine_info {
  goroutine_fn g;
  bool may_reach = true;             // whether it can reach its spawner's memory at all
  const VarDecl* join = nullptr;     // the spawner's object it signals
  join_kind kind = join_kind::none;  // ... and what it is
  bool closes = false;               // a channel join: signalled by closing it
  std::set<const VarDecl*> closed;   // the spawner's channels it may close
  std::set<const VarDecl*> waited;   // wait groups it waits on before anything else (a closer goroutine)
  std::set<const VarDecl*> bound;    // the spawner's variables it is given
  std::string why_not;               // non-empty: it cannot serve a proof
  SourceLocation where;
};

// A sum of counts: a constant and at most one symbolic term.
struct count_sum {
  int constant = 0;
  std::vector<const Expr*> symbolic;
};

class prover {
 public:
  prover(ASTContext& ctx, const FunctionDecl* fn, const std::vector<std::string>& latch_types)
      : ctx_(ctx), fn_(fn), latch_types_(latch_types) {}

  join_verdict run(const VarDecl* var);

 private:
  join_verdict fail(std::string why, SourceLocation where) const {
    join_verdict v;
    v.why_not = std::move(why);
    v.where = where;
    return v;
  }

  join_kind kind_of(QualType t) const {
    t = t.getNonReferenceType();
    if (const auto* p = t->getAs<PointerType>()) t = p->getPointeeType();
    switch (type_of(t)) {
      case sync_type::wait_group: return join_kind::wait_group;
      case sync_type::chan: return join_kind::chan;
      default: break;
    }
    const CXXRecordDecl* rd = runtime_model::record_of(t);
    if (!rd) return join_kind::none;
    std::string name = rd->getQualifiedNameAsString();
    if (name == "std::latch") return join_kind::latch;
    for (const std::string& l : latch_types_)
      if (name == l || "::" + name == l) return join_kind::latch;
    return join_kind::none;
  }

  // Whether v is captured by copy into the spawner, a lambda that cannot
  // change its copies (not `mutable`).
  bool copied_in(const VarDecl* v) const {
    const auto* m = dyn_cast<CXXMethodDecl>(fn_);
    if (!m || !m->getParent()->isLambda() || !m->isConst()) return false;
    for (const LambdaCapture& c : m->getParent()->captures())
      if (c.capturesVariable() && c.getCapturedVar() == v) return c.getCaptureKind() == LCK_ByCopy;
    return false;
  }

  // The spawner's local variable an expression of the spawner denotes.
  const VarDecl* local_of(const Expr* e) const {
    const DeclRefExpr* r = as_ref(e);
    const auto* v = r ? dyn_cast<VarDecl>(r->getDecl()) : nullptr;
    if (!v || !v->hasLocalStorage() || v->getType()->isReferenceType() || !within(v->getDeclContext(), fn_))
      return nullptr;
    return v;
  }

  // --- the goroutine's side ---------------------------------------------------

  goroutine_info& info_of(const CallExpr* spawn) {
    auto it = infos_.find(spawn);
    if (it != infos_.end()) return it->second;
    goroutine_info& info = infos_[spawn];
    read_goroutine(spawn, info);
    return info;
  }

  void read_goroutine(const CallExpr* spawn, goroutine_info& info);
  void read_signals(const CallExpr* spawn, goroutine_info& info,
                    const std::map<const ValueDecl*, const VarDecl*>& binding);

  // --- the spawner's side -------------------------------------------------------

  std::string count_mismatch(const VarDecl* join, join_kind kind, const std::vector<const CallExpr*>& spawns);
  std::string chan_count_mismatch(const VarDecl* join, const std::vector<const CallExpr*>& spawns,
                                  const CompoundStmt*& where_block, const Stmt*& first_spawn);
  bool scope_holds(const VarDecl* var, const CompoundStmt* block, const Stmt* first) const;
  const CallExpr* spawn_signalling(const Stmt* s, const VarDecl* join);
  const CallExpr* spawn_structure(const Stmt* s, const VarDecl* join, count_sum& sum);
  std::optional<const Expr*> trip_count(const ForStmt* loop) const;
  static std::vector<const Stmt*> loop_body(const ForStmt* loop);
  bool same_count(const Expr* a, const Expr* b) const;
  bool same_sum(const count_sum& a, const count_sum& b) const;
  void add_count(count_sum& sum, const Expr* count) const;
  std::vector<const CompoundStmt*> blocks() const;
  int receives_in(const Stmt* s, const VarDecl* join) const;
  std::string foreign_use(const VarDecl* join, join_kind kind, SourceLocation& where);
  // Whether s is a wait on `join`; with `closed_only`, one that returns only
  // once `join` (a channel others may send on) is closed: the next() of a
  // `while (auto v = co_await c.next())` that nothing leaves but its end.
  bool is_wait(const Stmt* s, const VarDecl* join, join_kind kind, bool closed_only = false) const;
  void find_range_loops();

  ASTContext& ctx_;
  const FunctionDecl* fn_;
  const std::vector<std::string>& latch_types_;
  std::map<const CallExpr*, goroutine_info> infos_;
  std::set<const Stmt*> range_ends_;  // find_range_loops
};

// What the goroutine is given, and whether it can reach the spawner's memory.
void prover::read_goroutine(const CallExpr* spawn, goroutine_info& info) {
  info.g = goroutine_of(spawn);
  info.where = spawn->getBeginLoc();
  std::map<const ValueDecl*, const VarDecl*> binding;  // goroutine's variable -> spawner's
  info.may_reach = false;
  if (const LambdaExpr* l = info.g.lambda) {
    for (unsigned i = 0; i < l->capture_size(); ++i) {
      const LambdaCapture& cap = l->capture_begin()[i];
      if (!cap.capturesVariable()) {
        info.may_reach = true;  // `this`: the spawner's object
        continue;
      }
      const auto* var = dyn_cast<VarDecl>(cap.getCapturedVar());
      if (!var) continue;
      if (var->isInitCapture()) {
        if (const VarDecl* from = local_of(var->getInit())) {
          binding[var] = from;
          info.bound.insert(from);
        }
        if (may_point(var->getType())) info.may_reach = true;
        continue;
      }
      if (cap.getCaptureKind() == LCK_ByRef || may_point(var->getType())) info.may_reach = true;
      if (within(var->getDeclContext(), fn_)) info.bound.insert(var);
    }
  }
  const FunctionDecl* callee = info.g.fn;
  for (unsigned i = 1; i < spawn->getNumArgs(); ++i) {
    const Expr* a = spawn->getArg(i);
    QualType pt = callee && i - 1 < callee->getNumParams() ? callee->getParamDecl(i - 1)->getType() : a->getType();
    if (may_point(pt) || may_point(a->getType())) info.may_reach = true;
    if (const VarDecl* from = local_of(a)) {
      info.bound.insert(from);
      if (callee && i - 1 < callee->getNumParams()) binding[callee->getParamDecl(i - 1)] = from;
    }
  }
  if (!info.may_reach) return;
  if (!callee) {
    info.why_not = "the goroutine's body is not in this unit";
    return;
  }
  read_signals(spawn, info, binding);
}

// The goroutine's signal: one object of the spawner it signals exactly once
// on every path, with no use of the spawner's memory after it.
void prover::read_signals(const CallExpr* spawn, goroutine_info& info,
                          const std::map<const ValueDecl*, const VarDecl*>& binding) {
  const FunctionDecl* g = info.g.fn;
  std::unique_ptr<CFG> cfg = build_cfg(ctx_, g, /*lifetimes=*/false);
  if (!cfg) {
    info.why_not = "no CFG for the goroutine's body";
    return;
  }
  // The spawner's variable a goroutine expression denotes.
  auto spawner_var = [&](const Expr* e) -> const VarDecl* {
    const DeclRefExpr* r = as_ref(e);
    if (!r) return nullptr;
    if (auto it = binding.find(r->getDecl()); it != binding.end()) return it->second;
    const auto* v = dyn_cast<VarDecl>(r->getDecl());
    return v && v->hasLocalStorage() && within(v->getDeclContext(), fn_) && !within(v->getDeclContext(), g) ? v
                                                                                                            : nullptr;
  };
  // A variable of the goroutine (or the spawner) whose use after the signal
  // may touch the spawner's memory.
  // Whether e names the spawner's memory: a variable of the spawner, or one
  // of the goroutine bound to one, or a pointer the goroutine was given.
  auto mentions_spawner = [&](const Stmt* e) {
    struct visitor : RecursiveASTVisitor<visitor> {
      const FunctionDecl* g;
      const std::map<const ValueDecl*, const VarDecl*>* binding;
      bool found = false;
      bool shouldVisitImplicitCode() const { return true; }
      bool VisitDeclRefExpr(DeclRefExpr* r) {
        const auto* v = dyn_cast<VarDecl>(r->getDecl());
        if (v && v->hasLocalStorage() &&
            (!within(v->getDeclContext(), g) || (binding->count(v) && may_point(v->getType())) ||
             (isa<ParmVarDecl>(v) && (v->getType()->isPointerType() || v->getType()->isReferenceType()))))
          found = true;
        return !found;
      }
    } v;
    v.g = g;
    v.binding = &binding;
    v.TraverseStmt(const_cast<Stmt*>(e));
    return v.found;
  };
  // A variable whose use after the signal may touch the spawner's memory.
  auto is_use = [&](const DeclRefExpr* r) {
    const auto* v = dyn_cast<VarDecl>(r->getDecl());
    if (!v || !v->hasLocalStorage()) return false;             // globals, functions, enumerators
    if (v->isUsableInConstantExpressions(ctx_)) return false;  // a constant: no memory is read
    QualType t = v->getType();
    if (!within(v->getDeclContext(), g)) {
      // The spawner's: captured by copy, a value of the goroutine's own.
      if (info.g.lambda)
        for (const LambdaCapture& c : info.g.lambda->captures())
          if (c.capturesVariable() && c.getCapturedVar() == v && c.getCaptureKind() == LCK_ByCopy) return may_point(t);
      return true;
    }
    if (t->isPointerType() || t->isReferenceType()) return true;
    if (binding.count(v)) return may_point(t);  // a handle or value given by copy is the goroutine's own
    return !isa<ParmVarDecl>(v) && may_point(t) && v->getInit() && mentions_spawner(v->getInit());
  };

  // Signals: the element where one happens, with its object.
  struct signal {
    const VarDecl* join;
    join_kind kind;
    bool closes;
  };
  std::map<const VarDecl*, std::set<const DeclRefExpr*>> signal_refs;  // per object: its signals' own references
  auto signal_of = [&](const Stmt* s, bool awaited) -> std::optional<signal> {
    const auto* call = dyn_cast_or_null<CXXMemberCallExpr>(s);
    if (!call || !call->getMethodDecl() || !call->getMethodDecl()->getIdentifier()) return std::nullopt;
    const VarDecl* j = spawner_var(call->getImplicitObjectArgument());
    if (!j) return std::nullopt;
    join_kind k = kind_of(j->getType());
    llvm::StringRef name = call->getMethodDecl()->getName();
    bool is_signal = (k == join_kind::wait_group && name == "done") ||
                     (k == join_kind::latch && name == "count_down" &&
                      (call->getNumArgs() == 0 || call->getArg(0)->isDefaultArgument() ||
                       constant_int(call->getArg(0), ctx_) == 1)) ||
                     (k == join_kind::chan && ((name == "send" && awaited) || (name == "close" && !awaited)));
    if (!is_signal) return std::nullopt;
    if (const DeclRefExpr* r = as_ref(call->getImplicitObjectArgument())) signal_refs[j].insert(r);
    return signal{j, k, name == "close"};
  };
  // go::defer d([...] { out.close(); wg.done(); }): its statements run
  // where d is destroyed.
  auto deferred_body = [&](const VarDecl* d) -> const CompoundStmt* {
    const CXXRecordDecl* rd = runtime_model::record_of(d->getType());
    if (!rd || runtime_model::record_or_template_name(rd) != "defer" || !runtime_model::in_top_namespace(rd, "go") ||
        !d->getInit())
      return nullptr;
    const auto* construct = dyn_cast<CXXConstructExpr>(d->getInit()->IgnoreImplicit());
    const auto* lambda =
        construct && construct->getNumArgs() >= 1 ? dyn_cast<LambdaExpr>(strip(construct->getArg(0))) : nullptr;
    return lambda ? dyn_cast_or_null<CompoundStmt>(lambda->getBody()) : nullptr;
  };
  auto stmt_signal = [&](const Stmt* st) -> std::optional<signal> {
    const auto* e = dyn_cast<Expr>(st);
    return e ? signal_of(e->IgnoreImplicit(), false) : std::nullopt;
  };

  // The signals an element makes: a call, a co_await, or the statements
  // of a go::defer where it is destroyed.
  auto element_signals = [&](const CFGElement& el) {
    std::vector<std::pair<std::optional<signal>, const Stmt*>> out;
    if (auto d = el.getAs<CFGAutomaticObjDtor>()) {
      if (const CompoundStmt* body = deferred_body(d->getVarDecl()))
        for (const Stmt* st : body->body()) out.emplace_back(stmt_signal(st), st);
      return out;
    }
    auto cs = el.getAs<CFGStmt>();
    if (!cs) return out;
    if (const auto* a = dyn_cast<CoawaitExpr>(cs->getStmt()))
      out.emplace_back(signal_of(strip(awaited(a)), true), cs->getStmt());
    else if (isa<CXXMemberCallExpr>(cs->getStmt()))
      out.emplace_back(signal_of(cs->getStmt(), false), cs->getStmt());
    return out;
  };
  // Every object the goroutine signals is a candidate join; the proof
  // needs one that passes (a wait group or latch before a channel).
  std::vector<signal> candidates;
  for (const CFGBlock* b : *cfg)
    for (const CFGElement& el : *b)
      for (auto& [sig, st] : element_signals(el)) {
        if (!sig) continue;
        bool known = false;
        for (signal& c : candidates)
          if (c.join == sig->join) {
            known = true;
            c.closes = c.closes || sig->closes;
          }
        if (!known) candidates.push_back(*sig);
      }
  std::stable_sort(candidates.begin(), candidates.end(), [](const signal& a, const signal& b) {
    return a.kind != join_kind::chan && b.kind == join_kind::chan;
  });
  // A capture does nothing by itself: what counts is the lambda's body.
  struct refs : RecursiveASTVisitor<refs> {
    std::vector<const DeclRefExpr*> found;
    std::set<const Expr*> captures;
    bool VisitLambdaExpr(LambdaExpr* l) {
      for (const Expr* init : l->capture_inits())
        if (init) captures.insert(init->IgnoreImplicit());
      return true;
    }
    bool VisitDeclRefExpr(DeclRefExpr* r) {
      if (!captures.count(r)) found.push_back(r);
      return true;
    }
  } all;
  all.TraverseStmt(g->getBody());

  // Whether `join` is signalled exactly once on every path, last: a
  // dataflow of the counts a path can have reached (bit n: n signals; bit
  // 2: two or more) at each block. Returns what fails, with `at`.
  auto evaluate = [&](const VarDecl* join, SourceLocation& at) -> std::string {
    std::vector<unsigned> in(cfg->getNumBlockIDs(), 0);
    std::vector<const CFGBlock*> work{&cfg->getEntry()};
    in[cfg->getEntry().getBlockID()] = 1u;
    while (!work.empty()) {
      const CFGBlock* b = work.back();
      work.pop_back();
      unsigned counts = in[b->getBlockID()];
      for (const CFGElement& el : *b) {
        bool signalled = false;
        for (auto& [sig, st] : element_signals(el)) {
          if (sig && sig->join == join) {
            counts = ((counts << 1) | (counts & 4u)) & 7u;
            signalled = true;
          } else if ((counts & 6u) && el.getAs<CFGAutomaticObjDtor>() && mentions_spawner(st)) {
            at = st->getBeginLoc();
            return "the goroutine's deferred call uses its spawner's memory after the signal";
          }
        }
        if (signalled) continue;
        bool after = (counts & 6u) != 0;
        if (auto d = el.getAs<CFGAutomaticObjDtor>()) {
          const VarDecl* v = d->getVarDecl();
          if (after && !deferred_body(v) && may_point(v->getType()) && v->getInit() && mentions_spawner(v->getInit())) {
            at = v->getLocation();
            return "'" + v->getNameAsString() + "' is destroyed after the goroutine's signal";
          }
        } else if (auto cs = el.getAs<CFGStmt>()) {
          const Stmt* s = cs->getStmt();
          if (const CallExpr* inner = as_spawn(s)) {
            if (info_of(inner).may_reach) {
              at = s->getBeginLoc();
              return "it spawns a goroutine of its own that the proof does not follow";
            }
          } else if (const auto* r = dyn_cast<DeclRefExpr>(s); r && after && !signal_refs[join].count(r) && is_use(r)) {
            at = r->getLocation();
            return "'" + r->getDecl()->getNameAsString() + "' is used after the goroutine's signal";
          }
        }
      }
      for (const CFGBlock::AdjacentBlock& s : b->succs()) {
        const CFGBlock* n = s.getReachableBlock();
        if (!n) continue;
        unsigned& to = in[n->getBlockID()];
        if ((to | counts) != to) {
          to |= counts;
          work.push_back(n);
        }
      }
    }
    at = spawn->getBeginLoc();
    unsigned at_exit = in[cfg->getExit().getBlockID()];
    if (at_exit & 1u) return "a path of the goroutine ends without signalling '" + join->getNameAsString() + "'";
    if (at_exit & 4u) return "a path of the goroutine signals '" + join->getNameAsString() + "' more than once";
    // The join object serves nothing else in the goroutine.
    for (const DeclRefExpr* r : all.found)
      if (!signal_refs[join].count(r) && spawner_var(r) == join) {
        at = r->getLocation();
        return "the goroutine uses '" + join->getNameAsString() + "' for more than its signal";
      }
    return "";
  };
  for (const signal& c : candidates)
    if (c.closes) info.closed.insert(c.join);
  // A wait on a wait group of the spawner that starts the goroutine's body,
  // before anything that could return or signal: `co_await wg->wait();
  // results.close();`. Its waits on it are all the goroutine does with it.
  const Stmt* body = g->getBody();
  if (const auto* co = dyn_cast_or_null<CoroutineBodyStmt>(body)) body = co->getBody();
  if (const auto* block = dyn_cast_or_null<CompoundStmt>(body)) {
    std::set<const DeclRefExpr*> wait_refs;
    for (const Stmt* st : block->body()) {
      const auto* e = dyn_cast<Expr>(st);
      const auto* a = e ? dyn_cast<CoawaitExpr>(e->IgnoreImplicit()) : nullptr;
      const auto* call = a ? dyn_cast_or_null<CXXMemberCallExpr>(strip(awaited(a))) : nullptr;
      const VarDecl* w = call ? spawner_var(call->getImplicitObjectArgument()) : nullptr;
      join_kind wk = w ? kind_of(w->getType()) : join_kind::none;
      if (!w || (wk != join_kind::wait_group && wk != join_kind::latch) || !call->getMethodDecl() ||
          !call->getMethodDecl()->getIdentifier() || call->getMethodDecl()->getName() != "wait")
        break;
      info.waited.insert(w);
      wait_refs.insert(as_ref(call->getImplicitObjectArgument()));
    }
    for (const DeclRefExpr* r : all.found)
      if (const VarDecl* w = spawner_var(r); w && info.waited.count(w) && !wait_refs.count(r)) info.waited.erase(w);
  }
  for (const signal& c : candidates) {
    SourceLocation at;
    std::string why = evaluate(c.join, at);
    if (why.empty()) {
      info.join = c.join;
      info.kind = c.kind;
      info.closes = c.closes;
      info.why_not.clear();
      return;
    }
    if (info.why_not.empty()) {
      info.why_not = why;
      info.where = at;
    }
  }
  if (candidates.empty()) info.why_not = "the goroutine signals nothing its spawner waits for";
}

void prover::find_range_loops() {
  struct visitor : RecursiveASTVisitor<visitor> {
    std::set<const Stmt*>* out;
    bool VisitWhileStmt(WhileStmt* w) {
      const Expr* cond = w->getConditionVariable() ? w->getConditionVariable()->getInit() : w->getCond();
      const auto* a = cond ? dyn_cast<CoawaitExpr>(cond->IgnoreImplicit()) : nullptr;
      const auto* call = a ? dyn_cast_or_null<CXXMemberCallExpr>(strip(awaited(a))) : nullptr;
      if (call && call->getMethodDecl() && call->getMethodDecl()->getIdentifier() &&
          call->getMethodDecl()->getName() == "next" && !may_jump(w->getBody()))
        out->insert(a);
      return true;
    }
    bool TraverseLambdaExpr(LambdaExpr*) { return true; }
  } v;
  v.out = &range_ends_;
  v.TraverseStmt(fn_->getBody());
}

// Whether s is a wait on `join` that returns only after the signals it counts.
bool prover::is_wait(const Stmt* s, const VarDecl* join, join_kind kind, bool closed_only) const {
  if (closed_only) return kind == join_kind::chan && range_ends_.count(s) && is_wait(s, join, kind, false);
  const CXXMemberCallExpr* call = nullptr;
  bool awaited_call = false;
  if (const auto* a = dyn_cast<CoawaitExpr>(s)) {
    call = dyn_cast_or_null<CXXMemberCallExpr>(strip(awaited(a)));
    awaited_call = true;
  } else if (kind == join_kind::latch) {
    call = dyn_cast<CXXMemberCallExpr>(s);
    if (call && !call->getType()->isVoidType()) call = nullptr;  // a task: waits where awaited
  }
  if (!call || !call->getMethodDecl() || !call->getMethodDecl()->getIdentifier()) return false;
  if (local_of(call->getImplicitObjectArgument()) != join) return false;
  llvm::StringRef name = call->getMethodDecl()->getName();
  if (kind == join_kind::chan) return awaited_call && (name == "recv" || name == "recv_ok" || name == "next");
  return name == "wait";
}

// Every use the spawner makes of `join` is one the proof understands: the
// count, the waits, read-only calls, receives, and the goroutines that
// signal it. Returns what is not, with `where`.
std::string prover::foreign_use(const VarDecl* join, join_kind kind, SourceLocation& where) {
  struct visitor : RecursiveASTVisitor<visitor> {
    prover* self;
    const VarDecl* join;
    join_kind kind;
    std::set<const DeclRefExpr*> accounted;
    std::vector<const DeclRefExpr*> refs;
    std::vector<const LambdaExpr*> lambdas;
    bool shouldVisitImplicitCode() const { return true; }
    bool TraverseLambdaExpr(LambdaExpr* l) {
      for (const LambdaCapture& c : l->captures())
        if (c.capturesVariable() && c.getCapturedVar() == join) lambdas.push_back(l);
      for (Expr* init : l->capture_inits())
        if (init) TraverseStmt(init);
      return true;  // the body is a function of its own
    }
    bool VisitDeclRefExpr(DeclRefExpr* r) {
      if (r->getDecl() == join) refs.push_back(r);
      return true;
    }
    bool VisitCXXMemberCallExpr(CXXMemberCallExpr* call) {
      const CXXMethodDecl* m = call->getMethodDecl();
      const DeclRefExpr* r = as_ref(call->getImplicitObjectArgument());
      if (!m || !m->getIdentifier() || !r || r->getDecl() != join) return true;
      llvm::StringRef name = m->getName();
      bool ok = false;
      switch (kind) {
        case join_kind::wait_group: ok = name == "add" || name == "wait"; break;
        case join_kind::latch: ok = name == "wait" || m->isConst(); break;
        case join_kind::chan:
          ok = name == "recv" || name == "recv_ok" || name == "next" || name == "len" || name == "cap";
          break;
        case join_kind::none: break;
      }
      if (ok) accounted.insert(r);
      return true;
    }
    bool VisitCallExpr(CallExpr* call) {
      const CallExpr* spawn = as_spawn(call);
      if (!spawn) return true;
      goroutine_info& info = self->info_of(spawn);
      // The goroutines that signal it; those that wait on it first (a
      // closer); and for a channel, those that may send on it but never
      // close it (its waits then are the ends of range loops: run()).
      bool ok = info.join == join || info.waited.count(join) ||
                (kind == join_kind::chan && info.join && !info.closed.count(join));
      if (!ok) return true;
      for (unsigned i = 1; i < spawn->getNumArgs(); ++i)
        if (const DeclRefExpr* r = as_ref(spawn->getArg(i)); r && r->getDecl() == join) accounted.insert(r);
      if (info.g.lambda) signalling.insert(info.g.lambda);
      return true;
    }
    std::set<const LambdaExpr*> signalling;
  } v;
  v.self = this;
  v.join = join;
  v.kind = kind;
  v.TraverseStmt(fn_->getBody());
  for (const LambdaExpr* l : v.lambdas) {
    if (v.signalling.count(l)) {
      for (const Expr* init : l->capture_inits())
        if (const DeclRefExpr* r = init ? as_ref(init) : nullptr; r && r->getDecl() == join) v.accounted.insert(r);
      continue;
    }
    where = l->getBeginLoc();
    return "'" + join->getNameAsString() + "' is captured by a function that does not signal it";
  }
  for (const DeclRefExpr* r : v.refs) {
    if (v.accounted.count(r)) continue;
    where = r->getLocation();
    return "'" + join->getNameAsString() + "' is used in a way the proof does not follow";
  }
  return "";
}

const CallExpr* prover::spawn_signalling(const Stmt* s, const VarDecl* join) {
  const CallExpr* c = as_spawn(s);
  return c && info_of(c).join == join ? c : nullptr;
}

// `for (int i = 0; i < E; ++i)` whose body leaves i alone: E trips.
std::optional<const Expr*> prover::trip_count(const ForStmt* loop) const {
  const auto* init = dyn_cast_or_null<DeclStmt>(loop->getInit());
  const auto* i = init && init->isSingleDecl() ? dyn_cast<VarDecl>(init->getSingleDecl()) : nullptr;
  const auto* cond =
      dyn_cast_or_null<BinaryOperator>(loop->getCond() ? loop->getCond()->IgnoreParenImpCasts() : nullptr);
  const auto* inc = dyn_cast_or_null<UnaryOperator>(loop->getInc() ? loop->getInc()->IgnoreParenImpCasts() : nullptr);
  if (!i || !i->getInit() || constant_int(i->getInit(), ctx_) != 0 || !cond || cond->getOpcode() != BO_LT || !inc ||
      !inc->isIncrementOp())
    return std::nullopt;
  const auto* lhs = dyn_cast<DeclRefExpr>(cond->getLHS()->IgnoreParenImpCasts());
  const auto* iv = dyn_cast<DeclRefExpr>(inc->getSubExpr()->IgnoreParenImpCasts());
  if (!lhs || lhs->getDecl() != i || !iv || iv->getDecl() != i || assigned_in(loop->getBody(), i)) return std::nullopt;
  return cond->getRHS();
}

std::vector<const Stmt*> prover::loop_body(const ForStmt* loop) {
  std::vector<const Stmt*> out;
  if (const auto* body = dyn_cast_or_null<CompoundStmt>(loop->getBody()))
    out.assign(body->body_begin(), body->body_end());
  else if (loop->getBody())
    out.push_back(loop->getBody());
  return out;
}

// Whether two counts are equal: the same constant, or the same variable
// that nothing changes. (A conversion between integer types does not change
// a count that fits in both: static_cast<int>(n) counts what `i < n` does.)
bool prover::same_count(const Expr* a, const Expr* b) const {
  std::optional<int> ca = constant_int(a, ctx_), cb = constant_int(b, ctx_);
  if (ca || cb) return ca && cb && *ca == *cb;
  const auto* r = dyn_cast<DeclRefExpr>(a->IgnoreParenCasts());
  const auto* rb = dyn_cast<DeclRefExpr>(b->IgnoreParenCasts());
  if (!r || !rb || r->getDecl() != rb->getDecl()) return false;
  // (A variable of an enclosing function must be const, or copied into this
  // lambda: another goroutine may change it.)
  const auto* v = dyn_cast<VarDecl>(r->getDecl());
  return v && (v->getType().isConstQualified() || within(v->getDeclContext(), fn_) || copied_in(v)) &&
         !assigned_in(fn_->getBody(), v);
}

// Whether two sums are equal (the constant parts, and one symbolic term
// each that same_count() accepts).
bool prover::same_sum(const count_sum& a, const count_sum& b) const {
  if (a.constant != b.constant || a.symbolic.size() != b.symbolic.size() || a.symbolic.size() > 1) return false;
  return a.symbolic.empty() || same_count(a.symbolic.front(), b.symbolic.front());
}

// Adds the trips of a loop (or one count) to a sum.
void prover::add_count(count_sum& sum, const Expr* count) const {
  if (std::optional<int> k = constant_int(count, ctx_))
    sum.constant += *k;
  else
    sum.symbolic.push_back(count);
}

// The compound statements of the function's body (not of its lambdas).
std::vector<const CompoundStmt*> prover::blocks() const {
  struct walker : RecursiveASTVisitor<walker> {
    std::vector<const CompoundStmt*> found;
    bool VisitCompoundStmt(CompoundStmt* c) {
      found.push_back(c);
      return true;
    }
    bool TraverseLambdaExpr(LambdaExpr*) { return true; }
  } w;
  w.TraverseStmt(fn_->getBody());
  return w.found;
}

// The spawns signalling `join` a statement starts: one, or a counted loop
// that spawns once per trip (its trips added to `sum`). Null when neither.
const CallExpr* prover::spawn_structure(const Stmt* s, const VarDecl* join, count_sum& sum) {
  if (const CallExpr* c = spawn_signalling(s, join)) {
    sum.constant += 1;
    return c;
  }
  const auto* loop = dyn_cast<ForStmt>(s);
  if (!loop) return nullptr;
  const CallExpr* only = nullptr;
  int n = 0;
  for (const Stmt* b : loop_body(loop))
    if (const CallExpr* c = spawn_signalling(b, join)) {
      only = c;
      ++n;
    }
  std::optional<const Expr*> trips = n == 1 ? trip_count(loop) : std::nullopt;
  if (!trips) return nullptr;
  add_count(sum, *trips);
  return only;
}

// The spawns signalling a wait group or latch against its count: each
// covered by an add (or the latch's constructor) before it in the same
// block, one by one or as a counted loop. Returns what does not match.
std::string prover::count_mismatch(const VarDecl* join, join_kind kind, const std::vector<const CallExpr*>& spawns) {
  std::set<const CallExpr*> covered;
  // The count an add site sets.
  auto count_at = [&](const Stmt* s) -> const Expr* {
    if (kind == join_kind::latch) {
      const auto* d = dyn_cast<DeclStmt>(s);
      if (!d || std::find(d->decl_begin(), d->decl_end(), join) == d->decl_end()) return nullptr;
      const auto* ctor =
          dyn_cast_or_null<CXXConstructExpr>(join->getInit() ? join->getInit()->IgnoreImplicit() : nullptr);
      return ctor && ctor->getNumArgs() >= 1 ? ctor->getArg(0) : nullptr;
    }
    const auto* e = dyn_cast<Expr>(s);
    const auto* call = e ? dyn_cast<CXXMemberCallExpr>(e->IgnoreImplicit()) : nullptr;
    if (!call || !call->getMethodDecl() || !call->getMethodDecl()->getIdentifier() ||
        call->getMethodDecl()->getName() != "add" || local_of(call->getImplicitObjectArgument()) != join ||
        call->getNumArgs() != 1)
      return nullptr;
    return call->getArg(0);
  };
  std::string mismatch = "the count of '" + join->getNameAsString() + "' is not the number of goroutines";
  for (const CompoundStmt* block : blocks()) {
    for (auto it = block->body_begin(); it != block->body_end(); ++it) {
      const Expr* count = count_at(*it);
      if (!count) continue;
      count_sum spawned;
      for (auto next = it + 1; next != block->body_end(); ++next) {
        if (count_at(*next)) break;
        if (const CallExpr* c = spawn_structure(*next, join, spawned)) {
          covered.insert(c);
          continue;
        }
        // A wait ends what this count covers; a spawn anywhere else in
        // the block is not covered (the check after the loop says so).
        if (const auto* e = dyn_cast<Expr>(*next); e && is_wait(e->IgnoreImplicit(), join, kind)) break;
      }
      count_sum counted;
      add_count(counted, count);
      if (!same_sum(counted, spawned)) return mismatch;
    }
  }
  for (const CallExpr* s : spawns)
    if (!covered.count(s)) return "a spawn that signals '" + join->getNameAsString() + "' is not counted by its add";
  return "";
}

// The receives from `join` in s (outside lambdas).
int prover::receives_in(const Stmt* s, const VarDecl* join) const {
  struct visitor : RecursiveASTVisitor<visitor> {
    const prover* self;
    const VarDecl* join;
    int n = 0;
    bool VisitCoawaitExpr(CoawaitExpr* a) {
      n += self->is_wait(a, join, join_kind::chan);
      return true;
    }
    bool TraverseLambdaExpr(LambdaExpr*) { return true; }
  } v;
  v.self = this;
  v.join = join;
  v.TraverseStmt(const_cast<Stmt*>(s));
  return v.n;
}

// Several goroutines signalling one channel, each by one send: the function
// spawns them all (statements, or a counted loop) and then, in the same
// block with nothing that jumps out between, receives once per goroutine
// (statements with one receive each, or a counted loop of one). Each
// receive completes only on some goroutine's send: as many receives as
// goroutines wait for all of them.
std::string prover::chan_count_mismatch(const VarDecl* join, const std::vector<const CallExpr*>& spawns,
                                        const CompoundStmt*& where_block, const Stmt*& first_spawn) {
  const std::string name = "'" + join->getNameAsString() + "'";
  for (const CallExpr* s : spawns)
    if (info_of(s).closes) return "more than one goroutine signals " + name + ", one by closing it";
  std::set<const CallExpr*> covered;
  for (const CompoundStmt* block : blocks()) {
    count_sum spawned, received;
    bool receiving = false, any = false;
    for (const Stmt* s : block->body()) {
      count_sum before = spawned;
      const CallExpr* c = spawn_structure(s, join, spawned);
      if (c && covered.count(c)) {  // counted by the loop around this block
        spawned = before;
        continue;
      }
      if (c) {
        if (receiving) return "a goroutine that signals " + name + " is spawned after the receives begin";
        covered.insert(c);
        if (!any) {
          where_block = block;
          first_spawn = s;
        }
        any = true;
        continue;
      }
      spawned = before;
      if (!any) continue;
      if (may_jump(s)) {
        if (!same_sum(spawned, received)) return "a statement may leave the block before every goroutine is received";
        break;
      }
      int n = receives_in(s, join);
      const auto* loop = dyn_cast<ForStmt>(s);
      if (loop && n > 0) {
        std::vector<const Stmt*> body = loop_body(loop);
        std::optional<const Expr*> trips = trip_count(loop);
        int direct = 0;
        for (const Stmt* b : body)
          if (!isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt, IfStmt, SwitchStmt>(b)) direct += receives_in(b, join);
        if (!trips || n != 1 || direct != 1 || may_jump(loop->getBody()))
          return "the receives from " + name + " are not counted";
        add_count(received, *trips);
        receiving = true;
      } else if (n > 0) {
        if (!isa<Expr, DeclStmt>(s)) return "the receives from " + name + " are not counted";
        received.constant += n;
        receiving = true;
      }
    }
    if (any && !same_sum(spawned, received))
      return "the receives from " + name + " are not one per goroutine that signals it";
  }
  for (const CallExpr* s : spawns)
    if (!covered.count(s)) return "a spawn that signals " + name + " is not counted by the receives";
  return "";
}

// Whether var's scope holds `block` from its statement `first` on: var is
// a parameter, or declared before `first` in `block`, or in a block that
// encloses it.
bool prover::scope_holds(const VarDecl* var, const CompoundStmt* block, const Stmt* first) const {
  if (isa<ParmVarDecl>(var)) return true;
  if (!block || !first) return false;
  const SourceManager& sm = ctx_.getSourceManager();
  auto before = [&](SourceLocation a, SourceLocation b) { return sm.isBeforeInTranslationUnit(a, b); };
  for (const CompoundStmt* c : blocks()) {
    for (const Stmt* s : c->body()) {
      const auto* d = dyn_cast<DeclStmt>(s);
      if (!d || std::find(d->decl_begin(), d->decl_end(), var) == d->decl_end()) continue;
      if (c == block) return before(d->getBeginLoc(), first->getBeginLoc());
      return before(d->getEndLoc(), block->getBeginLoc()) && before(c->getBeginLoc(), block->getBeginLoc()) &&
             before(block->getEndLoc(), c->getEndLoc());
    }
  }
  return false;
}

join_verdict prover::run(const VarDecl* var) {
  find_range_loops();
  std::unique_ptr<CFG> cfg = build_cfg(ctx_, fn_, /*lifetimes=*/true);
  if (!cfg) return fail("no CFG for the function", var->getLocation());
  // Where var lives: from its declaration to its lifetime's ends (the
  // function's exit for a parameter).
  using position = std::pair<const CFGBlock*, unsigned>;
  std::optional<position> declared;
  std::vector<std::pair<position, const CallExpr*>> spawns;
  std::set<position> ends;
  std::map<position, const Stmt*> stmts;
  for (const CFGBlock* b : *cfg) {
    unsigned i = 0;
    for (const CFGElement& el : *b) {
      position p{b, i++};
      if (auto l = el.getAs<CFGLifetimeEnds>(); l && l->getVarDecl() == var) ends.insert(p);
      auto cs = el.getAs<CFGStmt>();
      if (!cs) continue;
      stmts[p] = cs->getStmt();
      if (const auto* d = dyn_cast<DeclStmt>(cs->getStmt()))
        for (const Decl* x : d->decls())
          if (x == var) declared = p;
      if (const CallExpr* s = as_spawn(cs->getStmt())) spawns.push_back({p, s});
    }
  }
  if (isa<ParmVarDecl>(var)) ends.insert(position{&cfg->getExit(), 0});
  // Whether a path from `from` (not included) reaches a position where
  // found() holds, without passing one where stop() does.
  auto reach = [&](position from, auto stop, auto found) {
    std::set<position> seen;
    std::vector<position> work;
    auto step = [&](position q) {
      auto push = [&](position n) {
        if (seen.insert(n).second) work.push_back(n);
      };
      if (q.second + 1 < q.first->size()) {
        push({q.first, q.second + 1});
        return;
      }
      for (const CFGBlock::AdjacentBlock& s : q.first->succs())
        if (const CFGBlock* n = s.getReachableBlock()) push({n, 0});
    };
    step(from);
    while (!work.empty()) {
      position q = work.back();
      work.pop_back();
      if (found(q)) return true;
      if (!stop(q)) step(q);
    }
    return false;
  };
  auto never = [](position) { return false; };
  std::map<const VarDecl*, std::pair<join_kind, std::vector<const CallExpr*>>> joins;
  for (auto& [p, spawn] : spawns) {
    const goroutine_info& info = info_of(spawn);
    if (!info.join) continue;
    joins[info.join].first = info.kind;
    joins[info.join].second.push_back(spawn);
  }
  auto in_loop = [&](position p) { return reach(p, never, [&](position q) { return q == p; }); };
  // Channels several goroutines signal, or one spawned in a loop: counted
  // (chan_count_mismatch), and the scope must hold the counted block.
  std::set<const VarDecl*> counted_chans;
  for (auto& [join, entry] : joins) {
    if (entry.first != join_kind::chan) continue;
    bool looped = entry.second.size() > 1;
    for (auto& [p, spawn] : spawns) looped = looped || (spawn == entry.second.front() && in_loop(p));
    if (looped) counted_chans.insert(join);
  }
  // Channels that goroutines other than their signallers hold (senders):
  // only the end of a range loop waits for the signal on those.
  std::set<const VarDecl*> shared_chans;
  for (auto& [p, spawn] : spawns) {
    const goroutine_info& info = info_of(spawn);
    for (const VarDecl* v : info.bound)
      if (v != info.join && kind_of(v->getType()) == join_kind::chan && joins.count(v)) shared_chans.insert(v);
  }
  // A wait on the join of a goroutine that first waits on `w` (a closer)
  // waits on `w` too, when every spawn that signals `w` comes before it.
  auto proxy_wait = [&](const Stmt* st, const VarDecl* w) {
    for (auto& [pc, c] : spawns) {
      const goroutine_info& ci = info_of(c);
      if (!ci.join || !ci.waited.count(w) || !ci.why_not.empty()) continue;
      if (!is_wait(st, ci.join, ci.kind, shared_chans.count(ci.join) > 0)) continue;
      bool later_signaller = reach(pc, never, [&](position q) {
        auto it = stmts.find(q);
        const CallExpr* other = it != stmts.end() ? as_spawn(it->second) : nullptr;
        return other && info_of(other).join == w;
      });
      if (!later_signaller) return true;
    }
    return false;
  };
  std::vector<const CallExpr*> all_spawns;
  std::set<const VarDecl*> scope_checked;  // counted channels whose coverage is the scope's
  for (auto& [p, spawn] : spawns) {
    goroutine_info& info = info_of(spawn);
    bool in_scope = isa<ParmVarDecl>(var) || (declared && reach(*declared, never, [&](position q) { return q == p; }));
    if (!in_scope || !info.may_reach) continue;
    if (!info.why_not.empty()) return fail(info.why_not, info.where);
    // Every path from the spawn to the end of var's scope waits.
    const VarDecl* join = info.join;
    join_kind kind = info.kind;
    auto waits = [&](position q) {
      auto it = stmts.find(q);
      return it != stmts.end() &&
             (is_wait(it->second, join, kind, shared_chans.count(join) > 0) || proxy_wait(it->second, join));
    };
    if (reach(p, waits, [&](position q) { return ends.count(q) > 0; })) {
      // (A counted loop of receives may run no trip as far as the CFG
      // knows; the count ties it to the spawns instead.)
      if (!counted_chans.count(join))
        return fail("a path from the spawn reaches the end of '" + var->getNameAsString() +
                        "''s scope without waiting on '" + join->getNameAsString() + "'",
                    spawn->getBeginLoc());
      scope_checked.insert(join);
    }
    all_spawns.push_back(spawn);
  }
  for (auto& [join, entry] : joins) {
    auto& [kind, join_spawns] = entry;
    bool relevant = false;
    for (const CallExpr* s : join_spawns) relevant = relevant || std::count(all_spawns.begin(), all_spawns.end(), s);
    if (!relevant) continue;
    SourceLocation where = join->getLocation();
    if (std::string why = foreign_use(join, kind, where); !why.empty()) return fail(why, where);
    if (counted_chans.count(join)) {
      const CompoundStmt* block = nullptr;
      const Stmt* first = nullptr;
      if (std::string why = chan_count_mismatch(join, join_spawns, block, first); !why.empty()) return fail(why, where);
      if (scope_checked.count(join) && !scope_holds(var, block, first))
        return fail("the receives from '" + join->getNameAsString() + "' are not all in '" + var->getNameAsString() +
                        "''s scope",
                    where);
      continue;
    }
    if (kind == join_kind::chan) continue;  // one goroutine, received from on every path
    if (std::string why = count_mismatch(join, kind, join_spawns); !why.empty()) return fail(why, where);
  }
  join_verdict ok;
  ok.proven = true;
  return ok;
}

}  // namespace

join_verdict prove_joined(ASTContext& ctx, const FunctionDecl* fn, const VarDecl* var,
                          const std::vector<std::string>& latch_types) {
  if (!fn || !fn->hasBody()) {
    join_verdict v;
    v.why_not = "the function has no body";
    return v;
  }
  return prover(ctx, fn, latch_types).run(var);
}

std::vector<const FunctionDecl*> spawned_bodies(ASTContext& ctx, const FunctionDecl* fn) {
  (void)ctx;
  struct visitor : RecursiveASTVisitor<visitor> {
    std::vector<const FunctionDecl*> out;
    bool TraverseLambdaExpr(LambdaExpr* l) {
      for (Expr* init : l->capture_inits())
        if (init) TraverseStmt(init);
      return true;
    }
    bool VisitCallExpr(CallExpr* c) {
      if (const CallExpr* s = as_spawn(c))
        if (const FunctionDecl* g = goroutine_of(s).fn) out.push_back(g);
      return true;
    }
  } v;
  if (fn->hasBody()) v.TraverseStmt(fn->getBody());
  return v.out;
}

}  // namespace gocxx::concurrency
