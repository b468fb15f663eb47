// gocxx-leak-lost-cancel: like vet's lostcancel, any use of the cancel
// variable counts (a call, a capture by a go::defer or a goroutine, passing
// it on): the check looks for a path from the declaration to the end of the
// function that uses it nowhere.
#include "concurrency/lost_cancel_check.hpp"

#include <clang/AST/DeclCXX.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Analysis/CFG.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>

#include <memory>
#include <set>

#include "concurrency/handle_exprs.hpp"

namespace gocxx::concurrency {

using namespace clang;

namespace {

bool makes_cancel(const FunctionDecl* f) {
  return is_go_function(f, "with_cancel") || is_go_function(f, "with_timeout") || is_go_function(f, "with_deadline");
}

// `auto [ctx, cancel] = go::with_cancel(parent);` (or with_timeout,
// with_deadline): the declaration and its cancel binding.
struct cancel_decl {
  const DeclStmt* stmt;
  const BindingDecl* cancel;
  const BindingDecl* context;
};

std::optional<cancel_decl> as_cancel_decl(const DeclStmt* d) {
  if (!d->isSingleDecl()) return std::nullopt;
  const auto* dd = dyn_cast<DecompositionDecl>(d->getSingleDecl());
  if (!dd || dd->bindings().size() != 2 || !dd->getInit()) return std::nullopt;
  const auto* call = dyn_cast<CallExpr>(strip_temporaries(dd->getInit()->IgnoreImplicit()));
  const FunctionDecl* f = call ? call->getDirectCallee() : nullptr;
  if (!makes_cancel(f)) return std::nullopt;
  return cancel_decl{d, dd->bindings()[1], dd->bindings()[0]};
}

// `go::with_timeout(parent, d).ctx` (vet's `ctx, _ := context.WithTimeout`),
// or the call as a statement of its own: the cancel function is dropped
// where it is made, so no path can use it.
struct discarded_cancel {
  const CallExpr* call;
  const char* how;
};

// The function bodies of the unit (lambdas' included), each with the
// cancel declarations it holds directly.
class finder : public RecursiveASTVisitor<finder> {
 public:
  std::vector<std::pair<const FunctionDecl*, std::vector<cancel_decl>>> found;
  std::vector<discarded_cancel> discarded;

  bool shouldVisitTemplateInstantiations() const { return false; }
  bool TraverseFunctionDecl(FunctionDecl* f) {
    return enter(f, [&] { return base::TraverseFunctionDecl(f); });
  }
  bool TraverseCXXMethodDecl(CXXMethodDecl* f) {
    return enter(f, [&] { return base::TraverseCXXMethodDecl(f); });
  }
  bool TraverseLambdaExpr(LambdaExpr* l) {
    return enter(l->getCallOperator(), [&] { return base::TraverseLambdaExpr(l); });
  }
  bool VisitDeclStmt(DeclStmt* d) {
    if (in_body())
      if (std::optional<cancel_decl> c = as_cancel_decl(d)) found[stack_.back()].second.push_back(*c);
    return true;
  }
  bool VisitMemberExpr(MemberExpr* m) {
    if (in_body() && m->getMemberDecl()->getName() != "cancel")
      if (const CallExpr* call = cancel_maker(m->getBase())) discarded.push_back({call, "only its context is kept"});
    return true;
  }
  bool VisitCompoundStmt(CompoundStmt* s) {
    if (in_body())
      for (Stmt* child : s->body())
        if (const auto* e = dyn_cast<Expr>(child))
          if (const CallExpr* call = cancel_maker(e)) discarded.push_back({call, "its result is discarded"});
    return true;
  }

 private:
  using base = RecursiveASTVisitor<finder>;
  bool in_body() const { return !stack_.empty() && stack_.back() != skipped; }
  static const CallExpr* cancel_maker(const Expr* e) {
    const auto* call = dyn_cast<CallExpr>(strip_temporaries(e->IgnoreImplicit()));
    return call && makes_cancel(call->getDirectCallee()) ? call : nullptr;
  }
  static constexpr size_t skipped = static_cast<size_t>(-1);  // a template pattern: its instantiations count
  template <class F>
  bool enter(const FunctionDecl* f, F traverse) {
    if (!f->doesThisDeclarationHaveABody() || f->isDependentContext()) {
      stack_.push_back(skipped);
      bool ok = traverse();
      stack_.pop_back();
      return ok;
    }
    found.push_back({f, {}});
    stack_.push_back(found.size() - 1);
    bool ok = traverse();
    stack_.pop_back();
    return ok;
  }
  std::vector<size_t> stack_;
};

// Whether the statement or element refers to `b`.
bool uses(const Stmt* s, const BindingDecl* b) {
  const auto* r = dyn_cast_or_null<DeclRefExpr>(s);
  return r && r->getDecl() == b;
}

// A path from the declaration to the exit that never uses the cancel
// binding: the return it leaves by (or the end of the body), if any.
// A return as written (a coroutine's implicit co_return at its end is the
// end of the function).
bool is_return(const Stmt* s) {
  if (const auto* c = dyn_cast<CoreturnStmt>(s)) return !c->isImplicit();
  return isa<ReturnStmt>(s);
}

// `for (int i = C0; i < C1; ...)` with constants, C0 < C1 (or <=, !=).
bool first_trip_certain(const ForStmt& loop, const ASTContext& ctx) {
  std::optional<counted_loop> l = as_counted_loop(loop);
  std::optional<int> from = l ? constant_int(l->from, ctx) : std::nullopt;
  std::optional<int> to = l ? constant_int(l->bound, ctx) : std::nullopt;
  if (!from || !to) return false;
  switch (l->op) {
    case BO_LT: return *from < *to;
    case BO_LE: return *from <= *to;
    default: return *from != *to;
  }
}

// Whether block b runs the loop's init statement (b leads to its first test).
bool holds_init(const CFGBlock& b, const ForStmt& loop) {
  if (!loop.getInit()) return false;
  for (const CFGElement& el : b)
    if (auto cs = el.getAs<CFGStmt>(); cs && cs->getStmt() == loop.getInit()) return true;
  return false;
}

std::optional<SourceLocation> unused_path(const CFG& cfg, const cancel_decl& c, const ASTContext& ctx) {
  using position = std::pair<const CFGBlock*, unsigned>;
  std::optional<position> from;
  for (const CFGBlock* b : cfg) {
    unsigned i = 0;
    for (const CFGElement& el : *b) {
      if (auto cs = el.getAs<CFGStmt>(); cs && cs->getStmt() == c.stmt) from = position{b, i};
      ++i;
    }
  }
  if (!from) return std::nullopt;
  // Work items: a block, the first of its elements still to look at, the
  // last return passed, and whether the block is a `for` loop's test
  // reached from its init statement.
  struct item {
    position at;
    SourceLocation last_return;
    bool first_test;
  };
  std::set<std::pair<position, bool>> seen;
  std::vector<item> work{{{from->first, from->second + 1}, SourceLocation(), false}};
  while (!work.empty()) {
    auto [p, last_return, first_test] = work.back();
    work.pop_back();
    const CFGBlock* b = p.first;
    bool used = false;
    for (unsigned i = p.second; i < b->size() && !used; ++i) {
      auto cs = (*b)[i].getAs<CFGStmt>();
      if (!cs) continue;
      used = uses(cs->getStmt(), c.cancel);
      if (is_return(cs->getStmt())) last_return = cs->getStmt()->getBeginLoc();
    }
    if (used) continue;
    if (const Stmt* t = b->getTerminatorStmt(); t && is_return(t)) last_return = t->getBeginLoc();
    if (b == &cfg.getExit()) return last_return;
    // The first test of `for (int i = 0; i < 2; ++i)` holds: entering the
    // loop goes into its body, not past it.
    const auto* loop = dyn_cast_or_null<ForStmt>(b->getTerminatorStmt());
    bool into_body = first_test && loop && first_trip_certain(*loop, ctx);
    unsigned k = 0;
    for (const CFGBlock::AdjacentBlock& s : b->succs()) {
      const CFGBlock* n = s.getReachableBlock();
      if (!n || (into_body && k++ != 0)) continue;
      const auto* next_loop = dyn_cast_or_null<ForStmt>(n->getTerminatorStmt());
      bool next_first = next_loop && holds_init(*b, *next_loop);
      if (seen.insert({{n, 0}, next_first}).second) work.push_back({{n, 0}, last_return, next_first});
    }
  }
  return std::nullopt;
}

}  // namespace

void lost_cancel_check::on_end_of_translation_unit(ASTContext& ctx) {
  finder f;
  f.TraverseDecl(ctx.getTranslationUnitDecl());
  const SourceManager& sm = ctx.getSourceManager();
  for (const discarded_cancel& d : f.discarded) {
    std::string maker = d.call->getDirectCallee()->getNameAsString();
    diag(sm, d.call->getBeginLoc(),
         "the cancel function of this " + maker + " is never called (" + d.how +
             "): the context and what it holds live until its parent is cancelled; bind both, `auto [ctx, "
             "cancel] = go::" +
             maker + "(...)`, and go::defer the cancel");
  }
  for (auto& [fn, decls] : f.found) {
    if (decls.empty()) continue;
    CFG::BuildOptions options;
    options.setAllAlwaysAdd();
    std::unique_ptr<CFG> cfg = CFG::buildCFG(fn, fn->getBody(), &ctx, options);
    if (!cfg) continue;
    for (const cancel_decl& c : decls) {
      std::optional<SourceLocation> at = unused_path(*cfg, c, ctx);
      if (!at) continue;
      std::string cancel = c.cancel->getNameAsString();
      std::string context = c.context->getNameAsString();
      auto b = diag(sm, c.cancel->getLocation(),
                    "the cancel function '" + cancel + "' is not used on every path: '" + context +
                        "' and what it holds live until its parent is cancelled");
      if (at->isValid())
        b.note(*at, "this return may be reached without using '" + cancel + "'");
      else
        b.note(fn->getBody()->getEndLoc(), "the end of the function may be reached without using '" + cancel + "'");
      // The fix: defer the cancel right after the declaration, indented
      // like it (a second cancel is harmless).
      SourceLocation end = c.stmt->getEndLoc();
      if (end.isMacroID() || c.stmt->getBeginLoc().isMacroID()) continue;
      SourceLocation after = Lexer::getLocForEndOfToken(end, 0, sm, ctx.getLangOpts());
      unsigned col = sm.getSpellingColumnNumber(c.stmt->getBeginLoc());
      std::string indent(col > 0 ? col - 1 : 0, ' ');
      b.fix_insert(after, "\n" + indent + "go::defer cancel_" + context + "([" + cancel + "] { " + cancel + "(); });");
    }
  }
}

}  // namespace gocxx::concurrency
