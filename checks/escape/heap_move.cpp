// The plan of heap_move.hpp: the variable's declaration, every use of it
// (each must only read, assign, or lend the object to a call that keeps
// nothing of it), and every lambda that captures it (by reference, each
// becomes a capture of the handle by copy).
#include "escape/heap_move.hpp"

#include "escape/leak_summary.hpp"
#include "escape/stack_rewrite.hpp"
#include "escape/user_destructor.hpp"
#include "runtime_model/escape_model.hpp"
#include "runtime_model/runtime_model.hpp"

#include <clang/AST/ExprCXX.h>
#include <clang/AST/ParentMapContext.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>

#include <set>

namespace gocxx::escape {

using namespace clang;
using runtime_model::escape_api;

namespace {

// The references to the variable in its function and the lambdas there
// that capture it (nested ones capture it too).
class use_collector : public RecursiveASTVisitor<use_collector> {
 public:
  explicit use_collector(const VarDecl* var) : var_(var) {}
  std::vector<const DeclRefExpr*> uses;
  std::vector<const LambdaExpr*> lambdas;
  bool VisitDeclRefExpr(DeclRefExpr* e) {
    if (e->getDecl() == var_) uses.push_back(e);
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr* le) {
    for (const LambdaCapture& c : le->captures())
      if (c.capturesVariable() && c.getCapturedVar() == var_) {
        lambdas.push_back(le);
        break;
      }
    return true;
  }

 private:
  const VarDecl* var_;
};

// A parameter (-1: `this`) of a call that keeps nothing of the object it is
// given beyond the call: no heap, no result that holds its address.
bool keeps_nothing(const FunctionDecl* fd, int param, const summary_table& sums) {
  if (!fd) return false;
  if (runtime_model::in_go_namespace(fd)) {
    escape_api api = runtime_model::classify_escape_api(fd);
    // A go:: member that keeps nothing, copies out, or sends a copy; or
    // any other whose result cannot hold the object's address (the model
    // lets `this` reach only the result: escape_model.md).
    QualType r = fd->getReturnType();
    return param < 0 && (api == escape_api::pure || api == escape_api::copy_result || api == escape_api::chan_send ||
                         api == escape_api::select ||
                         (api == escape_api::other_member && (r->isVoidType() || r->isArithmeticType())));
  }
  const auto* md = dyn_cast<CXXMethodDecl>(fd);
  if (param < 0 && md && runtime_model::is_std_string(md->getParent())) {
    // std::string is a value (call.cpp): what does not point into it is a copy.
    QualType r = md->getReturnType();
    return r->isVoidType() || r->isArithmeticType() || runtime_model::is_std_string(r->getAsCXXRecordDecl());
  }
  const FunctionDecl* def = fd->getDefinition();
  auto it = def ? sums.find(def) : sums.end();
  if (it == sums.end()) return false;
  const function_summary& s = it->second;
  if (param < 0 && !s.has_this) return false;
  if (param >= 0 && static_cast<unsigned>(param) >= s.params.size()) return false;
  const param_leaks& l = param < 0 ? s.this_param : s.params[static_cast<unsigned>(param)];
  // A result at level 0 is the address itself; deeper, values read through it.
  return l.heap() == no_leak && !l.moved_to_heap && l.results[0] != 0 && l.results[1] != 0;
}

struct planner {
  ASTContext& ctx;
  const summary_table& sums;
  const VarDecl* var;
  heap_move out;

  heap_move& no(std::string why, SourceLocation at = {}) {
    out.why_not = std::move(why);
    out.why_not_at = at;
    out.edits.clear();
    return out;
  }

  // The parent of `e` through parentheses and no-op casts.
  const Stmt* user_of(const Stmt* e, const Stmt*& child) const {
    child = e;
    for (;;) {
      DynTypedNodeList ps = ctx.getParents(*child);
      const auto* p = ps.size() == 1 ? ps[0].get<Stmt>() : nullptr;
      if (!p) return nullptr;
      const auto* c = dyn_cast<ImplicitCastExpr>(p);
      if (!isa<ParenExpr>(p) && !(c && c->getCastKind() == CK_NoOp)) return p;
      child = p;
    }
  }

  // A go:: member's awaiter (mu.lock(), wg.wait()) awaited where it is
  // made: it holds the object only while the coroutine, which holds the
  // handle, waits.
  bool awaited_at_once(const CXXMemberCallExpr* mc) const {
    return runtime_model::in_go_namespace(mc->getMethodDecl()) && awaited(mc);
  }
  // The co_await's operand appears in its sub-expressions again (the
  // common expression, await_ready...): every parent leads to it.
  bool awaited(const Stmt* e) const {
    DynTypedNodeList ps = ctx.getParents(*e);
    if (ps.empty()) return false;
    for (const DynTypedNode& n : ps) {
      const auto* p = n.get<Stmt>();
      if (p && isa<CoawaitExpr>(p)) continue;
      if (!p || !isa<MaterializeTemporaryExpr, CXXBindTemporaryExpr, ImplicitCastExpr, ParenExpr, OpaqueValueExpr>(p) ||
          !awaited(p))
        return false;
    }
    return true;
  }

  // Argument `i` of a call, by reference: the callee must keep nothing.
  bool lent_to_call(const FunctionDecl* callee, unsigned i) const {
    if (!callee || i >= callee->getNumParams()) return false;
    if (!callee->getParamDecl(i)->getType()->isReferenceType()) return true;  // a copy
    return keeps_nothing(callee, static_cast<int>(i), sums);
  }

  // `node` (the variable, or a member of it) is only read, assigned, or lent
  // to a call that keeps nothing of it.
  bool value_use(const Stmt* node) const {
    const Stmt* child = nullptr;
    const Stmt* p = user_of(node, child);
    if (!p) return false;
    if (const auto* c = dyn_cast<ImplicitCastExpr>(p)) return c->getCastKind() == CK_LValueToRValue;
    if (const auto* b = dyn_cast<BinaryOperator>(p)) return b->isAssignmentOp() && b->getLHS() == child;
    if (const auto* u = dyn_cast<UnaryOperator>(p)) return u->isIncrementDecrementOp();
    if (const auto* m = dyn_cast<MemberExpr>(p)) {
      if (m->isArrow() || m->getBase() != child) return false;
      if (isa<FieldDecl>(m->getMemberDecl())) return value_use(m);
      const Stmt* call_child = nullptr;
      const auto* mc = dyn_cast_or_null<CXXMemberCallExpr>(user_of(m, call_child));
      return mc && (keeps_nothing(mc->getMethodDecl(), -1, sums) || awaited_at_once(mc));
    }
    if (const auto* op = dyn_cast<CXXOperatorCallExpr>(p)) {
      const auto* md = dyn_cast_or_null<CXXMethodDecl>(op->getDirectCallee());
      for (unsigned i = 0; i < op->getNumArgs(); ++i) {
        if (op->getArg(i) != child) continue;
        if (md && md->isInstance()) return i == 0 ? keeps_nothing(md, -1, sums) : lent_to_call(md, i - 1);
        return lent_to_call(op->getDirectCallee(), i);
      }
      return false;
    }
    if (const auto* ce = dyn_cast<CallExpr>(p)) {
      for (unsigned i = 0; i < ce->getNumArgs(); ++i)
        if (ce->getArg(i) == child) return lent_to_call(ce->getDirectCallee(), i);
      return false;
    }
    if (const auto* ce = dyn_cast<CXXConstructExpr>(p)) {
      for (unsigned i = 0; i < ce->getNumArgs(); ++i)
        if (ce->getArg(i) == child)
          return ce->getConstructor()->isCopyOrMoveConstructor() || lent_to_call(ce->getConstructor(), i);
    }
    return false;
  }

  // The lambda's capture of the variable becomes a capture of the handle
  // by copy: `&n` loses its `&`, a `&` default gains `, n`.
  bool capture_by_copy(const LambdaExpr* le, std::set<const Expr*>& capture_inits) {
    const SourceManager& sm = ctx.getSourceManager();
    const LangOptions& lo = ctx.getLangOpts();
    std::string name = var->getName().str();
    unsigned i = 0;
    for (const LambdaCapture& c : le->captures()) {
      const Expr* init = le->capture_init_begin()[i++];
      if (!c.capturesVariable() || c.getCapturedVar() != var) continue;
      if (c.getCaptureKind() != LCK_ByRef)
        return no("a lambda captures '" + name + "' by copy: after the move it would share the object",
                  c.getLocation()),
               false;
      if (c.isImplicit()) {
        SourceLocation def = le->getCaptureDefaultLoc();
        if (le->getCaptureDefault() != LCD_ByRef || def.isInvalid() || def.isMacroID())
          return no("a lambda's capture of '" + name + "' cannot be rewritten", le->getBeginLoc()), false;
        SourceLocation after = Lexer::getLocForEndOfToken(def, 0, sm, lo);
        out.edits.emplace_back(CharSourceRange::getCharRange(after, after), ", " + name);
        continue;
      }
      if (init) capture_inits.insert(init->IgnoreImplicit());
      // The `&` before the name (the capture's location is one or the other).
      SourceLocation at = c.getLocation();
      if (at.isMacroID()) return no("a lambda's capture of '" + name + "' is in a macro expansion", at), false;
      Token tok;
      if (!Lexer::getRawToken(at, tok, sm, lo) && tok.is(tok::amp)) {
        out.edits.emplace_back(CharSourceRange::getCharRange(at, at.getLocWithOffset(1)), "");
        continue;
      }
      auto [file, off] = sm.getDecomposedLoc(at);
      llvm::StringRef buf = sm.getBufferData(file);
      unsigned amp = off;
      while (amp > 0 && (buf[amp - 1] == ' ' || buf[amp - 1] == '\t')) --amp;
      if (amp == 0 || buf[amp - 1] != '&')
        return no("a lambda's capture of '" + name + "' cannot be rewritten", at), false;
      out.edits.emplace_back(CharSourceRange::getCharRange(at.getLocWithOffset(static_cast<int>(amp) - 1 - off),
                                                           at.getLocWithOffset(static_cast<int>(amp - off))),
                             "");
    }
    return true;
  }

  // `auto n = go::new_<T>(args)` for the declaration as written.
  bool declaration(const DeclStmt* ds, std::string& text) {
    QualType t = var->getType();
    const SourceManager& sm = ctx.getSourceManager();
    std::string type;
    if (t->getContainedAutoType()) {
      const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
      if (rd && (rd->isLambda() || !rd->getIdentifier()))
        return no("the variable's type has no name to allocate it by"), false;
      PrintingPolicy pp(ctx.getLangOpts());
      pp.SuppressTagKeyword = true;
      type = t.getUnqualifiedType().getAsString(pp);
    } else {
      SourceRange r = var->getTypeSourceInfo()->getTypeLoc().getSourceRange();
      if (r.isInvalid() || r.getBegin().isMacroID() || r.getEnd().isMacroID())
        return no("the variable's type is written inside a macro expansion"), false;
      type = text_of(CharSourceRange::getTokenRange(r), ctx);
    }
    std::string args;
    const Expr* init = var->getInit();
    const auto* construct = dyn_cast_or_null<CXXConstructExpr>(init ? init->IgnoreImplicit() : nullptr);
    bool written =
        init && !(construct && construct->getNumArgs() == 0 && construct->getParenOrBraceRange().isInvalid());
    if (written) {
      switch (var->getInitStyle()) {
        case VarDecl::CInit:
          if (isa<InitListExpr>(init->IgnoreImplicit())) return no("the variable is initialised from braces"), false;
          args = "(" + written_expr(ctx, init) + ")";
          if (args == "()") return no("the initialiser is written inside a macro expansion"), false;
          break;
        case VarDecl::CallInit:
        case VarDecl::ListInit:
        case VarDecl::ParenListInit: {
          SourceLocation after = Lexer::getLocForEndOfToken(var->getLocation(), 0, sm, ctx.getLangOpts());
          args = llvm::StringRef(text_of(CharSourceRange::getCharRange(after, ds->getEndLoc()), ctx)).trim().str();
          if (args.size() < 2) return no("the initialiser could not be read as written"), false;
          if (args.front() == '{') {
            const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
            if (rd && !rd->isAggregate())
              return no("the variable is list-initialised and its type is not an aggregate"), false;
            args = "(" + args.substr(1, args.size() - 2) + ")";
          }
          if (args.front() != '(') return no("the initialiser could not be read as written"), false;
          break;
        }
      }
    }
    text = "auto " + var->getName().str() + " = go::new_<" + type + ">" + (args.empty() ? "()" : args);
    return true;
  }

  heap_move& plan() {
    std::string name = var->getName().str();
    DynTypedNodeList ps = ctx.getParents(*var);
    const auto* ds = ps.size() == 1 ? ps[0].get<DeclStmt>() : nullptr;
    QualType t = var->getType();
    if (!ds || !ds->isSingleDecl() || !var->hasLocalStorage() || isa<ParmVarDecl>(var) || !var->getIdentifier())
      return no("only a local variable of its own declaration moves");
    if (t->isReferenceType() || t->isArrayType() || t.isConstQualified() || t.isVolatileQualified() ||
        t->isDependentType() || t->isIncompleteType())
      return no("the variable is a reference, an array, const or of an incomplete type");
    if (ds->getBeginLoc().isMacroID() || ds->getEndLoc().isMacroID())
      return no("the declaration is written inside a macro expansion");
    if (destruction_may_run_user_code(ctx, t))
      return no("destroying " + t.getAsString(ctx.getPrintingPolicy()) +
                " runs the program's code: on the heap it would run when the collector frees the object");
    const auto* fn = dyn_cast<FunctionDecl>(var->getDeclContext());
    if (!fn || !fn->getBody() || fn->isTemplateInstantiation() || fn->isDependentContext())
      return no("the variable is in a template");

    use_collector found(var);
    found.TraverseStmt(const_cast<Stmt*>(fn->getBody()));
    std::set<const Expr*> capture_inits;
    for (const LambdaExpr* le : found.lambdas)
      if (!capture_by_copy(le, capture_inits)) return out;
    for (const DeclRefExpr* use : found.uses) {
      if (capture_inits.count(use)) continue;
      if (use->getBeginLoc().isMacroID())
        return no("'" + name + "' is used inside a macro expansion", use->getLocation());
      if (!value_use(use))
        return no("'" + name +
                      "' is used other than by reading, assigning or calling what keeps nothing of it: its address "
                      "would be a raw pointer into the heap that the collector does not see",
                  use->getLocation());
      out.edits.emplace_back(CharSourceRange::getTokenRange(use->getSourceRange()), "(*" + name + ")");
    }
    std::string text;
    if (!declaration(ds, text)) return out;
    out.edits.emplace_back(CharSourceRange::getCharRange(ds->getBeginLoc(), ds->getEndLoc()), text);
    const SourceManager& sm = ctx.getSourceManager();
    std::sort(out.edits.begin(), out.edits.end(), [&](const auto& a, const auto& b) {
      return sm.isBeforeInTranslationUnit(a.first.getBegin(), b.first.getBegin());
    });
    out.possible = true;
    return out;
  }
};

}  // namespace

heap_move plan_heap_move(ASTContext& ctx, const VarDecl* var, const summary_table& summaries) {
  planner p{ctx, summaries, var, {}};
  return p.plan();
}

}  // namespace gocxx::escape
