// The plan of stack_rewrite.hpp: which statement holds the allocation, the
// text of its type and arguments as written, a name for the local that the
// function does not use yet.
#include "escape/stack_rewrite.hpp"

#include "escape/user_destructor.hpp"
#include "escape/written_source.hpp"

#include <clang/AST/ExprCXX.h>
#include <clang/AST/ParentMapContext.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>

#include <set>

namespace gocxx::escape {

using namespace clang;

namespace {

// Looks up through what only converts or holds the call's value: implicit
// casts, temporaries, a go::ptr converted or copied from it, parentheses.
bool passes_value(const DynTypedNode& n) {
  if (const auto* e = n.get<Expr>()) {
    if (isa<ImplicitCastExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr, ExprWithCleanups, ParenExpr>(e))
      return true;
    if (const auto* c = dyn_cast<CXXConstructExpr>(e)) return c->getNumArgs() == 1 && !isa<CXXTemporaryObjectExpr>(c);
    // `go::ptr<T> p{go::new_<T>()}`: braces around the one value.
    if (const auto* l = dyn_cast<InitListExpr>(e)) return l->getNumInits() == 1;
  }
  return false;
}

const DynTypedNode* only_parent(ASTContext& ctx, const DynTypedNode& n, DynTypedNodeList& holder) {
  holder = ctx.getParents(n);
  return holder.size() == 1 ? &holder[0] : nullptr;
}

// The names the function declares or uses (its own, and those of globals,
// members and enclosing functions it refers to, dependent ones included), to
// pick one that shadows nothing it may use.
class name_collector : public RecursiveASTVisitor<name_collector> {
 public:
  std::set<std::string> names;
  void add(DeclarationName n) {
    if (const IdentifierInfo* id = n.getAsIdentifierInfo()) names.insert(id->getName().str());
  }
  bool VisitNamedDecl(NamedDecl* d) {
    add(d->getDeclName());
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr* e) {
    add(e->getDecl()->getDeclName());
    return true;
  }
  bool VisitMemberExpr(MemberExpr* e) {
    add(e->getMemberDecl()->getDeclName());
    return true;
  }
  bool VisitOverloadExpr(OverloadExpr* e) {
    add(e->getName());
    return true;
  }
  // Types named in the function: a local of that name would hide the type
  // from the later uses (`auto cell_obj = cell_obj();` does not compile).
  bool VisitTagTypeLoc(TagTypeLoc t) {
    add(t.getDecl()->getDeclName());
    return true;
  }
  bool VisitTypedefTypeLoc(TypedefTypeLoc t) {
    add(t.getTypedefNameDecl()->getDeclName());
    return true;
  }
  bool VisitTemplateSpecializationTypeLoc(TemplateSpecializationTypeLoc t) {
    if (const TemplateDecl* td = t.getTypePtr()->getTemplateName().getAsTemplateDecl()) add(td->getDeclName());
    return true;
  }
  bool VisitInjectedClassNameTypeLoc(InjectedClassNameTypeLoc t) {
    add(t.getDecl()->getDeclName());
    return true;
  }
  bool VisitDependentScopeDeclRefExpr(DependentScopeDeclRefExpr* e) {
    add(e->getDeclName());
    return true;
  }
  bool VisitCXXDependentScopeMemberExpr(CXXDependentScopeMemberExpr* e) {
    add(e->getMember());
    return true;
  }
};

}  // namespace

std::string text_of(CharSourceRange r, const ASTContext& ctx) {
  return Lexer::getSourceText(r, ctx.getSourceManager(), ctx.getLangOpts()).str();
}

holding_statement find_holding_statement(ASTContext& ctx, const Expr* call) {
  holding_statement out;
  DynTypedNode at = DynTypedNode::create(*call);
  DynTypedNodeList holder = ctx.getParents(at);
  const DynTypedNode* p = only_parent(ctx, at, holder);
  while (p && passes_value(*p)) {
    at = *p;
    p = only_parent(ctx, at, holder);
  }
  if (const auto* vd = p ? p->get<VarDecl>() : nullptr;
      vd && vd->getInit() && vd->getIdentifier() && vd->isLocalVarDecl()) {
    DynTypedNodeList decl_parents = ctx.getParents(*vd);
    const auto* ds = decl_parents.size() == 1 ? decl_parents[0].get<DeclStmt>() : nullptr;
    if (ds && ds->isSingleDecl()) {
      out.var = vd;
      out.statement = ds;
    }
  } else if (p) {
    const Expr* lhs = nullptr;
    if (const auto* b = p->get<BinaryOperator>(); b && b->getOpcode() == BO_Assign)
      lhs = b->getLHS();
    else if (const auto* o = p->get<CXXOperatorCallExpr>(); o && o->getOperator() == OO_Equal && o->getNumArgs() == 2)
      lhs = o->getArg(0);
    const auto* r = lhs ? dyn_cast<DeclRefExpr>(lhs->IgnoreParenImpCasts()) : nullptr;
    if (r && r->getDecl()->getIdentifier()) {
      out.var = r->getDecl();
      // An expression statement: the assignment, or the full-expression's
      // cleanups around it.
      DynTypedNodeList up = ctx.getParents(*p);
      out.statement = up.size() == 1 && up[0].get<ExprWithCleanups>() ? up[0].get<Stmt>() : p->get<Stmt>();
    }
  }
  if (!out.statement) {
    out.why_not = "the allocation is not what a variable in a block is initialised or assigned with";
    return out;
  }
  DynTypedNodeList block = ctx.getParents(*out.statement);
  out.block = block.size() == 1 ? block[0].get<CompoundStmt>() : nullptr;
  if (!out.block)
    out.why_not = "the statement is not in a block of its own";
  else if (out.statement->getBeginLoc().isMacroID())
    out.why_not = "the statement is written inside a macro expansion";
  return out;
}

// An object declared before the statement in its block is destroyed after
// the new local: if its destructor runs the user's code (a go::defer, a
// guard that reads what it was given), that code could reach the object
// after its end. The first such declaration, or null.
const VarDecl* destroyed_later_with_user_code(ASTContext& ctx, const CompoundStmt* block, const Stmt* statement) {
  for (const Stmt* s : block->body()) {
    if (s == statement) break;
    const auto* ds = dyn_cast<DeclStmt>(s);
    if (!ds) continue;
    for (const Decl* d : ds->decls())
      if (const auto* vd = dyn_cast<VarDecl>(d); vd && vd->hasLocalStorage())
        // A reference may hold a temporary whose life it extends: its type
        // is what is destroyed.
        if (destruction_may_run_user_code(ctx, vd->getType())) return vd;
  }
  return nullptr;
}

// `base`, or base2, base3...: the first the function neither declares nor
// uses, nor another fix of this run gave a local of the same function.
std::string unused_name(const ValueDecl* var, const std::string& base, rewrite_run& run) {
  name_collector names;
  const DeclContext* fn = var->getDeclContext();
  if (const auto* f = dyn_cast<FunctionDecl>(fn)) names.TraverseDecl(const_cast<FunctionDecl*>(f));
  std::set<std::string>& given = run.names[fn];
  std::string name = base;
  for (int k = 2; names.names.count(name) || given.count(name); ++k) name = base + std::to_string(k);
  given.insert(name);
  return name;
}

std::string indentation_of(const Stmt* statement, const SourceManager& sm) {
  unsigned col = sm.getSpellingColumnNumber(statement->getBeginLoc());
  return std::string(col > 0 ? col - 1 : 0, ' ');
}

// go::new_<T>(args): `(args)` as written after the callee, empty without
// written arguments (no vexing parse for `()`); false when unreadable.
bool written_arguments(ASTContext& ctx, const CallExpr* call, std::string& args) {
  bool any = false;
  for (const Expr* a : call->arguments()) any = any || !isa<CXXDefaultArgExpr>(a);
  if (!any) return true;
  const SourceManager& sm = ctx.getSourceManager();
  SourceLocation open = Lexer::getLocForEndOfToken(call->getCallee()->getEndLoc(), 0, sm, ctx.getLangOpts());
  args = text_of(CharSourceRange::getTokenRange(open, call->getRParenLoc()), ctx);
  while (!args.empty() && (args.front() == ' ' || args.front() == '\t')) args.erase(args.begin());
  return !args.empty() && args.front() == '(';
}

// An expression's text as written, outside macro expansions; empty if not.
std::string written_expr(ASTContext& ctx, const Expr* e) {
  SourceRange r = e->getSourceRange();
  if (r.isInvalid() || r.getBegin().isMacroID() || r.getEnd().isMacroID()) return {};
  return text_of(CharSourceRange::getTokenRange(r), ctx);
}

// go::make_slice<T>(len[, cap]): the capacity as a template argument (as
// written: a literal or a name bare, anything else in parentheses, so a `>`
// in it cannot end the argument list) and the length as written.
static bool slice_bounds(ASTContext& ctx, const CallExpr* call, std::string& cap, std::string& len, uint64_t& count,
                         stack_rewrite& out) {
  std::string& why_not = out.why_not;
  if (call->getNumArgs() < 1 || call->getNumArgs() > 2) {
    why_not = "the call is not go::make_slice<T>(len[, cap])";
    return false;
  }
  const Expr* cap_expr = call->getArg(call->getNumArgs() - 1);
  Expr::EvalResult value;
  if (cap_expr->isValueDependent() || !cap_expr->isIntegerConstantExpr(ctx) || !cap_expr->EvaluateAsInt(value, ctx)) {
    why_not = "the capacity is not written as a constant expression";
    return false;
  }
  count = value.Val.getInt().getZExtValue();
  if (value.Val.getInt().isZero()) {
    why_not = "a slice of capacity 0 allocates nothing";
    out.allocates = false;
    return false;
  }
  cap = written_expr(ctx, cap_expr);
  len = written_expr(ctx, call->getArg(0));
  if (cap.empty() || len.empty()) {
    why_not = "the size is written inside a macro expansion";
    return false;
  }
  if (!isa<IntegerLiteral, DeclRefExpr>(cap_expr->IgnoreParenImpCasts())) cap = "(" + cap + ")";
  return true;
}

// The bytes of the function's own large locals and by-value parameters (256
// bytes or more: scalars and handles are noise next to the limit), lambdas'
// excepted (their bodies are frames of their own): what an earlier fix
// moved counts as it did then, so a second run spends the budget the same.
static uint64_t local_bytes(const FunctionDecl* f) {
  struct sizer : RecursiveASTVisitor<sizer> {
    const ASTContext& ctx;
    uint64_t bytes = 0;
    explicit sizer(const ASTContext& c) : ctx(c) {}
    bool TraverseLambdaExpr(LambdaExpr*) { return true; }
    bool VisitVarDecl(VarDecl* v) {
      QualType t = v->getType();
      if (!v->hasLocalStorage() || t->isReferenceType() || t->isDependentType() || t->isIncompleteType()) return true;
      uint64_t size = ctx.getTypeSizeInChars(t).getQuantity();
      if (size >= 256) bytes += size;
      return true;
    }
  } s(f->getASTContext());
  for (const ParmVarDecl* p : f->parameters()) s.VisitVarDecl(const_cast<ParmVarDecl*>(p));
  if (f->getBody()) s.TraverseStmt(const_cast<Stmt*>(f->getBody()));
  return s.bytes;
}

// How a note names a function: a lambda's call operator is the lambda.
static std::string function_label(const FunctionDecl* f) {
  if (const auto* md = dyn_cast<CXXMethodDecl>(f); md && md->getParent()->isLambda()) return "the lambda";
  return "'" + f->getNameAsString() + "'";
}

// Why `bytes` more on the stack of `fn` is over the run's budget, or empty
// (and then they are spent).
std::string over_stack_budget(const DeclContext* fn, uint64_t bytes, rewrite_run& run) {
  constexpr uint64_t function_budget = uint64_t{64} * 1024;
  constexpr uint64_t recursive_object = 256;
  const auto* f = dyn_cast<FunctionDecl>(fn);
  if (f && bytes > recursive_object && (run.recursive.contains(f) || run.reentrant.contains(f))) {
    const char* why = run.recursive.contains(f)
                          ? " is recursive"
                          : " calls through a function pointer, a virtual function or std::function, which may call "
                            "it again,";
    return function_label(f) + why + " and the object takes " + std::to_string(bytes) +
           " bytes: every live call would keep one on a fixed-size stack (256 at most)";
  }
  auto [at, fresh] = run.bytes.try_emplace(fn, 0);
  uint64_t& used = at->second;
  if (fresh && f) used = local_bytes(f);
  if (used + bytes > function_budget)
    return "the function's objects moved to the stack would take more than 64 KiB together";
  used += bytes;
  return {};
}

stack_rewrite plan_stack_rewrite(ASTContext& ctx, const CallExpr* call, alloc_kind kind, rewrite_run& run) {
  stack_rewrite out;
  auto no = [&](std::string why) {
    out.why_not = std::move(why);
    return out;
  };
  if (kind != alloc_kind::new_ && kind != alloc_kind::make_slice) return no("only go::new_ and go::make_slice move");
  const bool slice = kind == alloc_kind::make_slice;
  if (call->getBeginLoc().isMacroID() || call->getEndLoc().isMacroID())
    return no("the allocation is written inside a macro expansion");
  const auto* callee = dyn_cast<DeclRefExpr>(call->getCallee()->IgnoreImplicit());
  if (!callee || callee->getNumTemplateArgs() != 1)
    return no(slice ? "the element type is not written as go::make_slice<T>"
                    : "the allocated type is not written as go::new_<T>");
  std::string type = written_template_args(ctx, call, 1);
  if (type.empty()) return no("the allocated type is written inside a macro expansion");

  std::string cap, len;
  uint64_t count = 1;
  if (slice && !slice_bounds(ctx, call, cap, len, count, out)) return out;

  holding_statement at = find_holding_statement(ctx, call);
  if (!at.why_not.empty()) return no(at.why_not);
  // On the heap the object's destructor is a finalizer, run when (if) the
  // collector frees it; on the stack it would run at the end of the scope.
  // new_<T>, make_slice<T>: the T, as instantiated.
  QualType object;
  if (const auto* fd = dyn_cast<FunctionDecl>(callee->getDecl()))
    if (const TemplateArgumentList* targs = fd->getTemplateSpecializationArgs();
        targs && targs->size() > 0 && (*targs)[0].getKind() == TemplateArgument::Type)
      object = (*targs)[0].getAsType();
  if (object.isNull()) return no("the allocated type is not written as go::new_<T>");
  if (destruction_may_run_user_code(ctx, object))
    return no("destroying " + object.getAsString(ctx.getPrintingPolicy()) +
              " runs the program's code: on the heap when the collector frees it, on the stack at the end of the "
              "scope");
  if (const VarDecl* later = destroyed_later_with_user_code(ctx, at.block, at.statement))
    return no("'" + later->getNameAsString() + "', declared before it in the block, is destroyed after it and runs " +
              "the program's code then, which could reach it");

  if (!object->isDependentType() && !object->isIncompleteType()) {
    std::string over =
        over_stack_budget(at.var->getDeclContext(), ctx.getTypeSizeInChars(object).getQuantity() * count, run);
    if (!over.empty()) return no(over);
  }

  const SourceManager& sm = ctx.getSourceManager();
  std::string indent = indentation_of(at.statement, sm);
  if (slice) {
    std::string name = unused_name(at.var, at.var->getName().str() + "_array", run);
    out.declaration = "go::local_array<" + type + ", " + cap + "> " + name + ";\n" + indent;
    out.replacement = name + ".slice(" + len + ")";
  } else {
    std::string args;
    if (!written_arguments(ctx, call, args)) return no("the arguments could not be read as written");
    std::string name = unused_name(at.var, at.var->getName().str() + "_obj", run);
    out.declaration = "go::local<" + type + "> " + name + args + ";\n" + indent;
    out.replacement = name + ".ptr()";
  }
  out.possible = true;
  out.insert_at = at.statement->getBeginLoc();
  out.call = CharSourceRange::getTokenRange(call->getSourceRange());
  return out;
}

}  // namespace gocxx::escape
