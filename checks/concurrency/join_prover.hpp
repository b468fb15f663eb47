// The join prover's inside, shared by the files that implement
// join_proof.hpp and included by nothing else:
//
//   join_proof.cpp      the helpers below, the proof (prover::run), the entry points
//   join_goroutine.cpp  the goroutine's side: what it signals, and nothing after
//   join_counts.cpp     the spawner's side: its waits, its uses of the join
//                       object, and the counts that tie waits to spawns
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/AST/ExprCXX.h>
#include <clang/Analysis/CFG.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "join_proof.hpp"
#include "runtime_model/runtime_model.hpp"

namespace gocxx::concurrency::join_detail {

// (Confined to this private namespace: the prover is written against
// clang's AST throughout.)
using namespace clang;

enum class join_kind { none, wait_group, latch, chan, errgroup };

// Whether decl context `inner` lies within function `fn`.
bool within(const DeclContext* inner, const FunctionDecl* fn);

// s as a go::spawn(fn, args...) or go::after_func(d, fn) call, or null.
// after_func's goroutine signals nothing: no proof joins it.
const CallExpr* as_spawn(const Stmt* s);

// s as a call of go::errgroup's go or try_go, or null; *group is the
// variable (or structured binding) the group is named by, or null.
const CXXMemberCallExpr* as_group_go(const Stmt* s, const ValueDecl** group);

// Whether s is `co_await group.wait()` on go::errgroup `group`.
bool is_group_wait(const Stmt* s, const ValueDecl* group);

// Whether s may leave the statements around it: a return, break, continue,
// goto or throw outside any lambda.
bool may_jump(const Stmt* s);

// A type through which a goroutine can reach its spawner's memory: a
// pointer or reference, or a class that may hold one (the runtime's handles
// point into the GC heap, not into frames).
bool may_point(QualType t);

// fn's CFG, every subexpression an element; with `lifetimes` the ends of
// the automatic variables' lifetimes, without them the implicit destructors
// (where a go::defer runs).
std::unique_ptr<CFG> build_cfg(ASTContext& ctx, const FunctionDecl* fn, bool lifetimes);

// The goroutine a spawn starts: its function, and the lambda when it is one.
struct goroutine_fn {
  const FunctionDecl* fn = nullptr;
  const LambdaExpr* lambda = nullptr;
};

// The goroutine a spawn starts, when the unit defines its body.
goroutine_fn goroutine_of(const CallExpr* spawn);

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
  std::string foreign_use(const ValueDecl* join, join_kind kind, SourceLocation& where);
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
  std::unique_ptr<CFG> cfg_;          // fn_'s, with lifetimes; both read once, by the first run()
  bool read_ = false;
};

// What the goroutine is given, and whether it can reach the spawner's memory.

}  // namespace gocxx::concurrency::join_detail
