// How a CFG block's terminator becomes a branch of the model
// (sync_model.hpp branch_kind), and which loops run an unknown number of
// times.
#include "branch_reader.hpp"

#include <clang/AST/ExprCXX.h>
#include <clang/AST/StmtCXX.h>

#include <algorithm>
#include <map>

#include "handle_exprs.hpp"

namespace gocxx::concurrency {

using namespace clang;

namespace {

// A counted loop runs at most this many times in the model; a longer one is
// a loop of unknown trip count.
constexpr int max_unrolled_trips = 8;

}  // namespace

// Which successor a block with several takes.
void branch_reader::read(const CFGBlock& b, block& out) {
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
        // counted_trips() read the loop: its index starts at a constant.
        std::optional<counted_loop> loop = as_counted_loop(*f);
        std::optional<int> from = loop ? constant_int(loop->from, ctx_) : std::nullopt;
        if (from) {
          out.loop_index = loop->index;
          out.index_from = *from;
        }
      }
      return;
    }
  }
  if (const auto* f = dyn_cast_or_null<CXXForRangeStmt>(term)) {
    if (std::optional<int> trips = range_trips(*f); trips && *trips <= max_unrolled_trips) {
      out.branch = branch_kind::counted;
      out.trips = *trips;
    }
    return;
  }
  if (cond && read_select_test(cond, out)) return;
  if (cond && read_index_test(cond, out)) return;
  if (cond) {
    bool negated = false;
    if (is_last_result_test(cond, negated)) {
      out.branch = negated ? branch_kind::last_not_ok : branch_kind::last_ok;
      return;
    }
    negated = false;
    if (const ValueDecl* v = stable_condition(cond, negated)) {
      auto& vars = body_.cond_vars;
      auto it = std::find(vars.begin(), vars.end(), v);
      out.cond_key = static_cast<int>(it - vars.begin());
      if (it == vars.end()) vars.push_back(v);
      out.cond_negated = negated;
    }
  }
}

// `b` or `!b` where b is a parameter or local that is never assigned after
// its initialisation (nor its address taken): every test of it agrees.
const ValueDecl* branch_reader::stable_condition(const Expr* cond, bool& negated) const {
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
std::optional<int> branch_reader::counted_trips(const ForStmt& f) {
  std::optional<counted_loop> loop = as_counted_loop(f);
  if (!loop || !loop->steps_by_one || !loop->index->getType()->isIntegerType()) return std::nullopt;
  std::optional<int> from = constant_int(loop->from, ctx_), to = constant_int(loop->bound, ctx_);
  if (!from || !to) return std::nullopt;
  int trips = loop->op == BO_LE ? *to - *from + 1 : *to - *from;
  return trips < 0 ? 0 : trips;
}

// `for (auto x : {a, b, c})`, `for (auto x : array)`: as many trips as
// the braced list or the array has elements.
std::optional<int> branch_reader::range_trips(const CXXForRangeStmt& f) {
  const Expr* range = f.getRangeInit();
  if (!range) return std::nullopt;
  if (const auto* a = ctx_.getAsConstantArrayType(range->getType().getNonReferenceType()))
    return static_cast<int>(a->getSize().getZExtValue());
  const auto* list = dyn_cast<CXXStdInitializerListExpr>(strip_temporaries(range));
  if (const auto* init = list ? dyn_cast<InitListExpr>(strip_temporaries(list->getSubExpr())) : nullptr)
    return static_cast<int>(init->getNumInits());
  return std::nullopt;
}

// `co_await go::select(...) == k` (or !=): a test of which case the select
// just took, read like a switch on it.
bool branch_reader::read_select_test(const Expr* cond, block& out) {
  const auto* b = dyn_cast<BinaryOperator>(cond->IgnoreParenImpCasts());
  if (!b || (b->getOpcode() != BO_EQ && b->getOpcode() != BO_NE) || out.succs.size() != 2) return false;
  const Expr* lhs = b->getLHS()->IgnoreParenImpCasts();
  const Expr* rhs = b->getRHS()->IgnoreParenImpCasts();
  std::optional<int> k = constant_int(rhs, ctx_);
  if (!k) {
    std::swap(lhs, rhs);
    k = constant_int(rhs, ctx_);
  }
  const CoawaitExpr* a = as_await(lhs);
  if (!k || !a || !as_select(awaited(a))) return false;
  bool equal = b->getOpcode() == BO_EQ;
  out.branch = branch_kind::select_switch;
  out.case_succ.push_back({*k, out.succs[equal ? 0 : 1]});
  out.default_succ = out.succs[equal ? 1 : 0];
  return true;
}

// `i == 2` (or !=, <, <=, >, >=), i the index of a loop that counts: when
// the model counts its trips (resolve_index_tests), the iteration the
// goroutine is in decides it.
bool branch_reader::read_index_test(const Expr* cond, block& out) {
  const auto* b = dyn_cast<BinaryOperator>(cond->IgnoreParenImpCasts());
  if (!b || !b->isComparisonOp()) return false;
  BinaryOperatorKind op = b->getOpcode();
  const auto* r = dyn_cast<DeclRefExpr>(b->getLHS()->IgnoreParenImpCasts());
  std::optional<int> k = constant_int(b->getRHS(), ctx_);
  if (!r || !k) {
    r = dyn_cast<DeclRefExpr>(b->getRHS()->IgnoreParenImpCasts());
    k = constant_int(b->getLHS(), ctx_);
    op = BinaryOperator::reverseComparisonOp(op);
  }
  const auto* v = r ? dyn_cast<VarDecl>(r->getDecl()) : nullptr;
  if (!v || !k || !loop_indices_.count(v)) return false;
  out.branch = branch_kind::index_test;
  out.index_var = v;
  out.index_op = op;
  out.index_value = *k;
  return true;
}

// `x` (the variable a co_await next() initialised), `!x`, `x.has_value()`,
// `ok` (recv_ok's), `r.ok`; `t.stop()` of a go::timer, called in the test.
bool branch_reader::is_last_result_test(const Expr* cond, bool& negated) {
  const Expr* e = cond->IgnoreParenImpCasts();
  while (const auto* u = dyn_cast<UnaryOperator>(e)) {
    if (u->getOpcode() != UO_LNot) return false;
    negated = !negated;
    e = u->getSubExpr()->IgnoreParenImpCasts();
  }
  if (const auto* m = dyn_cast<CXXMemberCallExpr>(e)) {
    sync_type on = sync_type::none;
    if (const CXXMethodDecl* stop = method_of(m, on); stop && on == sync_type::timer && stop->getName() == "stop")
      return true;
    const CXXMethodDecl* md = m->getMethodDecl();
    if (!md || !(isa<CXXConversionDecl>(md) || (md->getIdentifier() && md->getName() == "has_value"))) return false;
    e = m->getImplicitObjectArgument()->IgnoreParenImpCasts();
  }
  if (const auto* me = dyn_cast<MemberExpr>(e)) {
    if (!me->getMemberDecl()->getIdentifier() || me->getMemberDecl()->getName() != "ok") return false;
    e = me->getBase()->IgnoreParenImpCasts();
  }
  // `while (co_await c.next())`: the result tested where it is made.
  if (const CoawaitExpr* direct = as_await(strip_temporaries(e))) return is_receive_to_test(direct);
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
  return a && is_receive_to_test(a);
}

// A co_await of next() or recv_ok(): the receives whose result the
// goroutine keeps (last_ok).
bool branch_reader::is_receive_to_test(const CoawaitExpr* a) {
  const auto* call = dyn_cast_or_null<CXXMemberCallExpr>(strip(awaited(a)));
  sync_type on = sync_type::none;
  const CXXMethodDecl* m = call ? method_of(call, on) : nullptr;
  return m && on == sync_type::chan && (m->getName() == "next" || m->getName() == "recv_ok");
}

void branch_reader::read_switch(const CFGBlock& b, const SwitchStmt& sw, block& out) {
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

// A loop left by a condition the model does not evaluate runs an unknown
// number of times: its operations are imprecise (their objects become
// unknown when bound: explorer.cpp).
void taint_unknown_loops(body& bd) {
  const auto& blocks = bd.blocks;
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
        for (op& o : bd.blocks[x].ops) o.imprecise = true;
  }
}

std::set<const VarDecl*> loop_indices(const Stmt* fn_body) {
  std::set<const VarDecl*> out;
  std::vector<const Stmt*> work{fn_body};
  while (!work.empty()) {
    const Stmt* s = work.back();
    work.pop_back();
    if (!s || isa<LambdaExpr>(s)) continue;  // a lambda is a body of its own
    if (const auto* f = dyn_cast<ForStmt>(s))
      if (std::optional<counted_loop> l = as_counted_loop(*f); l && l->steps_by_one) out.insert(l->index);
    for (const Stmt* c : s->children()) work.push_back(c);
  }
  return out;
}

void resolve_index_tests(body& bd) {
  std::map<const VarDecl*, int> headers;
  for (size_t h = 0; h < bd.blocks.size(); ++h)
    if (bd.blocks[h].branch == branch_kind::counted && bd.blocks[h].loop_index)
      headers[bd.blocks[h].loop_index] = static_cast<int>(h);
  for (block& b : bd.blocks) {
    if (b.branch != branch_kind::index_test) continue;
    auto it = headers.find(b.index_var);
    if (it == headers.end()) {
      b.branch = branch_kind::any;
      continue;
    }
    b.index_loop = it->second;
    b.index_from = bd.blocks[static_cast<size_t>(it->second)].index_from;
  }
}

}  // namespace gocxx::concurrency
