// Local aggregates, one location per field. Go's analysis gives a struct
// variable one location: `s := S{&x, &y}; sink = s.a` moves y to the heap
// too. gocxx splits a local aggregate the function only ever uses field by
// field (`s.a`, `s.b.c`, `s.arr[i]`): each field is a location of its own,
// named as the variable (the report still says `moved to heap: s` when any
// field's address escapes), so what one field holds leaves its siblings'
// targets alone.
//
// A local closure only ever called (`auto f = [&a, &b] {...}; f();`) is
// split the same way, a field per capture: the lambda-expression fills
// each, and each call hands the operator() the address of each field
// (call.cpp, capture_args), whose summary says what that capture leaks.
//
// Sound because nothing sees the variable whole: a copy, `&s`, a reference,
// a member call or a capture would need the fields together, and any such
// use keeps the variable in one piece -- a use inside a nested lambda too,
// which is a capture. Neither does its destruction (the type is trivially
// destructible) nor its construction (an aggregate initialised from
// braces, parentheses or nothing, a closure from its lambda-expression:
// each initialiser goes to its own field).
#include "escape/graph_builder_impl.hpp"

#include <clang/AST/ParentMapContext.h>
#include <clang/AST/RecursiveASTVisitor.h>

using namespace clang;

namespace gocxx::escape {

namespace {

// A type whose fields can live apart: an aggregate struct without bases,
// reference or bit-field members, trivially destroyed.
bool splittable_type(QualType t) {
  const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
  if (!rd || !(rd = rd->getDefinition()) || rd->isUnion() || rd->isLambda() || !rd->isAggregate() ||
      rd->getNumBases() > 0 || !rd->hasTrivialDestructor() || rd->isDependentType())
    return false;
  // A default member initialiser that names `this` means the whole object.
  for (const FieldDecl* f : rd->fields())
    if (f->getType()->isReferenceType() || f->isBitField() || f->isAnonymousStructOrUnion() ||
        mentions_this(f->getInClassInitializer()))
      return false;
  return true;
}

// A closure whose captures can live apart: trivially destroyed.
bool splittable_closure(QualType t) {
  const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
  return rd && rd->isLambda() && rd->hasDefinition() && rd->hasTrivialDestructor() && !rd->isDependentType();
}

// `e` is the object of a call of a closure: f(...), never a copy of f.
bool called_closure(ASTContext& ctx, const Expr* e) {
  for (;;) {
    DynTypedNodeList ps = ctx.getParents(*e);
    if (ps.size() != 1) return false;
    if (const auto* p = ps[0].get<ParenExpr>()) {
      e = p;
      continue;
    }
    if (const auto* c = ps[0].get<ImplicitCastExpr>(); c && c->getCastKind() == CK_NoOp) {
      e = c;
      continue;
    }
    const auto* call = ps[0].get<CXXOperatorCallExpr>();
    return call && call->getOperator() == OO_Call && call->getNumArgs() > 0 && call->getArg(0) == e;
  }
}

// An initialiser that sets the fields one by one, or not at all.
bool fieldwise_init(const Expr* init) {
  if (!init) return true;
  init = init->IgnoreImplicit();
  if (const auto* il = dyn_cast<InitListExpr>(init)) return !il->isTransparent();
  if (isa<CXXParenListInitExpr, ImplicitValueInitExpr>(init)) return true;
  const auto* ce = dyn_cast<CXXConstructExpr>(init);
  return ce && ce->getNumArgs() == 0 && ce->getConstructor()->isTrivial();
}

// Finds a use of the variable that needs it whole. Implicit code is
// visited: an implicit capture's initialiser is such a use.
class whole_use_finder : public RecursiveASTVisitor<whole_use_finder> {
 public:
  whole_use_finder(ASTContext& ctx, const VarDecl* vd, bool closure) : ctx_(ctx), vd_(vd), closure_(closure) {}
  bool whole = false;
  bool shouldVisitImplicitCode() const { return true; }
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool VisitDeclRefExpr(DeclRefExpr* e) {
    if (e->getDecl() != vd_) return true;
    if (e->refersToEnclosingVariableOrCapture()) {
      whole = true;  // seen from a nested lambda, through its capture
    } else if (closure_) {
      whole = !called_closure(ctx_, e);
    } else {
      DynTypedNodeList ps = ctx_.getParents(*e);
      const auto* m = ps.size() == 1 ? ps[0].get<MemberExpr>() : nullptr;
      if (!m || m->isArrow() || !isa<FieldDecl>(m->getMemberDecl())) whole = true;
    }
    return !whole;
  }

 private:
  ASTContext& ctx_;
  const VarDecl* vd_;
  bool closure_;
};

}  // namespace

bool graph_builder::impl::split(const VarDecl* vd) {
  auto [it, fresh] = split_.try_emplace(vd, false);
  if (!fresh) return it->second;
  const auto* fn = dyn_cast<FunctionDecl>(vd->getDeclContext());
  if (!fn || !fn->getBody() || !vd->hasLocalStorage() || isa<ParmVarDecl>(vd) || vd->isInitCapture()) return false;
  const Expr* init = vd->getInit() ? vd->getInit()->IgnoreImplicit() : nullptr;
  bool closure = splittable_closure(vd->getType());
  if (closure ? !isa_and_nonnull<LambdaExpr>(init) : !splittable_type(vd->getType()) || !fieldwise_init(vd->getInit()))
    return false;
  whole_use_finder uses(ctx_, vd, closure);
  uses.TraverseStmt(const_cast<Stmt*>(fn->getBody()));
  split_[vd] = !uses.whole;
  return !uses.whole;
}

unsigned graph_builder::impl::field_loc(const VarDecl* vd, const FieldDecl* f) {
  auto key = std::make_pair(vd, f);
  auto it = field_locs_.find(key);
  if (it != field_locs_.end()) return it->second;
  unsigned whole = var_loc(vd);
  unsigned l = new_loc(loc_kind::variable, vd->getNameAsString(), vd->getLocation(), g_.at(whole).scope_depth);
  g_.at(l).decl = vd;
  field_locs_[key] = l;
  return l;
}

int graph_builder::impl::split_field(const MemberExpr* m) {
  if (m->isArrow()) return -1;
  const auto* f = dyn_cast<FieldDecl>(m->getMemberDecl());
  if (!f) return -1;
  const Expr* base = m->getBase()->IgnoreParens();
  if (const auto* inner = dyn_cast<MemberExpr>(base)) return split_field(inner);
  const auto* dre = dyn_cast<DeclRefExpr>(base);
  const auto* vd = dre ? dyn_cast<VarDecl>(dre->getDecl()) : nullptr;
  if (!vd || !split(vd)) return -1;
  return static_cast<int>(field_loc(vd, f));
}

void graph_builder::impl::init_fields(const VarDecl* vd, const Expr* init) {
  if (!init) return;
  const Expr* e = init->IgnoreImplicit();
  if (const auto* le = dyn_cast<LambdaExpr>(e)) {
    // Each capture into its own field of the closure.
    init_captures(le, [&](const FieldDecl* f) { return loc_hole(field_loc(vd, f), le->getBeginLoc(), "capture"); });
    return;
  }
  // Both list every field, those left to their default member
  // initialisers included (CXXDefaultInitExpr).
  llvm::ArrayRef<Expr*> inits;
  if (const auto* il = dyn_cast<InitListExpr>(e))
    inits = il->inits();
  else if (const auto* pl = dyn_cast<CXXParenListInitExpr>(e))
    inits = pl->getInitExprs();
  const CXXRecordDecl* rd = vd->getType()->getAsCXXRecordDecl()->getDefinition();
  unsigned i = 0;
  for (const FieldDecl* f : rd->fields()) {
    if (i >= inits.size()) break;
    const Expr* fi = inits[i++];
    init_into(loc_hole(field_loc(vd, f), fi->getExprLoc(), "assign"), f->getType(), fi);
  }
}

}  // namespace gocxx::escape
