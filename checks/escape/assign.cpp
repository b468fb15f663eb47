// Stores and initialisation (Go: assign.go): where a store to an lvalue
// goes (Go's `addr`: a variable's own location, or through a pointer the
// heap), assignments, and the initialisation of an object from a value or
// by its constructor.
#include "escape/graph_builder_impl.hpp"

using namespace clang;
using gocxx::runtime_model::escape_api;

namespace gocxx::escape {

llvm::SmallVector<QualType, 8> element_types(const RecordDecl* rd, bool with_bases) {
  llvm::SmallVector<QualType, 8> types;
  if (!rd) return types;
  if (const auto* crd = dyn_cast<CXXRecordDecl>(rd); crd && with_bases)
    for (const CXXBaseSpecifier& b : crd->bases()) types.push_back(b.getType());
  for (const FieldDecl* f : rd->fields()) types.push_back(f->getType());
  return types;
}

// Initialises an object of type `t` (a variable, a result, a member) from
// `init`: references bind to an address, everything else copies a value.
void graph_builder::impl::init_into(const hole& k, QualType t, const Expr* init) {
  if (t->isReferenceType())
    address(k, init);
  else
    value(k, init);
}

// ---- stores --------------------------------------------------------------

// Where a store to `lhs` goes (Go's `addr`): a variable's own location, or
// through a pointer: the heap.
hole graph_builder::impl::store_hole(const Expr* lhs, SourceLocation at) {
  lhs = lhs->IgnoreParens();
  if (const auto* c = dyn_cast<CastExpr>(lhs)) {
    if (classify_cast(c->getCastKind()) == cast_flow::same_object) return store_hole(c->getSubExpr(), at);
    return unknown(at, "store through a pointer");
  }
  if (const auto* fe = dyn_cast<FullExpr>(lhs)) return store_hole(fe->getSubExpr(), at);
  if (const auto* dre = dyn_cast<DeclRefExpr>(lhs)) {
    const auto* vd = dyn_cast<VarDecl>(dre->getDecl());
    if (!vd) {
      if (const auto* b = dyn_cast<BindingDecl>(dre->getDecl()); b && b->getBinding())
        return store_hole(b->getBinding(), at);
      return unknown(at, "store");
    }
    if (vd->getType()->isReferenceType()) return unknown(at, "store through a reference");
    if (vd->hasGlobalStorage()) return loc_hole(global_loc(vd), at, "assign");
    if (lambda_ && (capture_of(vd) || (vd->isInitCapture() && !vars_.count(vd))))
      return unknown(at, "store into a capture");
    auto it = vars_.find(vd);
    if (it == vars_.end() && !fn_->Encloses(vd->getDeclContext())) return unknown(at, "store");
    return loc_hole(var_loc(vd), at, "assign");
  }
  if (const auto* m = dyn_cast<MemberExpr>(lhs)) {
    if (int f = split_field(m); f >= 0) return loc_hole(static_cast<unsigned>(f), at, "assign");
    const ValueDecl* member = m->getMemberDecl();
    if (const auto* vd = dyn_cast<VarDecl>(member)) return loc_hole(global_loc(vd), at, "assign");
    if (member->getType()->isReferenceType()) return unknown(at, "store through a reference");
    if (!m->isArrow()) return store_hole(m->getBase(), at);
    return store_through(m->getBase(), at);
  }
  if (const auto* a = dyn_cast<ArraySubscriptExpr>(lhs)) {
    const Expr* base = a->getBase()->IgnoreParens();
    if (const auto* c = dyn_cast<ImplicitCastExpr>(base); c && c->getCastKind() == CK_ArrayToPointerDecay)
      return store_hole(c->getSubExpr(), at);
    return unknown(at, "store through a pointer");
  }
  if (const auto* u = dyn_cast<UnaryOperator>(lhs); u && u->getOpcode() == UO_Deref)
    return store_through(u->getSubExpr(), at);
  if (const auto* ce = dyn_cast<CallExpr>(lhs)) {
    const FunctionDecl* callee = ce->getDirectCallee();
    if (runtime_model::derefs_gc_handle(callee) ||
        (runtime_model::in_go_namespace(callee) && runtime_model::classify_escape_api(callee) == escape_api::map_get))
      return root_hole(root_kind::gc_heap, at, "stored into the GC heap");
  }
  return unknown(at, "store through a pointer");
}

// A store through the pointer `p` (`p->f = v`, `*p = v`): into the object
// a constructor builds when p is its `this`, into the GC heap when p comes
// out of a go::ptr, and anywhere (the heap) otherwise.
hole graph_builder::impl::store_through(const Expr* p, SourceLocation at) {
  if (isa<CXXThisExpr>(p->IgnoreParenImpCasts()) && is_ctor() && !lambda_ && cur_->this_obj >= 0)
    return loc_hole(static_cast<unsigned>(cur_->this_obj), at, "member store");
  if (points_into_gc_heap(p)) return root_hole(root_kind::gc_heap, at, "stored into the GC heap");
  return unknown(at, "store through a pointer");
}

// `p` (a pointer expression) comes out of a go::ptr (operator->, get()).
bool graph_builder::impl::points_into_gc_heap(const Expr* p) {
  p = p->IgnoreParenImpCasts();
  if (const auto* ce = dyn_cast<CallExpr>(p)) return runtime_model::derefs_gc_handle(ce->getDirectCallee());
  return false;
}

void graph_builder::impl::assign(const Expr* lhs, const Expr* rhs, SourceLocation at) {
  hole k = store_hole(lhs, at);
  any(discard_hole, lhs);  // side effects of computing the place
  if (lhs->getType()->isReferenceType())
    address(k, rhs);
  else
    value(k, rhs);
}

// ---- constructors --------------------------------------------------------

// A constructed prvalue flowing into k.
void graph_builder::impl::construct_value(const hole& k, const CXXConstructExpr* ce) {
  if (!k.discard() && k.derefs == 0 && g_.at(static_cast<unsigned>(k.loc)).kind != loc_kind::heap) {
    construct_into(k, ce);
    return;
  }
  unsigned t = temp(ce->getExprLoc(), "{temporary}");
  construct_into(loc_hole(t, ce->getExprLoc(), "construct"), ce);
  flow(k, t);
}

// Constructs the object of location k.loc (k.derefs == 0), or into a root.
void graph_builder::impl::construct_into(const hole& k, const Expr* e) {
  e = e->IgnoreParens();
  if (const auto* fe = dyn_cast<FullExpr>(e)) return construct_into(k, fe->getSubExpr());
  if (const auto* bt = dyn_cast<CXXBindTemporaryExpr>(e)) {
    // A temporary constructed in place: destroyed with what it holds.
    if (k.discard() || k.derefs != 0) return temporary(k, bt);
    construct_into(k, bt->getSubExpr());
    destructor_call(bt->getType(), static_cast<unsigned>(k.loc), bt->getExprLoc(), 0);
    return;
  }
  const auto* ce = dyn_cast<CXXConstructExpr>(e);
  if (!ce) {
    value(k, e);
    return;
  }
  const CXXConstructorDecl* ctor = ce->getConstructor();
  SourceLocation at = ce->getExprLoc();
  llvm::SmallVector<const Expr*, 8> args(ce->arguments().begin(), ce->arguments().end());
  if (is_defaulted_copy_or_move(ctor) && args.size() >= 1) {
    address(k.deref().note(at, "copy"), args[0]);
    for (unsigned i = 1; i < args.size(); ++i) value(discard_hole, args[i]);
    return;
  }
  escape_api api = runtime_model::classify_escape_api(ctor);
  if (api != escape_api::none) {
    runtime_construct(k, ce, api, args);
    return;
  }
  if (k.discard()) {
    unsigned t = temp(at, "{temporary}");
    construct_into(loc_hole(t, at, "construct"), e);
    return;
  }
  const auto* crd = ctor->getParent();
  if (ctor->isTrivial() || (ctor->isDefaulted() && args.empty() && crd->hasTrivialDefaultConstructor())) {
    for (const Expr* a : args) value(k, a);
    return;
  }
  unsigned object = static_cast<unsigned>(k.loc);
  unsigned t = temp(at, "{this}");
  if (cur_->this_obj >= 0 && object == static_cast<unsigned>(cur_->this_obj) && cur_->this_loc >= 0)
    // A base, delegated-to or member constructor run on our own object:
    // its `this` is (inside) ours.
    g_.flow(t, static_cast<unsigned>(cur_->this_loc), 0, at, "receiver");
  else
    g_.flow(t, object, -1, at, "receiver");
  if (g_.at(object).kind == loc_kind::heap) g_.flow(g_.root(root_kind::unknown), t, 0, at, "receiver");
  apply_callee(discard_hole, ctor, false, static_cast<int>(t), args, static_cast<int>(object), at);
}

}  // namespace gocxx::escape
