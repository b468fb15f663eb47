// Expressions (Go: expr.go): the value of an expression, or the address of
// the object a glvalue designates, sent into a hole. A load is an address
// one dereference deeper; `&x` is the address of x. Also here: what a cast
// keeps of its operand, where a variable's address comes from (a local, a
// global, a lambda's capture), `this`, and new-expressions.
#include "escape/graph_builder_impl.hpp"

#include <clang/Lex/Lexer.h>

#include <clang/AST/StmtCXX.h>

using namespace clang;

namespace gocxx::escape {

namespace {

// `co_await` of a go:: runtime operation whose result is a value that holds
// no address of the awaited object: a number, void, a go::error or
// go::context, a handle (which points into the GC heap, not a frame).
bool runtime_result_copy(const CoroutineSuspendExpr* co) {
  const auto* call = dyn_cast<CallExpr>(co->getOperand()->IgnoreImplicit());
  const FunctionDecl* callee = call ? call->getDirectCallee() : nullptr;
  if (!callee || !runtime_model::in_go_namespace(callee)) return false;
  return co->getType()->isVoidType() || runtime_model::is_runtime_copy_type(co->getType());
}

}  // namespace

// Expressions whose value, and whose object when they are glvalues, are
// those of a sub-expression: a wrapper the AST adds around it, a comma's
// right side, the branches of a conditional. `visit` is value() or
// address(): the caller's own view of the sub-expression. False when `e` is
// none of these.
bool graph_builder::impl::pass_through(const hole& k, const Expr* e, visitor visit) {
  auto into = [&](const Expr* sub) { (this->*visit)(k, sub); };
  switch (e->getStmtClass()) {
    case Stmt::CXXBindTemporaryExprClass:
      // A prvalue: only its value is asked for (its address is a
      // MaterializeTemporaryExpr's).
      if (visit == &impl::value)
        temporary(k, cast<CXXBindTemporaryExpr>(e));
      else
        into(cast<CXXBindTemporaryExpr>(e)->getSubExpr());
      return true;
    case Stmt::ExprWithCleanupsClass:
    case Stmt::ConstantExprClass: into(cast<FullExpr>(e)->getSubExpr()); return true;
    case Stmt::CXXDefaultArgExprClass: into(cast<CXXDefaultArgExpr>(e)->getExpr()); return true;
    case Stmt::CXXDefaultInitExprClass: into(cast<CXXDefaultInitExpr>(e)->getExpr()); return true;
    case Stmt::SubstNonTypeTemplateParmExprClass:
      into(cast<SubstNonTypeTemplateParmExpr>(e)->getReplacement());
      return true;
    case Stmt::OpaqueValueExprClass:
      if (const Expr* src = cast<OpaqueValueExpr>(e)->getSourceExpr()) into(src);
      return true;
    case Stmt::BinaryOperatorClass: {
      const auto* b = cast<BinaryOperator>(e);
      if (b->getOpcode() != BO_Comma) return false;
      any(discard_hole, b->getLHS());
      into(b->getRHS());
      return true;
    }
    case Stmt::ConditionalOperatorClass: {
      const auto* c = cast<ConditionalOperator>(e);
      value(discard_hole, c->getCond());
      into(c->getTrueExpr());
      into(c->getFalseExpr());
      return true;
    }
    case Stmt::BinaryConditionalOperatorClass: {
      const auto* c = cast<BinaryConditionalOperator>(e);
      into(c->getCommon());
      into(c->getFalseExpr());
      return true;
    }
    default: return false;
  }
}

// ---- values --------------------------------------------------------------

// The value or (for a glvalue) the address of `e` into k.
void graph_builder::impl::any(const hole& k, const Expr* e) {
  if (e->isGLValue())
    address(k, e);
  else
    value(k, e);
}

void graph_builder::impl::value(hole k, const Expr* e) {
  if (!e) return;
  e = e->IgnoreParens();
  // A value without pointers carries no address (Go: HasPointers), read
  // from memory or not: `go::new_<Bar>(x->a)` with an int `a` reads through
  // x and keeps nothing of it. But a constructed object is still the object
  // its constructor gets as `this`.
  if (!k.discard() && !has_pointers(e->getType()) && !e->getType()->isRecordType()) k = discard_hole;
  if (e->isGLValue()) {
    address(k.deref(), e);
    return;
  }
  if (k.where.isInvalid()) k.where = e->getExprLoc();
  if (pass_through(k, e, &impl::value)) return;
  switch (e->getStmtClass()) {
    case Stmt::ImplicitCastExprClass:
    case Stmt::CStyleCastExprClass:
    case Stmt::CXXStaticCastExprClass:
    case Stmt::CXXConstCastExprClass:
    case Stmt::CXXReinterpretCastExprClass:
    case Stmt::CXXDynamicCastExprClass:
    case Stmt::CXXFunctionalCastExprClass:
    case Stmt::CXXAddrspaceCastExprClass:
    case Stmt::BuiltinBitCastExprClass: cast_value(k, cast<CastExpr>(e)); return;
    case Stmt::UnaryOperatorClass: {
      const auto* u = cast<UnaryOperator>(e);
      switch (u->getOpcode()) {
        case UO_AddrOf:
          if (const auto* dre = dyn_cast<DeclRefExpr>(u->getSubExpr()->IgnoreParens());
              dre && (isa<FieldDecl>(dre->getDecl()) || isa<CXXMethodDecl>(dre->getDecl())))
            return;  // &S::member: an offset, not an address
          address(k.note(u->getOperatorLoc(), "address-of"), u->getSubExpr());
          return;
        case UO_PostInc:
        case UO_PostDec:
          if (u->getType()->isPointerType()) {
            value(unknown(u->getOperatorLoc(), "pointer arithmetic"), u->getSubExpr());
            return;
          }
          any(discard_hole, u->getSubExpr());
          return;
        default: any(discard_hole, u->getSubExpr()); return;
      }
    }
    case Stmt::BinaryOperatorClass:
    case Stmt::CompoundAssignOperatorClass: binary(cast<BinaryOperator>(e)); return;
    case Stmt::CallExprClass:
    case Stmt::CXXMemberCallExprClass:
    case Stmt::CXXOperatorCallExprClass:
    case Stmt::UserDefinedLiteralClass:
    case Stmt::CUDAKernelCallExprClass: call(k, cast<CallExpr>(e)); return;
    case Stmt::CXXConstructExprClass:
    case Stmt::CXXTemporaryObjectExprClass: construct_value(k, cast<CXXConstructExpr>(e)); return;
    case Stmt::CXXNewExprClass: cxx_new(k, cast<CXXNewExpr>(e)); return;
    case Stmt::CXXDeleteExprClass: delete_expr(cast<CXXDeleteExpr>(e)); return;
    case Stmt::CXXThrowExprClass:
      if (const Expr* sub = cast<CXXThrowExpr>(e)->getSubExpr()) value(unknown(e->getExprLoc(), "throw"), sub);
      return;
    case Stmt::InitListExprClass: {
      const auto* il = cast<InitListExpr>(e);
      // An array's type is no record: its elements keep their own types.
      llvm::SmallVector<QualType, 8> types = element_types(il->getType()->getAsRecordDecl(), /*with_bases=*/true);
      unsigned i = 0;
      for (const Expr* init : il->inits()) {
        QualType ft = i < types.size() ? types[i] : init->getType();
        if (il->getInitializedFieldInUnion()) ft = il->getInitializedFieldInUnion()->getType();
        init_into(k.note(init->getExprLoc(), "composite literal"), ft, init);
        ++i;
      }
      if (const Expr* filler = il->getArrayFiller()) value(k, filler);
      return;
    }
    case Stmt::CXXParenListInitExprClass: {
      const auto* pl = cast<CXXParenListInitExpr>(e);
      // Like braces, the bases come first (C++20 [dcl.init.general]/16.6.2.2):
      // pairing from the fields would give a base's initialiser a field's
      // type and treat a reference binding after it as a copy.
      llvm::SmallVector<QualType, 8> types = element_types(pl->getType()->getAsRecordDecl(), /*with_bases=*/true);
      unsigned i = 0;
      for (const Expr* init : pl->getInitExprs()) {
        QualType ft = i < types.size() ? types[i] : init->getType();
        init_into(k, ft, init);
        ++i;
      }
      return;
    }
    case Stmt::CXXStdInitializerListExprClass: address(k, cast<CXXStdInitializerListExpr>(e)->getSubExpr()); return;
    case Stmt::LambdaExprClass: lambda(k, cast<LambdaExpr>(e)); return;
    case Stmt::CXXThisExprClass: this_value(k, cast<CXXThisExpr>(e)); return;
    case Stmt::CoawaitExprClass:
    case Stmt::CoyieldExprClass: {
      const auto* co = cast<CoroutineSuspendExpr>(e);
      if (e->getStmtClass() == Stmt::CoyieldExprClass) {
        any(unknown(e->getExprLoc(), "co_yield"), co->getOperand());
        return;
      }
      // The awaited result comes out of the awaited object -- except what a
      // runtime operation hands back by value: a number, a go::error or
      // context, a handle into the GC heap (co_await g.wait() is an error,
      // not the group the awaiter refers to).
      if (runtime_result_copy(co)) {
        any(discard_hole, co->getOperand());
        return;
      }
      any(k.note(e->getExprLoc(), "co_await"), co->getOperand());
      return;
    }
    case Stmt::IntegerLiteralClass:
    case Stmt::FloatingLiteralClass:
    case Stmt::CharacterLiteralClass:
    case Stmt::CXXBoolLiteralExprClass:
    case Stmt::CXXNullPtrLiteralExprClass:
    case Stmt::ImaginaryLiteralClass:
    case Stmt::FixedPointLiteralClass:
    case Stmt::SizeOfPackExprClass:
    case Stmt::UnaryExprOrTypeTraitExprClass:
    case Stmt::CXXNoexceptExprClass:
    case Stmt::TypeTraitExprClass:
    case Stmt::ImplicitValueInitExprClass:
    case Stmt::CXXScalarValueInitExprClass:
    case Stmt::GNUNullExprClass:
    case Stmt::SourceLocExprClass:
    case Stmt::ConceptSpecializationExprClass:
    case Stmt::RequiresExprClass: return;
    case Stmt::CXXRewrittenBinaryOperatorClass:
      value(k, cast<CXXRewrittenBinaryOperator>(e)->getSemanticForm());
      return;
    case Stmt::DeclRefExprClass: return;  // a prvalue DeclRefExpr: an enumerator or a non-type template parameter
    default:
      // Anything else: whatever it uses goes to the heap.
      unhandled(e);
      return;
  }
}

cast_flow classify_cast(CastKind ck) {
  switch (ck) {
    case CK_LValueToRValue:
    case CK_LValueToRValueBitCast: return cast_flow::load;
    case CK_ArrayToPointerDecay: return cast_flow::decay;
    case CK_NoOp:
    case CK_DerivedToBase:
    case CK_UncheckedDerivedToBase:
    case CK_BaseToDerived: return cast_flow::same_object;
    case CK_Dynamic:
    case CK_AddressSpaceConversion:
    case CK_AtomicToNonAtomic:
    case CK_NonAtomicToAtomic:
    case CK_ToUnion:
    case CK_UserDefinedConversion:
    case CK_ConstructorConversion: return cast_flow::conversion;
    case CK_BitCast: return cast_flow::bit_cast;
    case CK_PointerToIntegral:
    case CK_IntegralToPointer:
    case CK_ReinterpretMemberPointer:
    case CK_LValueBitCast: return cast_flow::opaque;
    case CK_Dependent: return cast_flow::dependent;
    default: return cast_flow::no_address;
  }
}

void graph_builder::impl::cast_value(const hole& k, const CastExpr* c) {
  const Expr* sub = c->getSubExpr();
  switch (classify_cast(c->getCastKind())) {
    case cast_flow::load: address(k.deref(), sub); return;
    case cast_flow::decay: address(k, sub); return;
    case cast_flow::same_object:
    case cast_flow::conversion: any(k, sub); return;
    case cast_flow::bit_cast:
      if (isa<ExplicitCastExpr>(c)) {
        // reinterpret_cast, a C cast or static_cast from void*: from here on
        // the analysis cannot follow the pointer.
        any(unknown(c->getExprLoc(), "cast"), sub);
        return;
      }
      value(k, sub);
      return;
    case cast_flow::opaque: any(unknown(c->getExprLoc(), "conversion"), sub); return;
    case cast_flow::dependent: any(unknown(c->getExprLoc(), "dependent cast"), sub); return;
    case cast_flow::no_address: any(discard_hole, sub); return;
  }
}

// A built-in binary operator other than the comma (pass_through sees through
// that). Its value flows nowhere in particular: pointer arithmetic sends its
// operands to the unknown location, other results hold no pointer, and an
// assignment is a glvalue, whose value address() follows.
void graph_builder::impl::binary(const BinaryOperator* b) {
  const Expr* l = b->getLHS();
  const Expr* r = b->getRHS();
  switch (b->getOpcode()) {
    case BO_Assign: assign(l, r, b->getOperatorLoc()); return;
    case BO_Add:
    case BO_Sub:
      if (b->getType()->isPointerType()) {
        // Pointer arithmetic: conservatively, the pointer escapes.
        value(unknown(b->getOperatorLoc(), "pointer arithmetic"), l);
        value(unknown(b->getOperatorLoc(), "pointer arithmetic"), r);
        return;
      }
      any(discard_hole, l);
      any(discard_hole, r);
      return;
    case BO_AddAssign:
    case BO_SubAssign:
      if (l->getType()->isPointerType()) {
        value(unknown(b->getOperatorLoc(), "pointer arithmetic"), l);
        value(discard_hole, r);
        return;
      }
      any(discard_hole, l);
      any(discard_hole, r);
      return;
    case BO_PtrMemD:
    case BO_PtrMemI:
      any(unknown(b->getOperatorLoc(), "member pointer"), l);
      any(discard_hole, r);
      return;
    default:
      any(discard_hole, l);
      any(discard_hole, r);
      return;
  }
}

// ---- addresses -----------------------------------------------------------

void graph_builder::impl::address(hole k, const Expr* e) {
  if (!e) return;
  e = e->IgnoreParens();
  if (k.where.isInvalid()) k.where = e->getExprLoc();
  if (!e->isGLValue()) {
    // A prvalue used as an object (a class prvalue): it lives in a temporary.
    unsigned t = temp(e->getExprLoc());
    value(loc_hole(t, e->getExprLoc(), "temporary"), e);
    flow(k.addr(), t);
    return;
  }
  if (pass_through(k, e, &impl::address)) return;
  switch (e->getStmtClass()) {
    case Stmt::DeclRefExprClass: {
      const ValueDecl* d = cast<DeclRefExpr>(e)->getDecl();
      decl_address(k, d, e->getExprLoc());
      return;
    }
    case Stmt::MemberExprClass: {
      const auto* m = cast<MemberExpr>(e);
      const ValueDecl* member = m->getMemberDecl();
      if (const auto* vd = dyn_cast<VarDecl>(member)) {  // static data member
        any(discard_hole, m->getBase());
        flow(k.addr(), global_loc(vd));
        return;
      }
      if (!isa<FieldDecl>(member) && !isa<IndirectFieldDecl>(member)) {
        any(discard_hole, m->getBase());
        return;
      }
      if (int f = split_field(m); f >= 0) {
        flow(k.addr(), static_cast<unsigned>(f));
        return;
      }
      hole base = member->getType()->isReferenceType() ? k.deref() : k;  // a reference member holds the address
      if (m->isArrow())
        value(base, m->getBase());
      else
        address(base, m->getBase());
      return;
    }
    case Stmt::ArraySubscriptExprClass: {
      const auto* a = cast<ArraySubscriptExpr>(e);
      value(discard_hole, a->getIdx());
      value(k, a->getBase());  // the pointer (a decayed array: its address)
      return;
    }
    case Stmt::UnaryOperatorClass: {
      const auto* u = cast<UnaryOperator>(e);
      switch (u->getOpcode()) {
        case UO_Deref: value(k.note(u->getOperatorLoc(), "indirection"), u->getSubExpr()); return;
        case UO_PreInc:
        case UO_PreDec:
          if (u->getType()->isPointerType()) value(unknown(u->getOperatorLoc(), "pointer arithmetic"), u->getSubExpr());
          address(k, u->getSubExpr());
          return;
        case UO_Real:
        case UO_Imag:
        case UO_Extension: address(k, u->getSubExpr()); return;
        default: any(unknown(u->getOperatorLoc(), "unhandled operator"), u->getSubExpr()); return;
      }
    }
    case Stmt::BinaryOperatorClass:
    case Stmt::CompoundAssignOperatorClass: {
      const auto* b = cast<BinaryOperator>(e);
      if (b->getOpcode() == BO_PtrMemD || b->getOpcode() == BO_PtrMemI) {
        any(unknown(b->getOperatorLoc(), "member pointer"), b->getLHS());
        any(discard_hole, b->getRHS());
        return;
      }
      binary(b);                // the assignment itself
      address(k, b->getLHS());  // and the object assigned to
      return;
    }
    case Stmt::ImplicitCastExprClass:
    case Stmt::CStyleCastExprClass:
    case Stmt::CXXStaticCastExprClass:
    case Stmt::CXXConstCastExprClass:
    case Stmt::CXXReinterpretCastExprClass:
    case Stmt::CXXDynamicCastExprClass:
    case Stmt::CXXFunctionalCastExprClass:
    case Stmt::CXXAddrspaceCastExprClass: {
      // A glvalue cast: the operand's object, or one the analysis cannot follow.
      const auto* c = cast<CastExpr>(e);
      cast_flow f = classify_cast(c->getCastKind());
      if (f == cast_flow::same_object || f == cast_flow::conversion)
        address(k, c->getSubExpr());
      else
        any(unknown(c->getExprLoc(), "cast"), c->getSubExpr());
      return;
    }
    case Stmt::CallExprClass:
    case Stmt::CXXMemberCallExprClass:
    case Stmt::CXXOperatorCallExprClass:
    case Stmt::UserDefinedLiteralClass:
      call(k, cast<CallExpr>(e));  // returns a reference: the result is the address
      return;
    case Stmt::MaterializeTemporaryExprClass: {
      const auto* m = cast<MaterializeTemporaryExpr>(e);
      unsigned t = temp(e->getExprLoc(), "{temporary}");
      if (const auto* ext = dyn_cast_or_null<VarDecl>(m->getExtendingDecl()); ext && !ext->hasGlobalStorage()) {
        auto it = vars_.find(ext);
        if (it != vars_.end()) g_.at(t).scope_depth = g_.at(it->second).scope_depth;
      } else if (ext && ext->hasGlobalStorage()) {
        g_.at(t).kind = loc_kind::global;
        g_.at(t).root = root_kind::global;
        g_.at(t).escapes = true;
        g_.at(t).escape_root = root_kind::global;
      }
      g_.at(t).expr = e;
      value(loc_hole(t, e->getExprLoc(), "temporary"), m->getSubExpr());
      flow(k.addr(), t);
      return;
    }
    case Stmt::StringLiteralClass:
    case Stmt::PredefinedExprClass:
    case Stmt::CompoundLiteralExprClass:
    case Stmt::CXXTypeidExprClass:
      if (const auto* cl = dyn_cast<CompoundLiteralExpr>(e)) {
        unsigned t = temp(e->getExprLoc(), "{temporary}");
        value(loc_hole(t, e->getExprLoc(), "temporary"), cl->getInitializer());
        flow(k.addr(), t);
      }
      return;  // static storage
    case Stmt::CoawaitExprClass:
    case Stmt::CoyieldExprClass:
      any(unknown(e->getExprLoc(), "co_await"), cast<CoroutineSuspendExpr>(e)->getOperand());
      return;
    default: unhandled(e); return;
  }
}

// An expression the analysis does not model: every value and address it
// uses goes to the heap; statements inside (a GNU statement expression)
// are walked as usual, and their values too go to the heap.
void graph_builder::impl::unhandled(const Expr* e) {
  for (const Stmt* child : e->children()) {
    if (!child) continue;
    if (const auto* ce = dyn_cast<Expr>(child)) {
      any(unknown(ce->getExprLoc(), "unhandled expression"), ce);
    } else if (const auto* cs = dyn_cast<CompoundStmt>(child)) {
      stmt(cs);
      if (const auto* last = dyn_cast_or_null<Expr>(cs->body_back()))
        any(unknown(last->getExprLoc(), "unhandled expression"), last);
    } else {
      stmt(child);
    }
  }
}

void graph_builder::impl::decl_address(const hole& k, const ValueDecl* d, SourceLocation at) {
  if (const auto* b = dyn_cast<BindingDecl>(d)) {
    if (const Expr* be = b->getBinding()) address(k, be);
    return;
  }
  const auto* vd = dyn_cast<VarDecl>(d);
  if (!vd) return;  // functions, enumerators
  bool is_ref = vd->getType()->isReferenceType();
  if (vd->hasGlobalStorage()) {  // a static local too
    flow(is_ref ? k : k.addr(), global_loc(vd));
    return;
  }
  if (lambda_ && cur_->this_loc >= 0) {
    const LambdaCapture* cap = capture_of(vd);
    bool init_capture = vd->isInitCapture() && !vars_.count(vd);
    if (cap || init_capture) {
      // A capture is a field of the closure: by copy, its address is the
      // field's; by reference, the field holds the variable's address.
      bool by_ref = init_capture ? is_ref : cap->getCaptureKind() == LCK_ByRef || is_ref;
      if (cap && cap->getCaptureKind() == LCK_ByCopy && is_ref) by_ref = false;
      // An init-capture not found among the closure's captures: the
      // closure's address stands for its field.
      flow(by_ref ? k.deref() : k, cap ? capture_slot(cap) : static_cast<unsigned>(cur_->this_loc));
      return;
    }
  }
  auto it = vars_.find(vd);
  unsigned l;
  if (it != vars_.end()) {
    l = it->second;
  } else if (!vd->getDeclContext()->isFunctionOrMethod() || !fn_->Encloses(vd->getDeclContext())) {
    // A variable of another function we cannot follow (a capture we do not
    // recognise): be safe.
    flow(is_ref ? k : k.addr(), g_.root(root_kind::unknown));
    if (!k.discard()) g_.flow(g_.root(root_kind::unknown), static_cast<unsigned>(k.loc), 0, at, "unknown variable");
    return;
  } else {
    l = var_loc(vd);
  }
  flow(is_ref ? k : k.addr(), l);
}

void graph_builder::impl::this_value(const hole& k, const CXXThisExpr*) {
  if (cur_->this_loc < 0) return;
  if (lambda_) {
    // `this` of the enclosing class, captured by the closure: its field
    // holds the pointer, or with [*this] is the copy itself.
    for (const LambdaCapture& cap : lambda_->captures()) {
      if (!cap.capturesThis()) continue;
      flow(cap.getCaptureKind() == LCK_StarThis ? k : k.deref(), capture_slot(&cap));
      return;
    }
    flow(k.deref(), static_cast<unsigned>(cur_->this_loc));
    return;
  }
  flow(k, static_cast<unsigned>(cur_->this_loc));
}

// `new T(args)` of a single object by the global operator new is an
// allocation site, as go::new_ is: its initialiser runs on the new object
// and the expression's value is its address. Arrays, placement forms and a
// class's own operator new (a pool, an arena) keep what they are given on
// the heap, and their value is no address the analysis follows.
void graph_builder::impl::cxx_new(const hole& k, const CXXNewExpr* n) {
  const FunctionDecl* op = n->getOperatorNew();
  QualType t = n->getAllocatedType();
  if (!n->isArray() && n->getNumPlacementArgs() == 0 && op && op->isReplaceableGlobalAllocationFunction() &&
      !t->isDependentType()) {
    // Named as written, so a template's instantiations make one report.
    std::string name = type_name(t);
    if (const TypeSourceInfo* tsi = n->getAllocatedTypeSourceInfo()) {
      SourceRange r = tsi->getTypeLoc().getSourceRange();
      if (r.isValid() && !r.getBegin().isMacroID() && !r.getEnd().isMacroID())
        name =
            Lexer::getSourceText(CharSourceRange::getTokenRange(r), ctx_.getSourceManager(), ctx_.getLangOpts()).str();
    }
    unsigned a = alloc_site(n, alloc_kind::cxx_new, "new(" + name + ")", t);
    if (const Expr* init = n->getInitializer()) {
      hole obj = loc_hole(a, n->getBeginLoc(), "new argument");
      if (const auto* ce = dyn_cast<CXXConstructExpr>(init->IgnoreImplicit()))
        construct_into(obj, ce);
      else
        init_into(obj, t, init);
    }
    flow(k.addr().note(n->getBeginLoc(), "new"), a);
    return;
  }
  for (const Expr* a : n->placement_arguments()) any(unknown(a->getExprLoc(), "placement new"), a);
  if (const Expr* init = n->getInitializer()) {
    if (const auto* ce = dyn_cast<CXXConstructExpr>(init->IgnoreImplicit()))
      construct_into(unknown(n->getBeginLoc(), "operator new"), ce);
    else
      any(unknown(n->getBeginLoc(), "operator new"), init);
  }
  if (const Expr* size = n->getArraySize().value_or(nullptr)) value(discard_hole, size);
}

}  // namespace gocxx::escape
