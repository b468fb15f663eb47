// The plan of heap_move.hpp: the variable's declaration, every use of it
// (each must only read, assign, or lend the object to a call that keeps
// nothing of it), and every lambda that captures it (by reference, each
// becomes a capture of the handle by copy).
#include "escape/heap_move.hpp"

#include "escape/leak_summary.hpp"
#include "escape/stack_rewrite.hpp"
#include "escape/user_destructor.hpp"
#include "escape/variable_uses.hpp"
#include "runtime_model/escape_model.hpp"
#include "runtime_model/runtime_model.hpp"

#include <clang/AST/ExprCXX.h>
#include <clang/AST/QualTypeNames.h>
#include <clang/AST/ParentMapContext.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>
#include <llvm/Support/Regex.h>

#include <set>

namespace gocxx::escape {

using namespace clang;
using runtime_model::escape_api;

namespace {

// A parameter (-1: `this`) of a call that keeps nothing of the object it is
// given beyond the call: no heap, no result that holds its address.
bool keeps_nothing(const FunctionDecl* fd, int param, const summary_table& sums, bool result_used = true) {
  if (!fd) return false;
  if (runtime_model::in_go_namespace(fd)) {
    escape_api api = runtime_model::classify_escape_api(fd);
    // A go:: member that keeps nothing, copies out, or sends a copy; or
    // any other whose result cannot hold the object's address (the model
    // lets `this` reach only the result: escape_model.md).
    QualType r = fd->getReturnType();
    return param < 0 &&
           (api == escape_api::pure || api == escape_api::copy_result || api == escape_api::chan_send ||
            api == escape_api::select ||
            (api == escape_api::other_member && (!result_used || r->isVoidType() || r->isArithmeticType())));
  }
  const auto* md = dyn_cast<CXXMethodDecl>(fd);
  if (param < 0 && md && runtime_model::is_std_string(md->getParent())) {
    // std::string is a value (call.cpp): what does not point into it is a copy.
    return !result_used || !points_into_string(md);
  }
  const FunctionDecl* def = fd->getDefinition();
  auto it = def ? sums.find(def) : sums.end();
  if (it == sums.end()) return false;
  const function_summary& s = it->second;
  if (param < 0 && !s.has_this) return false;
  if (param >= 0 && static_cast<unsigned>(param) >= s.params.size()) return false;
  const param_leaks l = param < 0 ? s.receiver() : s.params[static_cast<unsigned>(param)];
  // A result at level 0 is the address itself; deeper, values read through it.
  return l.heap() == no_leak && !l.moved_to_heap && (!result_used || (l.results[0] != 0 && l.results[1] != 0));
}

// A class `T{...}` can be moved from into go::new_ (a scalar always can).
bool movable(const CXXRecordDecl* rd) {
  if (!rd || !(rd = rd->getDefinition())) return true;
  for (const CXXConstructorDecl* c : rd->ctors())
    if (c->isCopyOrMoveConstructor() && !c->isDeleted() && c->getAccess() != AS_private &&
        c->getAccess() != AS_protected)
      return true;
  return rd->needsImplicitMoveConstructor() || rd->needsImplicitCopyConstructor();
}

// `T x = e` with a converting constructor: e, the value converted; null
// when the initialiser is a T already.
const Expr* converted_from(const Expr* init) {
  const auto* ce = dyn_cast<CXXConstructExpr>(init->IgnoreImplicit());
  if (!ce || ce->getNumArgs() != 1) return nullptr;
  if (ce->getConstructor()->isCopyOrMoveConstructor()) return converted_from(ce->getArg(0));
  return ce->getArg(0)->IgnoreImplicit();
}

// An explicit constructor of one argument that direct-initialisation from
// a `from` could choose where copy-initialisation could not: one taking
// that type, or a number when `from` is one (`explicit meter(long)` for
// `meter m = 5L`).
bool explicit_takes(const CXXRecordDecl* rd, QualType from) {
  if (!(rd = rd->getDefinition())) return true;
  for (const CXXConstructorDecl* c : rd->ctors()) {
    if (!c->isExplicit() || c->isCopyOrMoveConstructor() || c->getNumParams() == 0 || c->getMinRequiredArguments() > 1)
      continue;
    QualType p = c->getParamDecl(0)->getType().getNonReferenceType().getUnqualifiedType();
    if (p.getCanonicalType() == from.getUnqualifiedType().getCanonicalType() ||
        (p->isArithmeticType() && from->isArithmeticType()))
      return true;
  }
  return false;
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

  const Stmt* user_of(const Stmt* e, const Stmt*& child) const { return escape::user_of(ctx, e, child); }

  // A call that is a statement of its own (`s += "x";`): what it returns,
  // a reference into the object perhaps, goes nowhere.
  bool discarded(const Stmt* call) const {
    const Stmt* at = call;
    for (;;) {
      DynTypedNodeList ps = ctx.getParents(*at);
      const auto* p = ps.size() == 1 ? ps[0].get<Stmt>() : nullptr;
      if (!p) return false;
      if (isa<CompoundStmt>(p)) return true;
      if (!isa<ExprWithCleanups, MaterializeTemporaryExpr, CXXBindTemporaryExpr>(p)) return false;
      at = p;
    }
  }

  // A call's result handed straight to a call that keeps nothing of it
  // (`printf("%s", s.c_str())`): a pointer into the object that lives no
  // longer than the statement.
  bool lent_at_once(const Stmt* call) const {
    const Stmt* at = call;
    for (;;) {
      DynTypedNodeList ps = ctx.getParents(*at);
      const auto* p = ps.size() == 1 ? ps[0].get<Stmt>() : nullptr;
      if (!p) return false;
      if (const auto* ce = dyn_cast<CallExpr>(p); ce && !isa<CXXMemberCallExpr, CXXOperatorCallExpr>(ce)) {
        const FunctionDecl* callee = ce->getDirectCallee();
        if (!callee) return false;
        if (keeps_no_argument(callee)) return true;
        for (unsigned i = 0; i < ce->getNumArgs(); ++i)
          if (ce->getArg(i) == at) return keeps_nothing(callee, static_cast<int>(i), sums);
        return false;
      }
      if (!isa<ImplicitCastExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr, ParenExpr>(p)) return false;
      at = p;
    }
  }

  // A go:: member's awaiter (mu.lock(), wg.wait()) awaited where it is
  // made: it holds the object only while the coroutine, which holds the
  // handle, waits.
  bool awaited_at_once(const CXXMemberCallExpr* mc) const {
    return runtime_model::in_go_namespace(mc->getMethodDecl()) && awaited(mc);
  }
  // The co_await's operand appears in its sub-expressions again (the
  // common expression, await_ready..., and the promise's await_transform
  // call when it has one, as go::task's has): every parent leads to it.
  bool awaited(const Stmt* e) const {
    DynTypedNodeList ps = ctx.getParents(*e);
    if (ps.empty()) return false;
    for (const DynTypedNode& n : ps) {
      const auto* p = n.get<Stmt>();
      if (p && isa<CoawaitExpr>(p)) continue;
      if (!p ||
          !(isa<MaterializeTemporaryExpr, CXXBindTemporaryExpr, ImplicitCastExpr, ParenExpr, OpaqueValueExpr>(p) ||
            is_await_transform(p)) ||
          !awaited(p))
        return false;
    }
    return true;
  }
  // The implicit promise.await_transform(operand) of a co_await: it hands
  // the operand on (go::task's records where the frame awaits).
  static bool is_await_transform(const Stmt* s) {
    const auto* mc = dyn_cast<CXXMemberCallExpr>(s);
    const CXXMethodDecl* md = mc ? mc->getMethodDecl() : nullptr;
    return md && md->getIdentifier() && md->getName() == "await_transform";
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
      return mc &&
             (keeps_nothing(mc->getMethodDecl(), -1, sums, !discarded(mc) && !lent_at_once(mc)) || awaited_at_once(mc));
    }
    if (const auto* op = dyn_cast<CXXOperatorCallExpr>(p)) {
      const auto* md = dyn_cast_or_null<CXXMethodDecl>(op->getDirectCallee());
      for (unsigned i = 0; i < op->getNumArgs(); ++i) {
        if (op->getArg(i) != child) continue;
        if (md && md->isInstance())
          return i == 0 ? keeps_nothing(md, -1, sums, !discarded(op) && !lent_at_once(op)) : lent_to_call(md, i - 1);
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
          // A copy the compiler writes keeps nothing; one the user wrote is
          // a call like any other.
          return (ce->getConstructor()->isCopyOrMoveConstructor() && !ce->getConstructor()->isUserProvided()) ||
                 lent_to_call(ce->getConstructor(), i);
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
  // `auto n = go::new_<T>(init)`, as edits around the initialiser as
  // written, so that the uses inside it (another moved variable) are
  // rewritten by their own edits: `T n = e` -> `auto n = go::new_<T>(e)`,
  // `T n(args)` -> `auto n = go::new_<T>(args)`, `T n{...}` and
  // `T n = {...}` -> `auto n = go::new_<T>(T{...})`, `T n` ->
  // `auto n = go::new_<T>()`.
  bool declaration(const DeclStmt* ds) {
    QualType t = var->getType();
    const SourceManager& sm = ctx.getSourceManager();
    const LangOptions& lo = ctx.getLangOpts();
    std::string type;
    const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
    if (t->getContainedAutoType()) {
      if (rd && (rd->isLambda() || !rd->getIdentifier()))
        return no("the variable's type has no name to allocate it by"), false;
      PrintingPolicy pp(lo);
      pp.SuppressTagKeyword = true;
      // Qualified as the program must spell it here: the deduced type may be
      // nested in a namespace or a class (the written qualifier dropped
      // first: it would be repeated).
      QualType bare = t.getUnqualifiedType();
      if (const auto* at = dyn_cast<AutoType>(bare.getTypePtr()); at && !at->getDeducedType().isNull())
        bare = at->getDeducedType().getUnqualifiedType();
      if (const auto* et = dyn_cast<ElaboratedType>(bare.getTypePtr())) bare = et->getNamedType();
      type = TypeName::getFullyQualifiedName(bare, ctx, pp, /*WithGlobalNsPrefix=*/false);
    } else {
      SourceRange r = var->getTypeSourceInfo()->getTypeLoc().getSourceRange();
      if (r.isInvalid() || r.getBegin().isMacroID() || r.getEnd().isMacroID())
        return no("the variable's type is written inside a macro expansion"), false;
      // `int (*op)(int)`: the declarator wraps the name.
      if (!sm.isBeforeInTranslationUnit(r.getEnd(), var->getLocation()))
        return no("the variable's type is not written before its name"), false;
      type = text_of(CharSourceRange::getTokenRange(r), ctx);
    }
    // `counter counter;`: in the initialiser the name would be the variable.
    static const llvm::Regex word("[A-Za-z_][A-Za-z_0-9]*");
    for (llvm::StringRef rest = type; !rest.empty();) {
      llvm::SmallVector<llvm::StringRef, 1> m;
      if (!word.match(rest, &m)) break;
      if (m[0] == var->getName())
        return no("the variable has the name of its type, which the allocation must name"), false;
      rest = rest.substr(rest.find(m[0]) + m[0].size());
    }
    std::string head = "auto " + var->getName().str() + " = go::new_<" + type + ">";
    SourceLocation after_name = Lexer::getLocForEndOfToken(var->getLocation(), 0, sm, lo);
    auto replace = [&](SourceLocation from, SourceLocation to, std::string text) {
      out.edits.emplace_back(CharSourceRange::getCharRange(from, to), std::move(text));
    };
    const Expr* init = var->getInit();
    const auto* construct = dyn_cast_or_null<CXXConstructExpr>(init ? init->IgnoreImplicit() : nullptr);
    bool written =
        init && !(construct && construct->getNumArgs() == 0 && construct->getParenOrBraceRange().isInvalid());
    if (!written) {
      replace(ds->getBeginLoc(), ds->getEndLoc(), head + "()");
      return true;
    }
    // The initialiser's own text: from after `=` or the name to the semicolon.
    SourceLocation from = after_name;
    if (var->getInitStyle() == VarDecl::CInit) {
      Token eq;
      SourceLocation at = Lexer::findNextToken(var->getLocation(), sm, lo).value_or(eq).getLocation();
      if (at.isInvalid() || at.isMacroID() || text_of(CharSourceRange::getTokenRange(at, at), ctx) != "=")
        return no("the initialiser could not be read as written"), false;
      from = Lexer::getLocForEndOfToken(at, 0, sm, lo);
    }
    std::string init_text = text_of(CharSourceRange::getCharRange(from, ds->getEndLoc()), ctx);
    llvm::StringRef written_init = init_text;
    llvm::StringRef trimmed = written_init.ltrim();
    SourceLocation init_at = from.getLocWithOffset(static_cast<int>(written_init.size() - trimmed.size()));
    trimmed = trimmed.rtrim();
    if (trimmed.empty()) return no("the initialiser could not be read as written"), false;
    SourceLocation init_end = init_at.getLocWithOffset(static_cast<int>(trimmed.size()));
    if (trimmed.front() == '{') {
      // List-initialisation of a temporary `T{...}` (designators and nested
      // braces included), moved into the heap.
      if (!movable(rd)) return no("the variable is list-initialised and its type cannot be moved"), false;
      replace(ds->getBeginLoc(), init_at, head + "(" + type);
      replace(init_end, init_end, ")");
      return true;
    }
    if (var->getInitStyle() == VarDecl::CInit) {
      // Copy-initialised from another type: go::new_ initialises directly,
      // where an explicit constructor could win.
      if (const Expr* conv = converted_from(init); rd && conv && explicit_takes(rd, conv->getType()))
        return no("the variable is copy-initialised and its type has an explicit constructor go::new_ could "
                  "choose instead"),
               false;
      replace(ds->getBeginLoc(), init_at, head + "(");
      replace(init_end, init_end, ")");
      return true;
    }
    if (trimmed.front() != '(') return no("the initialiser could not be read as written"), false;
    replace(ds->getBeginLoc(), init_at, head);  // `(args)` stays
    return true;
  }

  heap_move& plan() {
    std::string name = var->getName().str();
    DynTypedNodeList ps = ctx.getParents(*var);
    const auto* ds = ps.size() == 1 ? ps[0].get<DeclStmt>() : nullptr;
    QualType t = var->getType();
    if (!ds || !ds->isSingleDecl() || !var->hasLocalStorage() || isa<ParmVarDecl>(var) || !var->getIdentifier() ||
        var->isCXXForRangeDecl())
      return no(
          "only a local variable of its own declaration moves (not a range-for variable, not one of several "
          "declared together)");
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

    variable_uses found = find_variable_uses(var);
    std::set<const Expr*> capture_inits;
    for (const LambdaExpr* le : found.capturing)
      if (!capture_by_copy(le, capture_inits)) return out;
    for (const DeclRefExpr* use : found.refs) {
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
    if (!declaration(ds)) return out;
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
