// The plan of owner_rewrite.hpp: the variable that owns the object, every
// use of it (each must survive the owner becoming a plain pointer), for a
// `new` the one delete that ends it, and the text of the type and the
// arguments as written.
#include "escape/owner_rewrite.hpp"

#include "escape/user_destructor.hpp"
#include "escape/variable_uses.hpp"
#include "escape/written_source.hpp"
#include "runtime_model/runtime_model.hpp"

#include <clang/AST/ExprCXX.h>
#include <clang/AST/ParentMapContext.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>

#include <algorithm>

namespace gocxx::escape {

using namespace clang;

namespace {

// `use` names the variable in a capture by reference of the lambda `p`.
bool captured_by_reference(const Stmt* p, const Stmt* use) {
  const auto* le = dyn_cast_or_null<LambdaExpr>(p);
  if (!le) return false;
  for (unsigned i = 0; i < le->capture_size(); ++i)
    if (le->capture_begin()[i].getCaptureKind() == LCK_ByRef && le->capture_init_begin()[i] == use) return true;
  return false;
}

// The statements in `s` that leave the block `s` is in other than by its
// end: a return, a goto, a break or continue that no loop or switch inside
// `s` takes. A lambda's body is its own function.
void leaving_jumps(const Stmt* s, bool breaks_stay, bool continues_stay, std::vector<const Stmt*>& out) {
  if (!s || isa<LambdaExpr>(s)) return;
  if (isa<ReturnStmt, CoreturnStmt, GotoStmt, IndirectGotoStmt>(s) || (isa<BreakStmt>(s) && !breaks_stay) ||
      (isa<ContinueStmt>(s) && !continues_stay)) {
    out.push_back(s);
    return;
  }
  bool loop = isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(s);
  bool sw = isa<SwitchStmt>(s);
  for (const Stmt* c : s->children()) leaving_jumps(c, breaks_stay || loop || sw, continues_stay || loop, out);
}

// T as a functional cast can spell it: one name, maybe qualified or with
// template arguments (`unsigned int(x)` or `const T(x)` would not parse).
bool one_name(llvm::StringRef type) {
  int depth = 0;
  for (char c : type) {
    if (c == '<' || c == '(') ++depth;
    if (c == '>' || c == ')') --depth;
    if (depth == 0 && (c == ' ' || c == '\t' || c == '\n')) return false;
  }
  llvm::StringRef first =
      type.take_while([](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
  return !type.empty() && first != "const" && first != "volatile" && first != "struct" && first != "class" &&
         first != "union" && first != "enum" && first != "typename";
}

// Constructing and destroying a T where the owner's function is, rather
// than inside the library: the constructor it runs and the destructor must
// be public.
std::string inaccessible(QualType t, const CXXConstructorDecl* ctor) {
  const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
  if (!rd || !rd->hasDefinition()) return {};
  rd = rd->getDefinition();
  if (rd->isAbstract()) return "the type is abstract";
  auto hidden = [](const Decl* d) { return d && d->getAccess() != AS_public && d->getAccess() != AS_none; };
  if (hidden(rd->getDestructor())) return "its destructor is not public";
  if (hidden(ctor)) return "the constructor it runs is not public";
  return {};
}

// The constructor the new-expression inside std::make_unique<T> runs.
const CXXConstructorDecl* constructor_in(const FunctionDecl* make_unique) {
  struct finder : RecursiveASTVisitor<finder> {
    const CXXConstructorDecl* ctor = nullptr;
    bool VisitCXXNewExpr(CXXNewExpr* n) {
      if (const auto* ce = dyn_cast_or_null<CXXConstructExpr>(n->getConstructExpr())) ctor = ce->getConstructor();
      return true;
    }
  } f;
  if (make_unique && make_unique->getBody()) f.TraverseStmt(const_cast<Stmt*>(make_unique->getBody()));
  return f.ctor;
}

// The range of a statement `delete p;` and, when nothing else is on its
// line, the whole line.
CharSourceRange statement_line(ASTContext& ctx, const Stmt* s) {
  const SourceManager& sm = ctx.getSourceManager();
  SourceLocation end = Lexer::findLocationAfterToken(s->getEndLoc(), tok::semi, sm, ctx.getLangOpts(),
                                                     /*SkipTrailingWhitespaceAndNewLine=*/false);
  if (end.isInvalid()) return {};
  auto [file, begin_off] = sm.getDecomposedLoc(s->getBeginLoc());
  unsigned end_off = sm.getFileOffset(end);
  llvm::StringRef buf = sm.getBufferData(file);
  unsigned line_start = begin_off;
  while (line_start > 0 && (buf[line_start - 1] == ' ' || buf[line_start - 1] == '\t')) --line_start;
  unsigned line_end = end_off;
  while (line_end < buf.size() && (buf[line_end] == ' ' || buf[line_end] == '\t')) ++line_end;
  bool alone = (line_start == 0 || buf[line_start - 1] == '\n') && (line_end == buf.size() || buf[line_end] == '\n');
  if (!alone) return CharSourceRange::getCharRange(s->getBeginLoc(), end);
  SourceLocation file_start = sm.getLocForStartOfFile(file);
  return CharSourceRange::getCharRange(file_start.getLocWithOffset(line_start),
                                       file_start.getLocWithOffset(std::min<unsigned>(line_end + 1, buf.size())));
}

struct planner {
  ASTContext& ctx;
  rewrite_run& run;
  owner_rewrite out;

  owner_rewrite& no(std::string why, SourceLocation at = {}) {
    out.why_not = std::move(why);
    out.why_not_at = at;
    return out;
  }

  // The variable the allocation initialises, in a block; empty when it is
  // not a plain local of an owning type.
  const VarDecl* owner(const Expr* alloc, const DeclStmt*& ds, const CompoundStmt*& block) {
    holding_statement at = find_holding_statement(ctx, alloc);
    if (!at.why_not.empty()) {
      no(at.why_not);
      return nullptr;
    }
    ds = dyn_cast<DeclStmt>(at.statement);
    const auto* vd = dyn_cast_or_null<VarDecl>(at.var);
    if (!ds || !vd || !vd->hasLocalStorage() || vd->getType()->isReferenceType() || isa<ParmVarDecl>(vd)) {
      no("the allocation does not initialise a local variable of its own declaration");
      return nullptr;
    }
    block = at.block;
    return vd;
  }

  // `auto name = T(args)` (or `T name;` for a new-expression without an
  // initialiser), its name, and whether the stack can take it.
  bool local_for(const VarDecl* var, QualType object, const std::string& type, const std::string& init,
                 std::string& name, std::string& declaration) {
    if (object->isIncompleteType() || object->isDependentType()) return no("the type is incomplete here"), false;
    if (object.isConstQualified() || object.isVolatileQualified() || !one_name(type))
      return no("the type is not written as one name, which the local's initialiser must repeat"), false;
    std::string over = over_stack_budget(var->getDeclContext(), ctx.getTypeSizeInChars(object).getQuantity(), run);
    if (!over.empty()) return no(over), false;
    name = unused_name(var, var->getName().str() + "_obj", run);
    declaration = init.empty() ? type + " " + name + ";" : "auto " + name + " = " + type + init + ";";
    return true;
  }

  // The object as a local, `type` and `init` as written, owned by the
  // std::unique_ptr `var`: each use must hold for a plain pointer (->, *,
  // get(), a test), and the declaration becomes the local and a pointer.
  owner_rewrite& owned_by_unique(const VarDecl* var, const DeclStmt* ds, QualType object, const std::string& type,
                                 const std::string& init) {
    const ClassTemplateSpecializationDecl* up = runtime_model::std_unique_ptr(var->getType());
    if (!up || !ctx.hasSameType(up->getTemplateArgs()[0].getAsType(), object))
      return no("the variable is not a std::unique_ptr of the type made (deleting through a base would differ)");
    std::vector<std::pair<CharSourceRange, std::string>> gets;
    for (const DeclRefExpr* use : find_variable_uses(var).refs) {
      const Stmt* child = nullptr;
      const Stmt* p = user_of(ctx, use, child);
      if (captured_by_reference(p, child)) continue;
      if (const auto* op = dyn_cast_or_null<CXXOperatorCallExpr>(p);
          op && (op->getOperator() == OO_Arrow || op->getOperator() == OO_Star) && op->getArg(0) == child)
        continue;
      if (const auto* m = dyn_cast_or_null<MemberExpr>(p)) {
        const Stmt* mc_child = nullptr;
        const auto* mc = dyn_cast_or_null<CXXMemberCallExpr>(user_of(ctx, m, mc_child));
        const CXXMethodDecl* method = mc ? mc->getMethodDecl() : nullptr;
        if (method && isa<CXXConversionDecl>(method)) continue;  // if (p), !p
        if (method && method->getIdentifier() && method->getName() == "get" && !mc->getSourceRange().isInvalid() &&
            !mc->getBeginLoc().isMacroID() && !mc->getEndLoc().isMacroID()) {
          gets.emplace_back(CharSourceRange::getTokenRange(mc->getSourceRange()), var->getName().str());
          continue;
        }
      }
      return no("'" + var->getName().str() +
                    "' is used other than through ->, *, get() or a test (moved, released, reset, passed on, "
                    "compared or its address taken)",
                use->getLocation());
    }
    std::string name, declaration;
    if (!local_for(var, object, type, init, name, declaration)) return out;
    if (ds->getBeginLoc().isMacroID() || ds->getEndLoc().isMacroID())
      return no("the declaration is written inside a macro expansion");
    std::string indent = indentation_of(ds, ctx.getSourceManager());
    // Up to the semicolon: `std::unique_ptr<T> p(std::make_unique<T>())`
    // ends after the initialiser's own parenthesis.
    out.edits.emplace_back(CharSourceRange::getCharRange(ds->getBeginLoc(), ds->getEndLoc()),
                           declaration + "\n" + indent + "auto* const " + var->getName().str() + " = &" + name);
    out.edits.insert(out.edits.end(), gets.begin(), gets.end());
    out.possible = true;
    return out;
  }

  // The fix edits the template, which every instantiation shares; each is
  // analysed on its own, with its own types.
  bool in_template(const VarDecl* var) {
    const auto* fn = dyn_cast<FunctionDecl>(var->getDeclContext());
    if (fn && !fn->getTemplateInstantiationPattern() && !fn->isDependentContext()) return false;
    no("the allocation is in a template: its instantiations would all get the fix, each with its own type");
    return true;
  }

  owner_rewrite& unique(const CallExpr* call) {
    const DeclStmt* ds = nullptr;
    const CompoundStmt* block = nullptr;
    const VarDecl* var = owner(call, ds, block);
    if (!var || in_template(var)) return out;
    const auto* callee = call->getDirectCallee();
    QualType object = (*callee->getTemplateSpecializationArgs())[0].getAsType();
    if (std::string why = inaccessible(object, constructor_in(callee)); !why.empty())
      return no(why + ": std::make_unique may construct it, the function may not");
    std::string type = written_template_args(ctx, call, 1);
    std::string args;
    if (type.empty()) return no("the type is written inside a macro expansion");
    if (!written_arguments(ctx, call, args)) return no("the arguments could not be read as written");
    return owned_by_unique(var, ds, object, type, args.empty() ? "()" : args);
  }

  // The deletes of `var` end the object on every path out of `block` from
  // `ds`: one is a statement of the block after the declaration, every
  // statement in between that may leave the block does so by a jump right
  // after a delete, and every other delete is right before such a jump.
  // The deletes to remove, or empty with the reason given.
  std::vector<const CXXDeleteExpr*> deleted_on_every_path(const VarDecl* var, const variable_uses& uses,
                                                          const DeclStmt* ds, const CompoundStmt* block) {
    const Stmt* const* decl_at = llvm::find(block->body(), ds);
    const Stmt* const* last = block->body_end();
    for (const Stmt* const* s = decl_at + 1; s != block->body_end() && last == block->body_end(); ++s)
      if (llvm::is_contained(uses.deletes, *s)) last = s;
    if (last == block->body_end()) {
      no("it is not deleted by a statement of the block that declares '" + var->getName().str() + "'",
         uses.deletes.front()->getBeginLoc());
      return {};
    }
    std::vector<const Stmt*> exits;
    for (const Stmt* const* s = decl_at + 1; s != last; ++s) leaving_jumps(*s, false, false, exits);
    std::vector<const CXXDeleteExpr*> ending = {cast<CXXDeleteExpr>(*last)};
    for (const Stmt* jump : exits) {
      const CXXDeleteExpr* before = delete_just_before(jump, uses);
      if (!before) {
        no("a statement between the new and the delete may leave the block without deleting it: not deleted on "
           "every path",
           jump->getBeginLoc());
        return {};
      }
      ending.push_back(before);
    }
    for (const CXXDeleteExpr* d : uses.deletes)
      if (!llvm::is_contained(ending, d)) {
        no("a delete of '" + var->getName().str() + "' that does not end its block (the program goes on after it)",
           d->getBeginLoc());
        return {};
      }
    for (const CXXDeleteExpr* d : ending)
      if (d->isArrayForm() || !d->getOperatorDelete() ||
          !d->getOperatorDelete()->isReplaceableGlobalAllocationFunction()) {
        no("the delete is not the global one", d->getBeginLoc());
        return {};
      }
    return ending;
  }

  // The statement `delete var;` just before `jump` in its block, or null.
  const CXXDeleteExpr* delete_just_before(const Stmt* jump, const variable_uses& uses) {
    DynTypedNodeList ps = ctx.getParents(*jump);
    const auto* c = ps.size() == 1 ? ps[0].get<CompoundStmt>() : nullptr;
    if (!c) return nullptr;
    const Stmt* const* at = llvm::find(c->body(), jump);
    if (at == c->body_begin() || at == c->body_end()) return nullptr;
    const auto* d = dyn_cast<CXXDeleteExpr>(*(at - 1));
    return d && llvm::is_contained(uses.deletes, d) ? d : nullptr;
  }

  owner_rewrite& deleted(const CXXNewExpr* n) {
    const DeclStmt* ds = nullptr;
    const CompoundStmt* block = nullptr;
    const VarDecl* var = owner(n, ds, block);
    QualType object = n->getAllocatedType();
    bool unique = var && runtime_model::std_unique_ptr(var->getType());
    if (!var || (!var->getType()->isPointerType() && !unique)) {
      out.report = false;  // nothing here owns it
      return out;
    }
    variable_uses uses = find_variable_uses(var);
    // Ownership handed elsewhere (or a leak): not this check's to judge.
    if (!unique && uses.deletes.empty()) {
      out.report = false;
      return out;
    }
    if (in_template(var)) return out;
    if (std::string why =
            inaccessible(object, n->getConstructExpr() ? n->getConstructExpr()->getConstructor() : nullptr);
        !why.empty())
      return no(why);
    const SourceManager& sm = ctx.getSourceManager();
    const TypeSourceInfo* tsi = n->getAllocatedTypeSourceInfo();
    SourceRange type_range = tsi ? tsi->getTypeLoc().getSourceRange() : SourceRange();
    if (type_range.isInvalid() || type_range.getBegin().isMacroID() || type_range.getEnd().isMacroID() ||
        n->getBeginLoc().isMacroID() || n->getEndLoc().isMacroID() || ds->getBeginLoc().isMacroID())
      return no("the allocation or its declaration is written inside a macro expansion");
    std::string type = text_of(CharSourceRange::getTokenRange(type_range), ctx);
    // The initialiser as written: what follows the type, `(args)` or `{args}`.
    std::string init;
    if (n->getInitializationStyle() != CXXNewInitializationStyle::None) {
      SourceLocation after = Lexer::getLocForEndOfToken(type_range.getEnd(), 0, sm, ctx.getLangOpts());
      init = llvm::StringRef(text_of(CharSourceRange::getTokenRange(after, n->getEndLoc()), ctx)).ltrim().str();
      if (init.empty() || (init.front() != '(' && init.front() != '{'))
        return no("the initialiser could not be read as written");
    }
    if (unique) return owned_by_unique(var, ds, object, type, init.empty() ? "()" : init);

    if (!ctx.hasSameType(var->getType()->getPointeeType().getUnqualifiedType(), object))
      return no("the variable points to another type than the one made (deleting through a base would differ)");
    std::vector<const CXXDeleteExpr*> ending = deleted_on_every_path(var, uses, ds, block);
    if (ending.empty()) return out;
    for (const DeclRefExpr* use : uses.refs) {
      const Stmt* child = nullptr;
      const Stmt* p = user_of(ctx, use, child);
      const auto* c = dyn_cast_or_null<ImplicitCastExpr>(p);
      if (!captured_by_reference(p, child) && (!c || c->getCastKind() != CK_LValueToRValue))
        return no("'" + var->getName().str() + "' is assigned, or its address or a reference to it is taken",
                  use->getLocation());
    }
    if (destruction_may_run_user_code(ctx, object))
      return no("destroying " + object.getAsString(ctx.getPrintingPolicy()) +
                " runs the program's code: at the delete, and on the stack at the end of the block");
    std::string name, declaration;
    if (!local_for(var, object, type, init, name, declaration)) return out;
    out.edits.emplace_back(CharSourceRange::getCharRange(ds->getBeginLoc(), ds->getBeginLoc()),
                           declaration + "\n" + indentation_of(ds, sm));
    out.edits.emplace_back(CharSourceRange::getTokenRange(n->getSourceRange()), "&" + name);
    for (const CXXDeleteExpr* d : ending) {
      if (d->getBeginLoc().isMacroID() || d->getEndLoc().isMacroID())
        return no("a delete is written inside a macro expansion", d->getBeginLoc());
      CharSourceRange line = statement_line(ctx, d);
      if (line.isInvalid()) return no("a delete statement could not be read as written", d->getBeginLoc());
      out.edits.emplace_back(line, "");
    }
    std::sort(out.edits.begin(), out.edits.end(), [&](const auto& a, const auto& b) {
      return sm.isBeforeInTranslationUnit(a.first.getBegin(), b.first.getBegin());
    });
    out.possible = true;
    return out;
  }
};

}  // namespace

owner_rewrite plan_owner_rewrite(ASTContext& ctx, const Expr* alloc, alloc_kind kind, rewrite_run& run) {
  planner p{ctx, run, {}};
  if (alloc->getBeginLoc().isMacroID() || alloc->getEndLoc().isMacroID()) {
    // A new in a macro's expansion is the macro's business.
    p.out.report = kind != alloc_kind::cxx_new;
    return p.no("the allocation is written inside a macro expansion");
  }
  if (kind == alloc_kind::make_unique) {
    if (const auto* call = dyn_cast<CallExpr>(alloc); call && call->getDirectCallee()) return p.unique(call);
  } else if (kind == alloc_kind::cxx_new) {
    if (const auto* n = dyn_cast<CXXNewExpr>(alloc)) return p.deleted(n);
  }
  return p.no("not a std::make_unique<T> or a new T");
}

}  // namespace gocxx::escape
