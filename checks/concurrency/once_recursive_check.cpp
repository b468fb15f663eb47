// gocxx-leak-once-recursive: a search of the unit's call graph from each
// once.call(f) site, through f's body and the functions it calls, for a
// call() on the same go::once.
//
// Which go::once a call names: a global or static variable (the same
// object wherever it is named), or a field of *this -- followed only along
// calls on *this (a method calling another method of its object; a lambda
// capturing `this` counts as the method it is written in), since another
// object's field is another go::once. A local or parameter go::once is
// not followed.
//
// The search is over the call graph, not over paths: a call under a
// condition counts as made. What it cannot see ends the search there: a
// call through a pointer, a virtual call, a function the unit does not
// define, a lambda that is only stored or spawned (another goroutine's
// call() waits for f to finish, as the runtime does, and deadlocks only if
// f waits for that goroutine -- the explorer's business).
#include "concurrency/once_recursive_check.hpp"

#include <clang/AST/DeclCXX.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>

#include <map>
#include <set>

#include "concurrency/handle_exprs.hpp"

namespace gocxx::concurrency {

using namespace clang;

namespace {

// A go::once as a call names it: a global variable, or a field of *this.
struct once_key {
  const VarDecl* var = nullptr;
  const FieldDecl* field = nullptr;
  bool operator==(const once_key& o) const { return var == o.var && field == o.field; }
  bool of_this() const { return !var && field; }
};

std::optional<once_key> key_of(const Expr* object) {
  object = object->IgnoreParenImpCasts();
  if (const auto* r = dyn_cast<DeclRefExpr>(object))
    if (const auto* v = dyn_cast<VarDecl>(r->getDecl()); v && v->hasGlobalStorage())
      return once_key{v->getCanonicalDecl(), nullptr};
  if (const auto* m = dyn_cast<MemberExpr>(object)) {
    if (const auto* v = dyn_cast<VarDecl>(m->getMemberDecl()); v && v->isStaticDataMember())
      return once_key{v->getCanonicalDecl(), nullptr};
    const auto* f = dyn_cast<FieldDecl>(m->getMemberDecl());
    if (f && isa<CXXThisExpr>(m->getBase()->IgnoreParenImpCasts())) return once_key{nullptr, f};
  }
  return std::nullopt;
}

struct once_call {
  once_key key;
  const CallExpr* call;
  const FunctionDecl* fn;  // the body it runs; null when the unit has none
};

// A call the search can follow: the callee's definition, and whether the
// call is on *this (the callee's *this is the caller's).
struct edge {
  const FunctionDecl* callee;
  const CallExpr* call;
  bool on_this;
};

struct function_facts {
  std::vector<once_call> onces;
  std::vector<edge> calls;
};

// What one function body does directly (lambdas written in it are bodies of
// their own, reached only when called).
class body_reader : public RecursiveASTVisitor<body_reader> {
 public:
  body_reader(const SourceManager& sm, function_facts& out) : sm_(sm), out_(out) {}
  bool shouldVisitTemplateInstantiations() const { return false; }
  bool TraverseLambdaExpr(LambdaExpr* l) {
    // An immediately invoked lambda is a call; its captures are evaluated here.
    for (Expr* init : l->capture_inits())
      if (init && !TraverseStmt(init)) return false;
    return true;
  }
  bool VisitCallExpr(CallExpr* call) {
    const FunctionDecl* f = call->getDirectCallee();
    if (const auto* mc = dyn_cast<CXXMemberCallExpr>(call)) {
      const CXXMethodDecl* m = mc->getMethodDecl();
      const Expr* object = mc->getImplicitObjectArgument();
      if (m && m->getName() == "call" && object && !object->getType()->isPointerType() &&
          type_of(object->getType()) == sync_type::once) {
        const LambdaExpr* lambda = nullptr;
        if (std::optional<once_key> k = key_of(object))
          out_.onces.push_back({*k, call, call->getNumArgs() ? callable_body(call->getArg(0), lambda) : nullptr});
        return true;
      }
      if (m && m->isVirtual()) return true;
      bool on_this = object && isa<CXXThisExpr>(object->IgnoreParenImpCasts());
      return add(m, call, on_this);
    }
    if (const auto* oc = dyn_cast<CXXOperatorCallExpr>(call); oc && oc->getOperator() == OO_Call) {
      // `[&] { ... }()` or a lambda variable called: the lambda's operator().
      if (const auto* m = dyn_cast_or_null<CXXMethodDecl>(f); m && m->getParent()->isLambda())
        return add(m, call, false);
      return true;
    }
    return add(f, call, false);
  }

 private:
  bool add(const FunctionDecl* f, const CallExpr* call, bool on_this) {
    if (!f || is_library(sm_, f)) return true;
    const FunctionDecl* def = f->getDefinition();
    if (def && def->hasBody() && !def->isDependentContext()) out_.calls.push_back({def, call, on_this});
    return true;
  }
  const SourceManager& sm_;
  function_facts& out_;
};

// A lambda's operator() runs with the *this of the function it is written
// in when it captures this.
bool captures_this(const FunctionDecl* f) {
  const auto* m = dyn_cast<CXXMethodDecl>(f);
  if (!m || !m->getParent()->isLambda()) return false;
  for (const LambdaCapture& c : m->getParent()->captures())
    if (c.capturesThis()) return true;
  return false;
}

class analysis {
 public:
  explicit analysis(ASTContext& ctx) : ctx_(ctx) {}

  const function_facts& facts(const FunctionDecl* f) {
    auto [it, added] = facts_.try_emplace(f);
    if (added && f->hasBody()) body_reader(ctx_.getSourceManager(), it->second).TraverseStmt(f->getBody());
    return it->second;
  }

  // The chain of calls from the start of `fn` (run by the once.call at
  // `outer`) to a call() on `key`, if there is one: breadth-first, so the
  // shortest.
  std::vector<const CallExpr*> find(const once_key& key, const FunctionDecl* fn) {
    struct visit {
      const FunctionDecl* f;
      bool this_kept;
      int parent;
      const CallExpr* via;
    };
    std::vector<visit> seen{{fn, captures_this(fn), -1, nullptr}};
    std::set<std::pair<const FunctionDecl*, bool>> visited{{fn, seen[0].this_kept}};
    for (size_t i = 0; i < seen.size(); ++i) {
      visit v = seen[i];
      const function_facts& ff = facts(v.f);
      for (const once_call& oc : ff.onces)
        if (oc.key == key && (!key.of_this() || v.this_kept)) {
          std::vector<const CallExpr*> chain{oc.call};
          for (int at = static_cast<int>(i); at > 0; at = seen[static_cast<size_t>(at)].parent)
            chain.push_back(seen[static_cast<size_t>(at)].via);
          return {chain.rbegin(), chain.rend()};
        }
      auto follow = [&](const FunctionDecl* callee, const CallExpr* via, bool this_kept) {
        if (key.of_this() && !this_kept) return;
        if (visited.insert({callee, this_kept}).second) seen.push_back({callee, this_kept, static_cast<int>(i), via});
      };
      for (const edge& e : ff.calls)
        follow(e.callee, e.call, (e.on_this && v.this_kept) || (captures_this(e.callee) && v.this_kept));
      // A once's function is run by the call() that names it.
      for (const once_call& oc : ff.onces)
        if (oc.fn) follow(oc.fn, oc.call, captures_this(oc.fn) && v.this_kept);
    }
    return {};
  }

 private:
  ASTContext& ctx_;
  std::map<const FunctionDecl*, function_facts> facts_;
};

// Every function body of the unit, lambdas' included.
class function_finder : public RecursiveASTVisitor<function_finder> {
 public:
  std::vector<const FunctionDecl*> found;
  bool shouldVisitTemplateInstantiations() const { return false; }
  bool VisitFunctionDecl(FunctionDecl* f) {
    if (f->doesThisDeclarationHaveABody() && !f->isDependentContext()) found.push_back(f);
    return true;
  }
};

std::string once_name(const once_key& k) { return k.var ? k.var->getNameAsString() : k.field->getNameAsString(); }

std::string callee_name(const CallExpr* c) {
  if (const FunctionDecl* f = c->getDirectCallee()) {
    if (const auto* m = dyn_cast<CXXMethodDecl>(f); m && m->getParent()->isLambda()) return "a lambda";
    return "'" + f->getNameAsString() + "'";
  }
  return "a function";
}

}  // namespace

void once_recursive_check::on_end_of_translation_unit(ASTContext& ctx) {
  const SourceManager& sm = ctx.getSourceManager();
  function_finder finder;
  finder.TraverseDecl(ctx.getTranslationUnitDecl());
  analysis a(ctx);
  std::set<const CallExpr*> reported;
  for (const FunctionDecl* f : finder.found)
    for (const once_call& oc : a.facts(f).onces) {
      if (!oc.fn || !reported.insert(oc.call).second) continue;
      std::vector<const CallExpr*> chain = a.find(oc.key, oc.fn);
      if (chain.empty()) continue;
      std::string name = once_name(oc.key);
      auto b = diag(sm, oc.call->getBeginLoc(),
                    "go::once '" + name + "': its function calls '" + name +
                        ".call()' again, and the inner call waits for the outer one to finish, forever");
      for (size_t i = 0; i + 1 < chain.size(); ++i)
        b.note(chain[i]->getBeginLoc(), "it calls " + callee_name(chain[i]));
      b.note(chain.back()->getBeginLoc(), "which calls '" + name + ".call()' while the first call is running");
    }
}

}  // namespace gocxx::concurrency
