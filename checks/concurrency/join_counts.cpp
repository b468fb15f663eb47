// The spawner's side of a join proof (join_prover.hpp): which statements
// wait on a join object, whether the spawner uses it only as the proof
// understands, and the counts that tie the waits to the spawns (an add or a
// latch's count before the spawns; as many receives as goroutines).
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
std::string prover::foreign_use(const ValueDecl* join, join_kind kind, SourceLocation& where) {
  struct visitor : RecursiveASTVisitor<visitor> {
    prover* self;
    const ValueDecl* join;
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
        case join_kind::errgroup: ok = name == "go" || name == "try_go" || name == "wait" || name == "set_limit"; break;
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
      const auto* var = dyn_cast<VarDecl>(join);  // (an errgroup may be a structured binding)
      bool ok = (var && (info.join == var || info.waited.count(var))) ||
                (kind == join_kind::chan && info.join && !info.closed.count(var));
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
  std::optional<counted_loop> l = as_counted_loop(*loop);
  if (!l || !l->steps_by_one || l->op != BO_LT || constant_int(l->from, ctx_) != 0) return std::nullopt;
  return l->bound;
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
}  // namespace gocxx::concurrency::join_detail
