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
#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Analysis/CFG.h>
#include <clang/Basic/SourceManager.h>

#include <algorithm>

#include "handle_exprs.hpp"
#include "join_prover.hpp"
#include "runtime_model/escape_model.hpp"
#include "runtime_model/runtime_model.hpp"

namespace gocxx::concurrency {

namespace join_detail {

// Whether decl context `inner` lies within function `fn`.
bool within(const DeclContext* inner, const FunctionDecl* fn) {
  for (const DeclContext* d = inner; d; d = d->getParent())
    if (d == fn) return true;
  return false;
}

const CallExpr* as_spawn(const Stmt* s) {
  const auto* e = dyn_cast_or_null<Expr>(s);
  const auto* call = e ? dyn_cast<CallExpr>(e->IgnoreImplicit()) : nullptr;
  if (!call) return nullptr;
  const FunctionDecl* f = call->getDirectCallee();
  if (is_go_function(f, "spawn")) return call->getNumArgs() >= 1 ? call : nullptr;
  if (is_go_function(f, "after_func")) return call->getNumArgs() >= 2 ? call : nullptr;
  return nullptr;
}

// The callable a spawn-like call runs: after_func's second argument.
static const Expr* spawned_callable(const CallExpr* spawn) {
  return spawn->getArg(is_go_function(spawn->getDirectCallee(), "after_func") ? 1 : 0);
}

const CXXMemberCallExpr* as_group_go(const Stmt* s, const ValueDecl** group) {
  const auto* e = dyn_cast_or_null<Expr>(s);
  const auto* mc = e ? dyn_cast<CXXMemberCallExpr>(e->IgnoreImplicit()) : nullptr;
  const CXXMethodDecl* md = mc ? mc->getMethodDecl() : nullptr;
  if (!md || !md->getIdentifier() || (md->getName() != "go" && md->getName() != "try_go")) return nullptr;
  if (!runtime_model::in_go_namespace(md) || runtime_model::record_or_template_name(md->getParent()) != "errgroup")
    return nullptr;
  const DeclRefExpr* r = as_ref(mc->getImplicitObjectArgument());
  const ValueDecl* d = r ? r->getDecl() : nullptr;
  *group = d && (isa<VarDecl>(d) || isa<BindingDecl>(d)) ? d : nullptr;
  return mc;
}

// errgroup's wait() returns when every goroutine the group started has --
// once awaited: the task it returns does nothing until then.
bool is_group_wait(const Stmt* s, const ValueDecl* group) {
  const auto* a = dyn_cast<CoawaitExpr>(s);
  const auto* mc = a ? dyn_cast_or_null<CXXMemberCallExpr>(strip(awaited(a))) : nullptr;
  const CXXMethodDecl* md = mc ? mc->getMethodDecl() : nullptr;
  if (!md || !md->getIdentifier() || md->getName() != "wait") return false;
  if (!runtime_model::in_go_namespace(md) || runtime_model::record_or_template_name(md->getParent()) != "errgroup")
    return false;
  const DeclRefExpr* r = as_ref(mc->getImplicitObjectArgument());
  return r && r->getDecl() == group;
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

goroutine_fn goroutine_of(const CallExpr* spawn) {
  goroutine_fn g;
  const Expr* callee = strip(spawned_callable(spawn));
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
  if (!read_) {
    read_ = true;
    find_range_loops();
    cfg_ = build_cfg(ctx_, fn_, /*lifetimes=*/true);
  }
  if (!cfg_) return fail("no CFG for the function", var->getLocation());
  const CFG* cfg = cfg_.get();
  // Where var lives: from its declaration to its lifetime's ends (the
  // function's exit for a parameter).
  using position = std::pair<const CFGBlock*, unsigned>;
  std::optional<position> declared;
  std::vector<std::pair<position, const CallExpr*>> spawns;
  // errgroup's go calls, with the group variable (null: not a variable).
  std::vector<std::tuple<position, const CallExpr*, const ValueDecl*>> group_gos;
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
      const ValueDecl* group = nullptr;
      if (const CallExpr* s = as_group_go(cs->getStmt(), &group)) group_gos.emplace_back(p, s, group);
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
  // The closer's own join is then part of the proof (proxy_joins).
  std::set<const VarDecl*> proxy_joins;
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
      if (!later_signaller) {
        proxy_joins.insert(ci.join);
        return true;
      }
    }
    return false;
  };
  auto in_scope = [&](position p) {
    return isa<ParmVarDecl>(var) || (declared && reach(*declared, never, [&](position q) { return q == p; }));
  };
  // An errgroup's goroutines are joined by the group's wait(), which waits
  // for every goroutine the group started: every path from the go call to
  // the end of var's scope must await it, and the group must be used for
  // nothing else (a reassignment would leave the goroutines unwaited).
  for (auto& [p, call, group] : group_gos) {
    if (!in_scope(p) || !info_of(call).may_reach) continue;
    if (!group) return fail("the errgroup the goroutine is started in is not a variable", call->getBeginLoc());
    SourceLocation where;
    if (std::string why = foreign_use(group, join_kind::errgroup, where); !why.empty()) return fail(why, where);
    auto waits = [&](position q) {
      auto it = stmts.find(q);
      return it != stmts.end() && is_group_wait(it->second, group);
    };
    if (reach(p, waits, [&](position q) { return ends.count(q) > 0; }))
      return fail("a path from the errgroup's go reaches the end of '" + var->getNameAsString() +
                      "''s scope without waiting on '" + group->getNameAsString() + "'",
                  call->getBeginLoc());
  }
  std::vector<const CallExpr*> all_spawns;
  std::set<const VarDecl*> scope_checked;  // counted channels whose coverage is the scope's
  for (auto& [p, spawn] : spawns) {
    goroutine_info& info = info_of(spawn);
    if (!in_scope(p) || !info.may_reach) continue;
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
    bool relevant = proxy_joins.count(join) > 0;
    for (const CallExpr* s : join_spawns) relevant = relevant || std::count(all_spawns.begin(), all_spawns.end(), s);
    if (!relevant) continue;
    SourceLocation where = join->getLocation();
    if (std::string why = foreign_use(join, kind, where); !why.empty()) return fail(why, where);
    if (counted_chans.count(join)) {
      // A receive could take the value of a goroutine that does not signal.
      if (shared_chans.count(join))
        return fail("goroutines other than those that signal '" + join->getNameAsString() + "' may send on it", where);
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

}  // namespace join_detail

using namespace clang;
using join_detail::prover;

join_prover::join_prover(ASTContext& ctx, std::vector<std::string> latch_types)
    : ctx_(ctx), latch_types_(std::move(latch_types)) {}

join_prover::~join_prover() = default;

join_verdict join_prover::prove(const FunctionDecl* fn, const VarDecl* var) {
  if (!fn || !fn->hasBody()) {
    join_verdict v;
    v.why_not = "the function has no body";
    return v;
  }
  std::unique_ptr<prover>& p = provers_[fn];
  if (!p) p = std::make_unique<prover>(ctx_, fn, latch_types_);
  return p->run(var);
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
      const ValueDecl* group = nullptr;
      const CallExpr* s = join_detail::as_spawn(c);
      // after_func's goroutine is never joined: a local it reaches fails the
      // proof itself, and what it keeps is no other local's concern.
      if (s && is_go_function(s->getDirectCallee(), "after_func")) return true;
      if (!s) s = join_detail::as_group_go(c, &group);
      if (s && s->getNumArgs() >= 1)
        if (const FunctionDecl* g = join_detail::goroutine_of(s).fn) out.push_back(g);
      return true;
    }
  } v;
  if (fn->hasBody()) v.TraverseStmt(fn->getBody());
  return v.out;
}

}  // namespace gocxx::concurrency
