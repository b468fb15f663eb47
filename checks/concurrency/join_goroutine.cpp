// The goroutine's side of a join proof (join_prover.hpp): what it is given,
// whether it can reach its spawner's memory, and which object it signals
// exactly once on every path with nothing of its spawner's used after it --
// a dataflow over its CFG of the signal counts a path can have reached
// ({0, 1, 2 or more}).
#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Analysis/CFG.h>
#include <clang/Basic/SourceManager.h>

#include <algorithm>

#include "handle_exprs.hpp"
#include "join_prover.hpp"
#include "runtime_model/runtime_model.hpp"

namespace gocxx::concurrency::join_detail {

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
          } else if (isa<CXXThisExpr>(s) && after && info.g.lambda) {
            // The spawner's object: what it points to is not the proof's to know.
            at = s->getBeginLoc();
            return "'this' is used after the goroutine's signal";
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

}  // namespace gocxx::concurrency::join_detail
