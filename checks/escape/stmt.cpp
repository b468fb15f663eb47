// Statements (Go: stmt.go): the walk of a body, statement by statement,
// the scope depth that blocks and loops open (a variable declared deeper
// than a location it flows into is outlived by it), declarations, returns,
// and the destructor a local runs at scope exit.
//
// A label that a later goto jumps back to starts a loop (Go: a "looping"
// label raises loopDepth): what follows it in its block is one level
// deeper, until the block ends -- an object made after the label does not
// outlive the iteration, and one that is kept across it must escape.
#include "escape/graph_builder_impl.hpp"

#include <clang/AST/Attr.h>

#include "runtime_model/runtime_model.hpp"

#include <clang/AST/StmtCXX.h>

using namespace clang;

namespace gocxx::escape {

namespace {

// `++__begin` on a standard library iterator (std::, __gnu_cxx::): it walks
// the range as a pointer's ++ does, keeping nothing (its body's pointer
// arithmetic would send the iterator's target to the heap).
bool library_increment(const Expr* inc) {
  const auto* oc = dyn_cast<CXXOperatorCallExpr>(inc->IgnoreImplicit());
  const auto* md = oc ? dyn_cast_or_null<CXXMethodDecl>(oc->getDirectCallee()) : nullptr;
  if (!md || oc->getOperator() != OO_PlusPlus) return false;
  return runtime_model::within_namespace(md->getParent(), "std") ||
         runtime_model::within_namespace(md->getParent(), "__gnu_cxx");
}

}  // namespace

void graph_builder::impl::stmt(const Stmt* s) {
  if (!s) return;
  if (const auto* e = dyn_cast<Expr>(s)) {
    value(discard_hole, e);
    return;
  }
  switch (s->getStmtClass()) {
    case Stmt::CompoundStmtClass:
    case Stmt::ForStmtClass:
    case Stmt::WhileStmtClass:
    case Stmt::DoStmtClass:
    case Stmt::CXXForRangeStmtClass:
    case Stmt::IfStmtClass:
    case Stmt::SwitchStmtClass:
    case Stmt::CXXCatchStmtClass: {
      // Restored, not decremented: a looping label inside raises the depth
      // until the end of its block.
      const unsigned outer = depth_;
      ++depth_;
      // The exception variable gets its location here, at the handler's
      // depth; the exception object comes from the heap: nothing of ours.
      if (const auto* c = dyn_cast<CXXCatchStmt>(s); c && c->getExceptionDecl()) var_loc(c->getExceptionDecl());
      if (const auto* rf = dyn_cast<CXXForRangeStmt>(s)) {
        // The implicit iterator walks the range: its ++ is not the pointer
        // arithmetic that makes an address escape.
        stmt(rf->getInit());
        stmt(rf->getRangeStmt());
        stmt(rf->getBeginStmt());
        // __end = __range + N: only ever compared with the iterator.
        const auto* end = dyn_cast_or_null<DeclStmt>(rf->getEndStmt());
        const auto* end_var = end && end->isSingleDecl() ? dyn_cast<VarDecl>(end->getSingleDecl()) : nullptr;
        if (!end_var || !end_var->getType()->isPointerType()) stmt(rf->getEndStmt());
        stmt(rf->getCond());
        if (const Expr* inc = rf->getInc(); inc && !inc->getType()->isPointerType() && !library_increment(inc))
          stmt(inc);
        stmt(rf->getLoopVarStmt());
        stmt(rf->getBody());
        depth_ = outer;
        return;
      }
      for (const Stmt* child : s->children()) stmt(child);
      depth_ = outer;
      return;
    }
    case Stmt::LabelStmtClass:
      if (looping_labels_.count(cast<LabelStmt>(s)->getDecl())) ++depth_;
      stmt(cast<LabelStmt>(s)->getSubStmt());
      return;
    case Stmt::DeclStmtClass:
      for (const Decl* d : cast<DeclStmt>(s)->decls()) decl(d);
      return;
    case Stmt::ReturnStmtClass: {
      const Expr* rv = cast<ReturnStmt>(s)->getRetValue();
      if (!rv) return;
      init_into(result_hole(s->getBeginLoc()), fn_->getReturnType(), rv);
      return;
    }
    case Stmt::CoreturnStmtClass: {
      const Expr* op = cast<CoreturnStmt>(s)->getOperand();
      if (op) value(result_hole(s->getBeginLoc()), op);
      return;
    }
    case Stmt::GCCAsmStmtClass:
    case Stmt::MSAsmStmtClass:
      for (const Stmt* child : s->children())
        if (const auto* e = dyn_cast_or_null<Expr>(child)) any(unknown(e->getExprLoc(), "asm"), e);
      return;
    default:
      for (const Stmt* child : s->children()) stmt(child);
      return;
  }
}

void graph_builder::impl::decl(const Decl* d) {
  if (const auto* dd = dyn_cast<DecompositionDecl>(d)) {
    unsigned l = var_loc(dd);
    if (const Expr* init = dd->getInit()) init_into(loc_hole(l, init->getExprLoc(), "assign"), dd->getType(), init);
    for (const BindingDecl* b : dd->bindings())
      if (const auto* hv = b->getHoldingVar()) decl(hv);
    return;
  }
  const auto* vd = dyn_cast<VarDecl>(d);
  if (!vd) return;
  if (vd->hasGlobalStorage()) {
    unsigned l = global_loc(vd);
    if (const Expr* init = vd->getInit()) init_into(loc_hole(l, init->getExprLoc(), "assign"), vd->getType(), init);
    return;
  }
  unsigned l = var_loc(vd);
  if (split(vd)) {
    init_fields(vd, vd->getInit());  // trivially destroyed
    return;
  }
  if (const Expr* init = vd->getInit()) init_into(loc_hole(l, init->getExprLoc(), "assign"), vd->getType(), init);
  destructor_call(vd, l);
}

// The destructor runs on the variable at scope exit: a destructor that
// keeps `this` makes the variable escape.
void graph_builder::impl::destructor_call(const VarDecl* vd, unsigned l) {
  if (vd->getType()->isReferenceType()) return;
  destructor_call(vd->getType(), l, vd->getLocation(), 0);
}

void graph_builder::impl::destructor_call(QualType type, unsigned l, SourceLocation at, unsigned depth) {
  const CXXRecordDecl* rd = type->getBaseElementTypeUnsafe()->getAsCXXRecordDecl();
  if (!rd || !(rd = rd->getDefinition()) || rd->hasTrivialDestructor()) return;
  unsigned t = temp(at, "{this}");
  flow(loc_hole(t, at, "destructor"), l, -1);
  destructor_on(type, t, at, depth);
}

void graph_builder::impl::destructor_on(QualType type, unsigned self, SourceLocation at, unsigned depth) {
  const CXXRecordDecl* rd = type->getBaseElementTypeUnsafe()->getAsCXXRecordDecl();
  if (!rd || depth > 8) return;
  rd = rd->getDefinition();
  if (!rd || rd->hasTrivialDestructor()) return;
  const CXXDestructorDecl* dtor = rd->getDestructor();
  if (!dtor || runtime_model::in_go_namespace(dtor)) return;
  if (!analysable_definition(dtor) && (dtor->isImplicit() || dtor->isDefaulted())) {
    // An implicit destructor not defined in this unit: it runs the
    // destructors of the members and bases, on the same object.
    subobject_destructors(rd, self, at, depth + 1);
    return;
  }
  // The object's dynamic type is its static type: not a virtual call. A
  // destructor's summary includes its members' and bases' (walk_function).
  apply_callee(discard_hole, dtor, /*virtual_call=*/false, static_cast<int>(self), {}, -1, at);
}

// After a destructor's body, the destructors of the members and bases run
// on the same object (`self` holds its address): what they do with what
// the object holds counts -- a member whose destructor publishes its
// pointer publishes it from the whole object.
void graph_builder::impl::subobject_destructors(const CXXRecordDecl* rd, unsigned self, SourceLocation at,
                                                unsigned depth) {
  for (const FieldDecl* f : rd->fields())
    if (!f->getType()->isReferenceType()) destructor_on(f->getType(), self, at, depth);
  for (const CXXBaseSpecifier& b : rd->bases()) destructor_on(b.getType(), self, at, depth);
}

// A standard library class template destroys the objects of its type
// arguments it holds (std::pair, std::optional, std::tuple, std::variant,
// std::array hold them inside): each one's destructor runs on what the
// object holds.
void graph_builder::impl::held_destructors(const CXXRecordDecl* rd, unsigned self, SourceLocation at) {
  for (QualType t : template_type_arguments(rd)) destructor_on(t, self, at, 1);
}

// `delete p` (and delete[]) runs the destructor of what p points to.
void graph_builder::impl::delete_expr(const CXXDeleteExpr* d) {
  SourceLocation at = d->getExprLoc();
  unsigned t = temp(at, "{this}");
  value(loc_hole(t, at, "delete"), d->getArgument());
  QualType type = d->getDestroyedType();
  const CXXRecordDecl* rd = type.isNull() ? nullptr : type->getAsCXXRecordDecl();
  if (!rd || !(rd = rd->getDefinition()) || rd->hasTrivialDestructor()) return;
  const CXXDestructorDecl* dtor = rd->getDestructor();
  if (dtor && dtor->isVirtual() && !dtor->hasAttr<FinalAttr>() && !rd->hasAttr<FinalAttr>()) {
    // The dynamic type's destructor: not known here.
    apply_callee(discard_hole, dtor, /*virtual_call=*/true, static_cast<int>(t), {}, -1, at);
    return;
  }
  destructor_on(type, t, at, 0);
}

// A temporary of a class with a destructor: the destructor runs at the end
// of the full-expression (or of the reference that extends it) on what the
// temporary holds.
void graph_builder::impl::temporary(const hole& k, const CXXBindTemporaryExpr* bt) {
  SourceLocation at = bt->getExprLoc();
  unsigned t = temp(at, "{temporary}");
  value(loc_hole(t, at, "temporary"), bt->getSubExpr());
  flow(k, t);
  destructor_call(bt->getType(), t, at, 0);
}

}  // namespace gocxx::escape
