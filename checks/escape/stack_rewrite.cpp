// The plan of stack_rewrite.hpp: which statement holds the allocation, the
// text of its type and arguments as written, a name for the local that the
// function does not use yet.
#include "escape/stack_rewrite.hpp"

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
  }
  return false;
}

const DynTypedNode* only_parent(ASTContext& ctx, const DynTypedNode& n, DynTypedNodeList& holder) {
  holder = ctx.getParents(n);
  return holder.size() == 1 ? &holder[0] : nullptr;
}

// The names the function declares, to pick one it does not.
class name_collector : public RecursiveASTVisitor<name_collector> {
 public:
  std::set<std::string> names;
  bool VisitNamedDecl(NamedDecl* d) {
    if (d->getIdentifier()) names.insert(d->getName().str());
    return true;
  }
};

std::string text_of(CharSourceRange r, const ASTContext& ctx) {
  return Lexer::getSourceText(r, ctx.getSourceManager(), ctx.getLangOpts()).str();
}

}  // namespace

stack_rewrite plan_stack_rewrite(ASTContext& ctx, const CallExpr* call) {
  stack_rewrite out;
  const SourceManager& sm = ctx.getSourceManager();
  auto no = [&](std::string why) {
    out.why_not = std::move(why);
    return out;
  };
  if (call->getBeginLoc().isMacroID() || call->getEndLoc().isMacroID())
    return no("the allocation is written inside a macro expansion");
  const auto* callee = dyn_cast<DeclRefExpr>(call->getCallee()->IgnoreImplicit());
  if (!callee || callee->getNumTemplateArgs() != 1) return no("the allocated type is not written as go::new_<T>");
  std::string type = written_template_args(ctx, call, 1);
  if (type.empty()) return no("the allocated type is written inside a macro expansion");

  // The statement: a variable's declaration, or an assignment, in a block.
  DynTypedNode at = DynTypedNode::create(*call);
  DynTypedNodeList holder = ctx.getParents(at);
  const DynTypedNode* p = only_parent(ctx, at, holder);
  while (p && passes_value(*p)) {
    at = *p;
    p = only_parent(ctx, at, holder);
  }
  // The variable, and the statement that declares or assigns it.
  const ValueDecl* var = nullptr;
  const Stmt* statement = nullptr;
  if (const auto* vd = p ? p->get<VarDecl>() : nullptr;
      vd && vd->getInit() && vd->getIdentifier() && vd->isLocalVarDecl()) {
    DynTypedNodeList decl_parents = ctx.getParents(*vd);
    const auto* ds = decl_parents.size() == 1 ? decl_parents[0].get<DeclStmt>() : nullptr;
    if (ds && ds->isSingleDecl()) {
      var = vd;
      statement = ds;
    }
  } else if (p) {
    const Expr* lhs = nullptr;
    if (const auto* b = p->get<BinaryOperator>(); b && b->getOpcode() == BO_Assign)
      lhs = b->getLHS();
    else if (const auto* o = p->get<CXXOperatorCallExpr>(); o && o->getOperator() == OO_Equal && o->getNumArgs() == 2)
      lhs = o->getArg(0);
    const auto* r = lhs ? dyn_cast<DeclRefExpr>(lhs->IgnoreParenImpCasts()) : nullptr;
    if (r && r->getDecl()->getIdentifier()) {
      var = r->getDecl();
      // An expression statement: the assignment, or the full-expression's
      // cleanups around it.
      DynTypedNodeList up = ctx.getParents(*p);
      statement = up.size() == 1 && up[0].get<ExprWithCleanups>() ? up[0].get<Stmt>() : p->get<Stmt>();
    }
  }
  if (!statement) return no("the allocation is not what a variable in a block is initialised or assigned with");
  DynTypedNodeList block = ctx.getParents(*statement);
  if (block.size() != 1 || !block[0].get<CompoundStmt>()) return no("the statement is not in a block of its own");
  if (statement->getBeginLoc().isMacroID()) return no("the statement is written inside a macro expansion");

  // The arguments as written: `(args)` after the callee.
  std::string args;
  bool written_args = false;
  for (const Expr* a : call->arguments()) written_args = written_args || !isa<CXXDefaultArgExpr>(a);
  if (written_args) {
    SourceLocation open = Lexer::getLocForEndOfToken(callee->getEndLoc(), 0, sm, ctx.getLangOpts());
    args = text_of(CharSourceRange::getTokenRange(open, call->getRParenLoc()), ctx);
    while (!args.empty() && (args.front() == ' ' || args.front() == '\t')) args.erase(args.begin());
    if (args.empty() || args.front() != '(') return no("the arguments could not be read as written");
  }

  // A name the function does not use.
  name_collector names;
  if (const auto* fn = dyn_cast<FunctionDecl>(var->getDeclContext())) names.TraverseDecl(const_cast<FunctionDecl*>(fn));
  const std::string base = var->getName().str() + "_obj";
  std::string name = base;
  for (int k = 2; names.names.count(name); ++k) name = base + std::to_string(k);

  unsigned col = sm.getSpellingColumnNumber(statement->getBeginLoc());
  out.possible = true;
  out.insert_at = statement->getBeginLoc();
  out.declaration = "go::local<" + type + "> " + name + args + ";\n" + std::string(col > 0 ? col - 1 : 0, ' ');
  out.call = CharSourceRange::getTokenRange(call->getSourceRange());
  out.replacement = name + ".ptr()";
  return out;
}

}  // namespace gocxx::escape
