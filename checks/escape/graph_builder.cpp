#include "escape/graph_builder.hpp"

#include "runtime_model/escape_model.hpp"
#include "runtime_model/runtime_model.hpp"

#include <clang/AST/Attr.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Basic/Builtins.h>
#include <clang/Lex/Lexer.h>
#include <llvm/ADT/SmallVector.h>

using namespace clang;
using gocxx::runtime_model::escape_api;

namespace gocxx::escape {

namespace {

// Objects larger than this never live on a stack (Go: MaxImplicitStackVarSize).
constexpr uint64_t max_stack_object = 64 * 1024;

bool has_pointers_rec(QualType t, unsigned depth) {
  if (t.isNull()) return true;
  QualType c = t.getCanonicalType();
  if (c->isDependentType()) return true;
  if (c->isPointerType() || c->isReferenceType() || c->isBlockPointerType() || c->isNullPtrType() ||
      c->isObjCObjectPointerType())
    return !c->isNullPtrType();
  if (c->isMemberPointerType()) return c->isMemberFunctionPointerType() ? false : false;
  if (c->isBuiltinType() || c->isEnumeralType()) return false;
  if (const auto* at = c->getAsArrayTypeUnsafe()) return has_pointers_rec(at->getElementType(), depth);
  if (c->isAtomicType()) return has_pointers_rec(c->castAs<AtomicType>()->getValueType(), depth);
  if (const CXXRecordDecl* rd = c->getAsCXXRecordDecl()) {
    if (depth > 12) return true;
    if (runtime_model::is_go_handle_type(c)) return true;
    rd = rd->getDefinition();
    if (!rd) return true;
    if (rd->isLambda()) {
      for (const LambdaCapture& cap : rd->captures())
        if (cap.capturesThis() || cap.getCaptureKind() == LCK_ByRef) return true;
    }
    for (const FieldDecl* f : rd->fields())
      if (has_pointers_rec(f->getType(), depth + 1)) return true;
    for (const CXXBaseSpecifier& b : rd->bases())
      if (has_pointers_rec(b.getType(), depth + 1)) return true;
    return false;
  }
  if (c->isRecordType()) {
    const RecordDecl* rd = c->getAsRecordDecl()->getDefinition();
    if (!rd) return true;
    for (const FieldDecl* f : rd->fields())
      if (has_pointers_rec(f->getType(), depth + 1)) return true;
    return false;
  }
  if (c->isVectorType() || c->isComplexType()) return false;
  if (c->isFunctionType()) return false;
  return true;  // anything else: be safe
}

bool is_defaulted_copy_or_move(const FunctionDecl* fd) {
  const auto* md = dyn_cast<CXXMethodDecl>(fd);
  if (!md) return false;
  bool copy_or_move = false;
  if (const auto* cd = dyn_cast<CXXConstructorDecl>(md)) copy_or_move = cd->isCopyOrMoveConstructor();
  else copy_or_move = md->isCopyAssignmentOperator() || md->isMoveAssignmentOperator();
  return copy_or_move && (md->isTrivial() || md->isDefaulted() || md->isImplicit());
}

struct hole {
  int loc = -1;  // -1: discard
  int derefs = 0;
  SourceLocation where;
  const char* why = "";

  bool discard() const { return loc < 0; }
  hole shift(int n) const {
    hole h = *this;
    h.derefs += n;
    return h;
  }
  hole addr() const { return shift(-1); }
  hole deref() const { return shift(1); }
  hole note(SourceLocation w, const char* y) const {
    hole h = *this;
    h.where = w;
    h.why = y;
    return h;
  }
};

const hole discard_hole{};

}  // namespace

bool has_pointers(QualType t) { return has_pointers_rec(t, 0); }

const FunctionDecl* analysable_definition(const FunctionDecl* fd) {
  if (!fd) return nullptr;
  const FunctionDecl* def = nullptr;
  if (!fd->hasBody(def) || !def) return nullptr;
  if (def->isDependentContext()) return nullptr;
  if (runtime_model::in_go_namespace(def)) return nullptr;
  if (is_defaulted_copy_or_move(def)) return nullptr;
  if (def->isDeleted()) return nullptr;
  return def;
}

class graph_builder::impl {
 public:
  impl(ASTContext& ctx, location_graph& g, const summary_table& sums, const std::vector<const FunctionDecl*>& batch)
      : ctx_(ctx), g_(g), sums_(sums), batch_(batch) {}

  llvm::DenseMap<const FunctionDecl*, function_locations> fns_;

  void build() {
    for (const FunctionDecl* fd : batch_) prepare(fd);
    for (const FunctionDecl* fd : batch_) walk_function(fd);
  }

 private:
  ASTContext& ctx_;
  location_graph& g_;
  const summary_table& sums_;
  const std::vector<const FunctionDecl*>& batch_;

  // Per-batch state.
  llvm::DenseMap<const ValueDecl*, unsigned> vars_;
  llvm::DenseMap<const VarDecl*, unsigned> globals_;

  // Per-function state while walking.
  const FunctionDecl* fn_ = nullptr;
  function_locations* cur_ = nullptr;
  const CXXRecordDecl* lambda_ = nullptr;  // the closure type when fn_ is a lambda's operator()
  unsigned depth_ = 1;

  // ---- locations ---------------------------------------------------------

  unsigned new_loc(loc_kind k, std::string name, SourceLocation pos, unsigned depth) {
    location l;
    l.kind = k;
    l.fn = fn_;
    l.name = std::move(name);
    l.pos = pos;
    l.scope_depth = depth;
    return g_.add(std::move(l));
  }

  unsigned temp(SourceLocation pos, const char* name = "{temp}") {
    return new_loc(loc_kind::temporary, name, pos, depth_);
  }

  hole root_hole(root_kind k, SourceLocation where, const char* why) {
    return hole{static_cast<int>(g_.root(k)), 0, where, why};
  }
  hole unknown(SourceLocation where, const char* why) { return root_hole(root_kind::unknown, where, why); }

  hole loc_hole(unsigned l, SourceLocation where, const char* why) {
    return hole{static_cast<int>(l), 0, where, why};
  }

  void flow(const hole& k, unsigned src, int extra = 0) {
    if (k.discard()) return;
    int d = k.derefs + extra;
    if (d < -1) d = -1;
    g_.flow(static_cast<unsigned>(k.loc), src, d, k.where, k.why);
  }

  unsigned global_loc(const VarDecl* vd) {
    auto it = globals_.find(vd);
    if (it != globals_.end()) return it->second;
    location l;
    l.kind = loc_kind::global;
    l.root = root_kind::global;
    l.decl = vd;
    l.name = vd->getNameAsString();
    l.pos = vd->getLocation();
    l.escapes = true;
    l.escape_root = root_kind::global;
    unsigned i = g_.add(std::move(l));
    globals_[vd] = i;
    return i;
  }

  unsigned var_loc(const ValueDecl* vd) {
    auto it = vars_.find(vd);
    if (it != vars_.end()) return it->second;
    unsigned i = new_loc(loc_kind::variable, vd->getNameAsString(), vd->getLocation(), depth_);
    g_.at(i).decl = vd;
    vars_[vd] = i;
    return i;
  }

  // ---- functions ---------------------------------------------------------

  void prepare(const FunctionDecl* fd) {
    fn_ = fd;
    function_locations& fl = fns_[fd];
    fl.fd = fd;
    for (unsigned i = 0; i < fd->getNumParams(); ++i) {
      const ParmVarDecl* p = fd->getParamDecl(i);
      std::string name = p->getIdentifier() ? p->getName().str() : "~p" + std::to_string(i);
      unsigned l = new_loc(loc_kind::param, name, p->getLocation(), 1);
      g_.at(l).decl = p;
      g_.at(l).param_index = static_cast<int>(i);
      vars_[p] = l;
      fl.params.push_back(l);
    }
    if (const auto* md = dyn_cast<CXXMethodDecl>(fd); md && md->isInstance()) {
      unsigned l = new_loc(loc_kind::param, "this", fd->getLocation(), 1);
      g_.at(l).is_this = true;
      fl.this_loc = static_cast<int>(l);
    }
    unsigned r = new_loc(loc_kind::result, "~r0", fd->getLocation(), 0);
    g_.at(r).result_index = 0;
    fl.result = static_cast<int>(r);
    if (isa<CXXConstructorDecl>(fd)) {
      unsigned o = new_loc(loc_kind::result, "~this", fd->getLocation(), 0);
      g_.at(o).result_index = 1;
      fl.this_obj = static_cast<int>(o);
    }
    fl.coroutine = fd->getBody() && isa<CoroutineBodyStmt>(fd->getBody());
    fn_ = nullptr;
  }

  void walk_function(const FunctionDecl* fd) {
    fn_ = fd;
    cur_ = &fns_[fd];
    lambda_ = nullptr;
    if (const auto* md = dyn_cast<CXXMethodDecl>(fd); md && md->getParent()->isLambda())
      lambda_ = md->getParent();
    depth_ = 1;
    const Stmt* body = fd->getBody();
    if (cur_->coroutine) {
      // The frame keeps the parameters (and `this`) for as long as the task
      // lives: they flow into the result, and so does everything co_returned.
      SourceLocation at = fd->getLocation();
      for (unsigned p : cur_->params) flow(loc_hole(cur_->result, at, "coroutine frame"), p);
      if (cur_->this_loc >= 0) flow(loc_hole(cur_->result, at, "coroutine frame"), cur_->this_loc);
      body = cast<CoroutineBodyStmt>(body)->getBody();
    }
    if (const auto* cd = dyn_cast<CXXConstructorDecl>(fd)) {
      for (const CXXCtorInitializer* init : cd->inits()) {
        const Expr* e = init->getInit();
        if (!e) continue;
        if (init->isBaseInitializer() || init->isDelegatingInitializer()) {
          // Constructs *this (or its base part): the same object.
          construct_into(loc_hole(cur_->this_obj, e->getExprLoc(), "base initializer"), e);
          continue;
        }
        QualType ft = init->getMember() ? init->getMember()->getType()
                      : init->getIndirectMember() ? init->getIndirectMember()->getType()
                                                  : e->getType();
        init_into(loc_hole(cur_->this_obj, e->getExprLoc(), "member initializer"), ft, e);
      }
    }
    if (body) stmt(body);
    fn_ = nullptr;
    cur_ = nullptr;
  }

  bool is_ctor() const { return fn_ && isa<CXXConstructorDecl>(fn_); }

  hole result_hole(SourceLocation at) { return loc_hole(cur_->result, at, "return"); }

  // ---- statements ----------------------------------------------------------

  void stmt(const Stmt* s) {
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
        ++depth_;
        if (const auto* c = dyn_cast<CXXCatchStmt>(s); c && c->getExceptionDecl()) {
          unsigned l = var_loc(c->getExceptionDecl());
          // The exception object comes from the heap: nothing of ours.
          (void)l;
        }
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
          if (const Expr* inc = rf->getInc(); inc && !inc->getType()->isPointerType()) stmt(inc);
          stmt(rf->getLoopVarStmt());
          stmt(rf->getBody());
          --depth_;
          return;
        }
        for (const Stmt* child : s->children()) stmt(child);
        --depth_;
        return;
      }
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

  void decl(const Decl* d) {
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
    if (const Expr* init = vd->getInit()) init_into(loc_hole(l, init->getExprLoc(), "assign"), vd->getType(), init);
    destructor_call(vd, l);
  }

  // The destructor runs on the variable at scope exit: a destructor that
  // keeps `this` makes the variable escape.
  void destructor_call(const VarDecl* vd, unsigned l) {
    if (vd->getType()->isReferenceType()) return;
    destructor_call(vd->getType(), l, vd->getLocation(), 0);
  }

  void destructor_call(QualType type, unsigned l, SourceLocation at, unsigned depth) {
    const CXXRecordDecl* rd = type->getBaseElementTypeUnsafe()->getAsCXXRecordDecl();
    if (!rd || depth > 8) return;
    rd = rd->getDefinition();
    if (!rd || rd->hasTrivialDestructor()) return;
    const CXXDestructorDecl* dtor = rd->getDestructor();
    if (!dtor || runtime_model::in_go_namespace(dtor)) return;
    if (!analysable_definition(dtor) && (dtor->isImplicit() || dtor->isDefaulted())) {
      // An implicit destructor not defined in this unit: it runs the
      // destructors of the members and bases, on the same object.
      for (const FieldDecl* f : rd->fields()) destructor_call(f->getType(), l, at, depth + 1);
      for (const CXXBaseSpecifier& b : rd->bases()) destructor_call(b.getType(), l, at, depth + 1);
      return;
    }
    unsigned t = temp(at, "{this}");
    flow(loc_hole(t, at, "destructor"), l, -1);
    // The variable's dynamic type is its static type: not a virtual call.
    apply_callee(discard_hole, dtor, /*virtual_call=*/false, t, {}, {}, -1, at);
  }

  // Initialises an object of type `t` (a variable, a result, a member) from
  // `init`: references bind to an address, everything else copies a value.
  void init_into(const hole& k, QualType t, const Expr* init) {
    if (t->isReferenceType()) address(k, init);
    else value(k, init);
  }

  // ---- expressions: values -------------------------------------------------

  // The value or (for a glvalue) the address of `e` into k.
  void any(const hole& k, const Expr* e) {
    if (e->isGLValue()) address(k, e);
    else value(k, e);
  }

  void value(hole k, const Expr* e) {
    if (!e) return;
    e = e->IgnoreParens();
    if (e->isGLValue()) {
      address(k.deref(), e);
      return;
    }
    // A value without pointers carries no address (Go: HasPointers); but a
    // constructed object is still the object its constructor gets as `this`.
    if (!k.discard() && !has_pointers(e->getType()) && !e->getType()->isRecordType()) k = discard_hole;
    if (k.where.isInvalid()) k.where = e->getExprLoc();
    switch (e->getStmtClass()) {
      case Stmt::ImplicitCastExprClass:
      case Stmt::CStyleCastExprClass:
      case Stmt::CXXStaticCastExprClass:
      case Stmt::CXXConstCastExprClass:
      case Stmt::CXXReinterpretCastExprClass:
      case Stmt::CXXDynamicCastExprClass:
      case Stmt::CXXFunctionalCastExprClass:
      case Stmt::CXXAddrspaceCastExprClass:
      case Stmt::BuiltinBitCastExprClass:
        cast_value(k, cast<CastExpr>(e));
        return;
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
          default:
            any(discard_hole, u->getSubExpr());
            return;
        }
      }
      case Stmt::BinaryOperatorClass:
      case Stmt::CompoundAssignOperatorClass:
        binary(k, cast<BinaryOperator>(e));
        return;
      case Stmt::ConditionalOperatorClass: {
        const auto* c = cast<ConditionalOperator>(e);
        value(discard_hole, c->getCond());
        value(k, c->getTrueExpr());
        value(k, c->getFalseExpr());
        return;
      }
      case Stmt::BinaryConditionalOperatorClass: {
        const auto* c = cast<BinaryConditionalOperator>(e);
        value(k, c->getCommon());
        value(k, c->getFalseExpr());
        return;
      }
      case Stmt::CallExprClass:
      case Stmt::CXXMemberCallExprClass:
      case Stmt::CXXOperatorCallExprClass:
      case Stmt::UserDefinedLiteralClass:
      case Stmt::CUDAKernelCallExprClass:
        call(k, cast<CallExpr>(e));
        return;
      case Stmt::CXXConstructExprClass:
      case Stmt::CXXTemporaryObjectExprClass:
        construct_value(k, cast<CXXConstructExpr>(e));
        return;
      case Stmt::CXXNewExprClass:
        cxx_new(cast<CXXNewExpr>(e));
        return;
      case Stmt::CXXDeleteExprClass:
        value(discard_hole, cast<CXXDeleteExpr>(e)->getArgument());
        return;
      case Stmt::CXXThrowExprClass:
        if (const Expr* sub = cast<CXXThrowExpr>(e)->getSubExpr()) value(unknown(e->getExprLoc(), "throw"), sub);
        return;
      case Stmt::InitListExprClass: {
        const auto* il = cast<InitListExpr>(e);
        const RecordDecl* rd = il->getType()->getAsRecordDecl();
        unsigned i = 0;
        llvm::SmallVector<QualType, 8> field_types;
        if (rd && !il->getType()->isArrayType()) {
          if (const auto* crd = dyn_cast<CXXRecordDecl>(rd))
            for (const CXXBaseSpecifier& b : crd->bases()) field_types.push_back(b.getType());
          for (const FieldDecl* f : rd->fields()) field_types.push_back(f->getType());
        }
        for (const Expr* init : il->inits()) {
          QualType ft = i < field_types.size() ? field_types[i] : init->getType();
          if (il->getInitializedFieldInUnion()) ft = il->getInitializedFieldInUnion()->getType();
          init_into(k.note(init->getExprLoc(), "composite literal"), ft, init);
          ++i;
        }
        if (const Expr* filler = il->getArrayFiller()) value(k, filler);
        return;
      }
      case Stmt::CXXParenListInitExprClass: {
        const auto* pl = cast<CXXParenListInitExpr>(e);
        const RecordDecl* rd = pl->getType()->getAsRecordDecl();
        llvm::SmallVector<QualType, 8> field_types;
        if (rd)
          for (const FieldDecl* f : rd->fields()) field_types.push_back(f->getType());
        unsigned i = 0;
        for (const Expr* init : pl->getInitExprs()) {
          QualType ft = i < field_types.size() ? field_types[i] : init->getType();
          init_into(k, ft, init);
          ++i;
        }
        return;
      }
      case Stmt::CXXStdInitializerListExprClass:
        address(k, cast<CXXStdInitializerListExpr>(e)->getSubExpr());
        return;
      case Stmt::LambdaExprClass:
        lambda(k, cast<LambdaExpr>(e));
        return;
      case Stmt::CXXThisExprClass:
        this_value(k, cast<CXXThisExpr>(e));
        return;
      case Stmt::CXXBindTemporaryExprClass:
        value(k, cast<CXXBindTemporaryExpr>(e)->getSubExpr());
        return;
      case Stmt::ExprWithCleanupsClass:
      case Stmt::ConstantExprClass:
        value(k, cast<FullExpr>(e)->getSubExpr());
        return;
      case Stmt::CXXDefaultArgExprClass:
        value(k, cast<CXXDefaultArgExpr>(e)->getExpr());
        return;
      case Stmt::CXXDefaultInitExprClass:
        value(k, cast<CXXDefaultInitExpr>(e)->getExpr());
        return;
      case Stmt::SubstNonTypeTemplateParmExprClass:
        value(k, cast<SubstNonTypeTemplateParmExpr>(e)->getReplacement());
        return;
      case Stmt::CoawaitExprClass:
      case Stmt::CoyieldExprClass: {
        const auto* co = cast<CoroutineSuspendExpr>(e);
        if (e->getStmtClass() == Stmt::CoyieldExprClass) {
          any(unknown(e->getExprLoc(), "co_yield"), co->getOperand());
          return;
        }
        // The awaited result comes out of the awaited object.
        any(k.note(e->getExprLoc(), "co_await"), co->getOperand());
        return;
      }
      case Stmt::IntegerLiteralClass:
      case Stmt::FloatingLiteralClass:
      case Stmt::CharacterLiteralClass:
      case Stmt::CXXBoolLiteralExprClass:
      case Stmt::CXXNullPtrLiteralExprClass:
      case Stmt::StringLiteralClass:
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
      case Stmt::RequiresExprClass:
      case Stmt::CXXTypeidExprClass:
        return;
      case Stmt::OpaqueValueExprClass:
        if (const Expr* src = cast<OpaqueValueExpr>(e)->getSourceExpr()) value(k, src);
        return;
      case Stmt::CXXRewrittenBinaryOperatorClass:
        value(k, cast<CXXRewrittenBinaryOperator>(e)->getSemanticForm());
        return;
      case Stmt::DeclRefExprClass:
        return;  // a prvalue DeclRefExpr: an enumerator or a non-type template parameter
      case Stmt::MaterializeTemporaryExprClass:
        address(k.deref(), e);
        return;
      default:
        // Anything else: whatever it uses goes to the heap.
        unhandled(e);
        return;
    }
  }

  void cast_value(const hole& k, const CastExpr* c) {
    const Expr* sub = c->getSubExpr();
    switch (c->getCastKind()) {
      case CK_LValueToRValue:
      case CK_LValueToRValueBitCast:
        address(k.deref(), sub);
        return;
      case CK_ArrayToPointerDecay:
        address(k, sub);
        return;
      case CK_FunctionToPointerDecay:
      case CK_BuiltinFnToFnPtr:
      case CK_NullToPointer:
      case CK_NullToMemberPointer:
        any(discard_hole, sub);
        return;
      case CK_PointerToIntegral:
      case CK_IntegralToPointer:
      case CK_ReinterpretMemberPointer:
      case CK_LValueBitCast:
        any(unknown(c->getExprLoc(), "conversion"), sub);
        return;
      case CK_BitCast:
        if (isa<ExplicitCastExpr>(c)) {
          // reinterpret_cast, a C cast or static_cast from void*: from here on
          // the analysis cannot follow the pointer.
          any(unknown(c->getExprLoc(), "cast"), sub);
          return;
        }
        value(k, sub);
        return;
      case CK_ConstructorConversion:
      case CK_UserDefinedConversion:
      case CK_NoOp:
      case CK_DerivedToBase:
      case CK_UncheckedDerivedToBase:
      case CK_BaseToDerived:
      case CK_Dynamic:
      case CK_AddressSpaceConversion:
      case CK_AtomicToNonAtomic:
      case CK_NonAtomicToAtomic:
      case CK_ToUnion:
        any(k, sub);
        return;
      case CK_Dependent:
        any(unknown(c->getExprLoc(), "dependent cast"), sub);
        return;
      default:
        // Arithmetic conversions, to bool, to void...: no address survives.
        any(discard_hole, sub);
        return;
    }
  }

  void binary(const hole& k, const BinaryOperator* b) {
    const Expr* l = b->getLHS();
    const Expr* r = b->getRHS();
    switch (b->getOpcode()) {
      case BO_Assign:
        assign(l, r, b->getOperatorLoc());
        return;
      case BO_Comma:
        any(discard_hole, l);
        value(k, r);
        return;
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

  // ---- expressions: addresses ----------------------------------------------

  void address(hole k, const Expr* e) {
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
        hole base = member->getType()->isReferenceType() ? k.deref() : k;  // a reference member holds the address
        if (m->isArrow()) value(base, m->getBase());
        else address(base, m->getBase());
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
          case UO_Deref:
            value(k.note(u->getOperatorLoc(), "indirection"), u->getSubExpr());
            return;
          case UO_PreInc:
          case UO_PreDec:
            if (u->getType()->isPointerType()) value(unknown(u->getOperatorLoc(), "pointer arithmetic"), u->getSubExpr());
            address(k, u->getSubExpr());
            return;
          case UO_Real:
          case UO_Imag:
          case UO_Extension:
            address(k, u->getSubExpr());
            return;
          default:
            any(unknown(u->getOperatorLoc(), "unhandled operator"), u->getSubExpr());
            return;
        }
      }
      case Stmt::BinaryOperatorClass:
      case Stmt::CompoundAssignOperatorClass: {
        const auto* b = cast<BinaryOperator>(e);
        if (b->getOpcode() == BO_Comma) {
          any(discard_hole, b->getLHS());
          address(k, b->getRHS());
          return;
        }
        if (b->getOpcode() == BO_PtrMemD || b->getOpcode() == BO_PtrMemI) {
          any(unknown(b->getOperatorLoc(), "member pointer"), b->getLHS());
          any(discard_hole, b->getRHS());
          return;
        }
        binary(discard_hole, b);  // the assignment itself
        address(k, b->getLHS());  // and the object assigned to
        return;
      }
      case Stmt::ConditionalOperatorClass: {
        const auto* c = cast<ConditionalOperator>(e);
        value(discard_hole, c->getCond());
        address(k, c->getTrueExpr());
        address(k, c->getFalseExpr());
        return;
      }
      case Stmt::BinaryConditionalOperatorClass: {
        const auto* c = cast<BinaryConditionalOperator>(e);
        address(k, c->getCommon());
        address(k, c->getFalseExpr());
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
        const auto* c = cast<CastExpr>(e);
        switch (c->getCastKind()) {
          case CK_NoOp:
          case CK_DerivedToBase:
          case CK_UncheckedDerivedToBase:
          case CK_BaseToDerived:
          case CK_Dynamic:
          case CK_AddressSpaceConversion:
          case CK_AtomicToNonAtomic:
          case CK_NonAtomicToAtomic:
          case CK_UserDefinedConversion:
          case CK_ConstructorConversion:
            address(k, c->getSubExpr());
            return;
          default:
            any(unknown(c->getExprLoc(), "cast"), c->getSubExpr());
            return;
        }
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
      case Stmt::CXXBindTemporaryExprClass:
        address(k, cast<CXXBindTemporaryExpr>(e)->getSubExpr());
        return;
      case Stmt::ExprWithCleanupsClass:
      case Stmt::ConstantExprClass:
        address(k, cast<FullExpr>(e)->getSubExpr());
        return;
      case Stmt::CXXDefaultArgExprClass:
        address(k, cast<CXXDefaultArgExpr>(e)->getExpr());
        return;
      case Stmt::CXXDefaultInitExprClass:
        address(k, cast<CXXDefaultInitExpr>(e)->getExpr());
        return;
      case Stmt::SubstNonTypeTemplateParmExprClass:
        address(k, cast<SubstNonTypeTemplateParmExpr>(e)->getReplacement());
        return;
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
      case Stmt::OpaqueValueExprClass:
        if (const Expr* src = cast<OpaqueValueExpr>(e)->getSourceExpr()) address(k, src);
        return;
      default:
        unhandled(e);
        return;
    }
  }

  // An expression the analysis does not model: every value and address it
  // uses goes to the heap; statements inside (a GNU statement expression)
  // are walked as usual, and their values too go to the heap.
  void unhandled(const Expr* e) {
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

  // Is `vd` a variable of an enclosing function, seen from a lambda body?
  const LambdaCapture* capture_of(const ValueDecl* vd) {
    if (!lambda_) return nullptr;
    for (const LambdaCapture& cap : lambda_->captures())
      if (cap.capturesVariable() && cap.getCapturedVar() == vd) return &cap;
    return nullptr;
  }

  void decl_address(const hole& k, const ValueDecl* d, SourceLocation at) {
    if (const auto* b = dyn_cast<BindingDecl>(d)) {
      if (const Expr* be = b->getBinding()) address(k, be);
      return;
    }
    const auto* vd = dyn_cast<VarDecl>(d);
    if (!vd) return;  // functions, enumerators
    bool is_ref = vd->getType()->isReferenceType();
    if (vd->hasGlobalStorage() && !vd->isStaticLocal()) {
      flow(is_ref ? k : k.addr(), global_loc(vd));
      return;
    }
    if (vd->isStaticLocal()) {
      flow(is_ref ? k : k.addr(), global_loc(vd));
      return;
    }
    if (lambda_ && cur_->this_loc >= 0) {
      const LambdaCapture* cap = capture_of(vd);
      bool init_capture = vd->isInitCapture() && !vars_.count(vd);
      if (cap || init_capture) {
        // A capture is a field of the closure: by copy, its address is the
        // closure's; by reference, the field holds the variable's address.
        bool by_ref = init_capture ? is_ref : cap->getCaptureKind() == LCK_ByRef || is_ref;
        if (cap && cap->getCaptureKind() == LCK_ByCopy && is_ref) by_ref = false;
        flow(by_ref ? k.deref() : k, static_cast<unsigned>(cur_->this_loc));
        return;
      }
    }
    auto it = vars_.find(vd);
    unsigned l;
    if (it != vars_.end()) {
      l = it->second;
    } else if (!vd->getDeclContext()->isFunctionOrMethod() ||
               (fn_ && vd->getDeclContext() != fn_ && !fn_->Encloses(vd->getDeclContext()) &&
                vd->getDeclContext() != static_cast<const DeclContext*>(fn_))) {
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

  void this_value(const hole& k, const CXXThisExpr*) {
    if (!cur_ || cur_->this_loc < 0) return;
    if (lambda_) {
      // `this` of the enclosing class, captured by the closure.
      for (const LambdaCapture& cap : lambda_->captures()) {
        if (!cap.capturesThis()) continue;
        if (cap.getCaptureKind() == LCK_StarThis) flow(k, static_cast<unsigned>(cur_->this_loc));
        else flow(k.deref(), static_cast<unsigned>(cur_->this_loc));
        return;
      }
      flow(k.deref(), static_cast<unsigned>(cur_->this_loc));
      return;
    }
    flow(k, static_cast<unsigned>(cur_->this_loc));
  }

  // ---- stores ----------------------------------------------------------------

  // Where a store to `lhs` goes (Go's `addr`): a variable's own location, or
  // through a pointer: the heap.
  hole store_hole(const Expr* lhs, SourceLocation at) {
    lhs = lhs->IgnoreParens();
    if (const auto* c = dyn_cast<CastExpr>(lhs)) {
      switch (c->getCastKind()) {
        case CK_NoOp:
        case CK_DerivedToBase:
        case CK_UncheckedDerivedToBase:
        case CK_BaseToDerived:
          return store_hole(c->getSubExpr(), at);
        default:
          return unknown(at, "store through a pointer");
      }
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
      if (it == vars_.end() && !(fn_ && (vd->getDeclContext() == fn_ || fn_->Encloses(vd->getDeclContext()))))
        return unknown(at, "store");
      return loc_hole(var_loc(vd), at, "assign");
    }
    if (const auto* m = dyn_cast<MemberExpr>(lhs)) {
      const ValueDecl* member = m->getMemberDecl();
      if (const auto* vd = dyn_cast<VarDecl>(member)) return loc_hole(global_loc(vd), at, "assign");
      if (member->getType()->isReferenceType()) return unknown(at, "store through a reference");
      if (!m->isArrow()) return store_hole(m->getBase(), at);
      const Expr* base = m->getBase()->IgnoreParenImpCasts();
      if (isa<CXXThisExpr>(base) && is_ctor() && !lambda_ && cur_->this_obj >= 0)
        return loc_hole(static_cast<unsigned>(cur_->this_obj), at, "member store");
      if (points_into_gc_heap(m->getBase())) return root_hole(root_kind::gc_heap, at, "stored into the GC heap");
      return unknown(at, "store through a pointer");
    }
    if (const auto* a = dyn_cast<ArraySubscriptExpr>(lhs)) {
      const Expr* base = a->getBase()->IgnoreParens();
      if (const auto* c = dyn_cast<ImplicitCastExpr>(base); c && c->getCastKind() == CK_ArrayToPointerDecay)
        return store_hole(c->getSubExpr(), at);
      return unknown(at, "store through a pointer");
    }
    if (const auto* u = dyn_cast<UnaryOperator>(lhs); u && u->getOpcode() == UO_Deref) {
      const Expr* sub = u->getSubExpr()->IgnoreParenImpCasts();
      if (isa<CXXThisExpr>(sub) && is_ctor() && !lambda_ && cur_->this_obj >= 0)
        return loc_hole(static_cast<unsigned>(cur_->this_obj), at, "member store");
      if (points_into_gc_heap(u->getSubExpr())) return root_hole(root_kind::gc_heap, at, "stored into the GC heap");
      return unknown(at, "store through a pointer");
    }
    if (const auto* ce = dyn_cast<CallExpr>(lhs)) {
      escape_api api = runtime_model::classify_escape_api(ce->getDirectCallee());
      if (api == escape_api::handle_deref || api == escape_api::map_get)
        return root_hole(root_kind::gc_heap, at, "stored into the GC heap");
    }
    return unknown(at, "store through a pointer");
  }

  // `p` (a pointer expression) comes out of a go::ptr (operator->, get()).
  bool points_into_gc_heap(const Expr* p) {
    p = p->IgnoreParenImpCasts();
    if (const auto* ce = dyn_cast<CallExpr>(p))
      return runtime_model::classify_escape_api(ce->getDirectCallee()) == escape_api::handle_deref;
    return false;
  }

  void assign(const Expr* lhs, const Expr* rhs, SourceLocation at) {
    hole k = store_hole(lhs, at);
    any(discard_hole, lhs);  // side effects of computing the place
    if (lhs->getType()->isReferenceType()) address(k, rhs);
    else value(k, rhs);
  }

  // ---- lambdas, allocations ----------------------------------------------------

  void lambda(const hole& k, const LambdaExpr* le) {
    auto init = le->capture_init_begin();
    for (const LambdaCapture& cap : le->captures()) {
      const Expr* ie = init != le->capture_init_end() ? *init : nullptr;
      if (init != le->capture_init_end()) ++init;
      if (!ie) continue;
      hole ck = k.note(cap.getLocation(), "captured by a closure");
      if (cap.capturesThis()) {
        value(ck, ie);
      } else if (cap.getCaptureKind() == LCK_ByRef) {
        address(ck.note(cap.getLocation(), "captured by reference"), ie);
      } else if (cap.capturesVariable() && cap.getCapturedVar()->getType()->isReferenceType() &&
                 cast<VarDecl>(cap.getCapturedVar())->isInitCapture()) {
        address(ck, ie);
      } else {
        value(ck, ie);
      }
    }
  }

  void cxx_new(const CXXNewExpr* n) {
    for (const Expr* a : n->placement_arguments()) any(unknown(a->getExprLoc(), "placement new"), a);
    if (const Expr* init = n->getInitializer()) {
      if (const auto* ce = dyn_cast<CXXConstructExpr>(init->IgnoreImplicit()))
        construct_into(unknown(n->getBeginLoc(), "operator new"), ce);
      else
        any(unknown(n->getBeginLoc(), "operator new"), init);
    }
    if (const Expr* size = n->getArraySize().value_or(nullptr)) value(discard_hole, size);
  }

  std::string type_name(QualType t) {
    PrintingPolicy pp(ctx_.getLangOpts());
    pp.SuppressTagKeyword = true;
    pp.SuppressUnwrittenScope = true;
    return t.getAsString(pp);
  }

  // The explicit template arguments of the callee as the source spells them.
  std::string written_template_args(const CallExpr* ce, unsigned shown) {
    const auto* dre = dyn_cast<DeclRefExpr>(ce->getCallee()->IgnoreImplicit());
    if (!dre || dre->getNumTemplateArgs() == 0) return {};
    const SourceManager& sm = ctx_.getSourceManager();
    std::string out;
    for (unsigned i = 0; i < dre->getNumTemplateArgs() && i < shown; ++i) {
      SourceRange r = dre->getTemplateArgs()[i].getSourceRange();
      if (r.isInvalid() || r.getBegin().isMacroID() || r.getEnd().isMacroID()) return {};
      llvm::StringRef text =
          Lexer::getSourceText(CharSourceRange::getTokenRange(r), sm, ctx_.getLangOpts());
      if (text.empty()) return {};
      if (!out.empty()) out += ", ";
      out += text.str();
    }
    return out;
  }

  // A go::new_ / make_slice / make_map site.
  unsigned alloc_site(const CallExpr* ce, alloc_kind kind, const FunctionDecl* callee) {
    std::string name;
    QualType elem;
    if (const TemplateArgumentList* args = callee->getTemplateSpecializationArgs()) {
      std::string targs;
      unsigned shown = kind == alloc_kind::make_map ? 2u : 1u;
      for (unsigned i = 0; i < args->size() && i < shown; ++i) {
        if ((*args)[i].getKind() != TemplateArgument::Type) break;
        if (i == 0) elem = (*args)[i].getAsType();
        if (!targs.empty()) targs += ", ";
        targs += type_name((*args)[i].getAsType());
      }
      // Templates are reported once, at the spelling: the arguments as written.
      if (std::string written = written_template_args(ce, shown); !written.empty()) targs = written;
      name = "go::" + callee->getNameAsString() + "<" + targs + ">";
    } else {
      name = "go::" + callee->getNameAsString();
    }
    unsigned a = new_loc(loc_kind::alloc, name, ce->getBeginLoc(), depth_);
    location& l = g_.at(a);
    l.alloc = kind;
    l.expr = ce;
    bool too_big = false;
    if (!elem.isNull() && !elem->isDependentType() && !elem->isIncompleteType()) {
      uint64_t size = ctx_.getTypeSizeInChars(elem).getQuantity();
      if (kind == alloc_kind::new_) {
        too_big = size > max_stack_object;
      } else if (kind == alloc_kind::make_slice) {
        // A slice stays on the stack only with a constant size.
        uint64_t n = 0;
        for (unsigned i = 0; i < ce->getNumArgs(); ++i) {
          Expr::EvalResult r;
          if (!ce->getArg(i)->EvaluateAsInt(r, ctx_)) {
            too_big = true;
            break;
          }
          n = std::max<uint64_t>(n, r.Val.getInt().getZExtValue());
        }
        if (n * size > max_stack_object) too_big = true;
      }
    }
    if (too_big) {
      l.forced_heap = true;
      l.escapes = true;
      l.escape_root = root_kind::unknown;
    }
    return a;
  }

  // ---- calls -------------------------------------------------------------------------

  void call(const hole& k, const CallExpr* ce) {
    const FunctionDecl* callee = ce->getDirectCallee();
    SourceLocation at = ce->getExprLoc();
    if (!callee) {
      // A call through a function pointer, a member pointer, or a value we
      // do not know: every argument escapes (Go's rule for interface calls).
      // The callee is code (a function pointer): it does not escape by being
      // called, but the object of a member-pointer call does.
      const Expr* fn = ce->getCallee()->IgnoreParens();
      if (const auto* bo = dyn_cast<BinaryOperator>(fn); bo && bo->isPtrMemOp()) {
        any(unknown(at, "member pointer call"), bo->getLHS());
        value(discard_hole, bo->getRHS());
      } else {
        value(discard_hole, fn);
      }
      for (const Expr* a : ce->arguments()) any(unknown(a->getExprLoc(), "indirect call argument"), a);
      return;
    }
    // std::move, std::forward, std::addressof and friends: Clang treats them
    // as builtins and does not instantiate their bodies. Each yields its
    // argument's address.
    switch (callee->getBuiltinID()) {
      case Builtin::BImove:
      case Builtin::BImove_if_noexcept:
      case Builtin::BIforward:
      case Builtin::BIforward_like:
      case Builtin::BIas_const:
      case Builtin::BIaddressof:
      case Builtin::BI__addressof:
      case Builtin::BI__builtin_addressof:
        if (ce->getNumArgs() == 1) {
          address(k.note(at, "call result"), ce->getArg(0));
          return;
        }
        break;
      default:
        break;
    }
    const Expr* object = nullptr;  // the implicit object argument
    bool object_is_pointer = false;
    bool qualified = false;
    llvm::SmallVector<const Expr*, 8> args;
    const auto* method = dyn_cast<CXXMethodDecl>(callee);
    if (const auto* mc = dyn_cast<CXXMemberCallExpr>(ce)) {
      object = mc->getImplicitObjectArgument();
      if (const auto* me = dyn_cast<MemberExpr>(mc->getCallee()->IgnoreParens())) {
        object_is_pointer = me->isArrow();
        qualified = me->hasQualifier();
      } else {
        object_is_pointer = object && object->getType()->isPointerType();
      }
      for (const Expr* a : mc->arguments()) args.push_back(a);
    } else if (const auto* oc = dyn_cast<CXXOperatorCallExpr>(ce); oc && method && method->isInstance()) {
      object = oc->getArg(0);
      for (unsigned i = 1; i < oc->getNumArgs(); ++i) args.push_back(oc->getArg(i));
    } else {
      any(discard_hole, ce->getCallee());
      for (const Expr* a : ce->arguments()) args.push_back(a);
    }
    if (method && method->isInstance() && !object) {
      for (const Expr* a : args) any(unknown(a->getExprLoc(), "call argument"), a);
      return;
    }

    // Defaulted copy / move assignment: a plain store.
    if (method && (method->isCopyAssignmentOperator() || method->isMoveAssignmentOperator()) &&
        is_defaulted_copy_or_move(method) && object && args.size() == 1 && !object_is_pointer) {
      hole store = store_hole(object, at);
      any(discard_hole, object);
      address(store.deref(), args[0]);
      address(k, object);
      return;
    }

    escape_api api = runtime_model::classify_escape_api(callee);
    if (api != escape_api::none) {
      runtime_call(k, ce, callee, api, object, object_is_pointer, args);
      return;
    }

    // The implicit object argument: `this` of the callee.
    int this_temp = -1;
    if (object) {
      unsigned t = temp(object->getExprLoc(), "{this}");
      hole th = loc_hole(t, object->getExprLoc(), "receiver");
      if (object_is_pointer) value(th, object);
      else address(th, object);
      this_temp = static_cast<int>(t);
    }
    bool virtual_call = method && method->isVirtual() && !qualified && !method->hasAttr<FinalAttr>() &&
                        !method->getParent()->hasAttr<FinalAttr>();
    apply_callee(k, callee, virtual_call, this_temp, args, ce, -1, at);
  }

  // Evaluates `args` for `callee` and links them to its parameters: directly
  // for a function of this batch, by its summary otherwise, and to the heap
  // when there is neither. `object` is the location of the object a
  // constructor initialises (-1 otherwise).
  void apply_callee(const hole& k, const FunctionDecl* callee, bool virtual_call, int this_temp,
                    llvm::ArrayRef<const Expr*> args, const Expr* call_expr, int object, SourceLocation at) {
    (void)call_expr;
    llvm::SmallVector<int, 8> temps;
    for (unsigned i = 0; i < args.size(); ++i) {
      const Expr* a = args[i];
      if (i >= callee->getNumParams()) {
        any(unknown(a->getExprLoc(), "variadic argument"), a);
        temps.push_back(-1);
        continue;
      }
      QualType pt = callee->getParamDecl(i)->getType();
      unsigned t = temp(a->getExprLoc(), "{arg}");
      g_.at(t).name = "{arg " + callee->getParamDecl(i)->getNameAsString() + "}";
      init_into(loc_hole(t, a->getExprLoc(), "call parameter"), pt, a);
      temps.push_back(static_cast<int>(t));
    }
    const FunctionDecl* def = virtual_call ? nullptr : analysable_definition(callee);
    auto in_batch = def ? fns_.find(def) : fns_.end();
    if (def && in_batch != fns_.end()) {
      const function_locations& fl = in_batch->second;
      for (unsigned i = 0; i < temps.size() && i < fl.params.size(); ++i)
        if (temps[i] >= 0) g_.flow(fl.params[i], static_cast<unsigned>(temps[i]), 0, at, "call parameter");
      if (this_temp >= 0 && fl.this_loc >= 0)
        g_.flow(static_cast<unsigned>(fl.this_loc), static_cast<unsigned>(this_temp), 0, at, "receiver");
      if (fl.result >= 0) flow(k.note(at, "call result"), static_cast<unsigned>(fl.result));
      if (object >= 0 && fl.this_obj >= 0)
        g_.flow(static_cast<unsigned>(object), static_cast<unsigned>(fl.this_obj), 0, at, "constructor");
      return;
    }
    const function_summary* sum = nullptr;
    if (def) {
      auto it = sums_.find(def);
      if (it != sums_.end()) sum = &it->second;
    }
    auto apply = [&](const param_leaks* pl, int t) {
      if (t < 0) return;
      unsigned src = static_cast<unsigned>(t);
      if (!pl) {
        g_.flow(g_.root(root_kind::unknown), src, 0, at, "call to a function without a body");
        return;
      }
      if (pl->heap_definite != no_leak)
        g_.flow(g_.root(pl->definite_kind), src, pl->heap_definite, at, "leaking parameter");
      if (pl->heap_unknown != no_leak) g_.flow(g_.root(root_kind::unknown), src, pl->heap_unknown, at, "leaking parameter");
      if (pl->results[0] != no_leak) flow(k.note(at, "call result"), src, pl->results[0]);
      if (pl->results[1] != no_leak && object >= 0)
        g_.flow(static_cast<unsigned>(object), src, pl->results[1], at, "constructor");
    };
    for (unsigned i = 0; i < temps.size(); ++i)
      apply(sum && i < sum->params.size() ? &sum->params[i] : nullptr, temps[i]);
    // The callee constructs its result in place (guaranteed copy elision)
    // and lets its address escape: the object we receive escapes.
    if (sum && sum->result_escapes && !k.discard())
      g_.flow(g_.root(root_kind::unknown), static_cast<unsigned>(k.loc), std::max(k.derefs - 1, -1), at,
              "result object escapes in the callee");
    if (sum && sum->result_escapes && object >= 0)
      g_.flow(g_.root(root_kind::unknown), static_cast<unsigned>(object), -1, at, "object escapes in the constructor");
    if (this_temp >= 0) {
      const param_leaks* tl = sum && sum->has_this ? &sum->this_param : nullptr;
      if (tl && tl->results[1] != no_leak) {
        // A constructor that stores its own address into its object (a
        // self-pointer, as in a small-string buffer) makes no address leave
        // the object: not a flow the callers need to see.
        param_leaks copy = *tl;
        copy.results[1] = no_leak;
        apply(&copy, this_temp);
      } else {
        apply(tl, this_temp);
      }
    }
  }

  // ---- constructors ------------------------------------------------------------

  // A constructed prvalue flowing into k.
  void construct_value(const hole& k, const CXXConstructExpr* ce) {
    if (!k.discard() && k.derefs == 0 && g_.at(static_cast<unsigned>(k.loc)).kind != loc_kind::heap) {
      construct_into(k, ce);
      return;
    }
    unsigned t = temp(ce->getExprLoc(), "{temporary}");
    construct_into(loc_hole(t, ce->getExprLoc(), "construct"), ce);
    flow(k, t);
  }

  // Constructs the object of location k.loc (k.derefs == 0), or into a root.
  void construct_into(const hole& k, const Expr* e) {
    e = e->IgnoreParens();
    if (const auto* fe = dyn_cast<FullExpr>(e)) return construct_into(k, fe->getSubExpr());
    if (const auto* bt = dyn_cast<CXXBindTemporaryExpr>(e)) return construct_into(k, bt->getSubExpr());
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
    if (cur_ && cur_->this_obj >= 0 && object == static_cast<unsigned>(cur_->this_obj) && cur_->this_loc >= 0)
      // A base, delegated-to or member constructor run on our own object:
      // its `this` is (inside) ours.
      g_.flow(t, static_cast<unsigned>(cur_->this_loc), 0, at, "receiver");
    else
      g_.flow(t, object, -1, at, "receiver");
    if (g_.at(object).kind == loc_kind::heap) g_.flow(g_.root(root_kind::unknown), t, 0, at, "receiver");
    apply_callee(discard_hole, ctor, false, static_cast<int>(t), args, ce, static_cast<int>(object), at);
  }

  // ---- the runtime API ------------------------------------------------------------

  void to_root(root_kind r, const Expr* a, const char* why) { any(root_hole(r, a->getExprLoc(), why), a); }

  void runtime_call(const hole& k, const CallExpr* ce, const FunctionDecl* callee, escape_api api,
                    const Expr* object, bool object_is_pointer, llvm::ArrayRef<const Expr*> args) {
    SourceLocation at = ce->getExprLoc();
    // The handle the member is called on, as a value (its target's address).
    auto object_value = [&](const hole& h) {
      if (!object) return;
      if (object_is_pointer) value(h.deref(), object);
      else value(h, object);
    };
    auto args_value = [&](const hole& h, unsigned from) {
      for (unsigned i = from; i < args.size(); ++i) any(h, args[i]);
    };
    switch (api) {
      case escape_api::new_: {
        unsigned a = alloc_site(ce, alloc_kind::new_, callee);
        new_args(a, callee, args, at);
        flow(k.addr().note(at, "go::new_"), a);
        return;
      }
      case escape_api::make_slice:
      case escape_api::make_map: {
        unsigned a = alloc_site(ce, api == escape_api::make_slice ? alloc_kind::make_slice : alloc_kind::make_map, callee);
        args_value(discard_hole, 0);
        flow(k.addr().note(at, callee->getNameAsString() == "make_map" ? "go::make_map" : "go::make_slice"), a);
        return;
      }
      case escape_api::make_chan:
        args_value(discard_hole, 0);
        return;
      case escape_api::append:
        if (!args.empty()) {
          value(k.note(at, "append"), args[0]);
          // A full array is copied into a new one on the heap: the elements
          // of s go there (Go: leaking param content).
          value(root_hole(root_kind::gc_heap, at, "append").deref(), args[0]);
        }
        for (unsigned i = 1; i < args.size(); ++i) to_root(root_kind::gc_heap, args[i], "appended to a slice");
        return;
      case escape_api::copy:
        // copy(dst, src): dst's array is reachable from elsewhere, so what
        // src's elements point to goes to the heap (Go: leaking param content).
        if (!args.empty()) value(discard_hole, args[0]);
        if (args.size() > 1) value(root_hole(root_kind::gc_heap, at, "copied into a slice").deref(), args[1]);
        args_value(discard_hole, 2);
        return;
      case escape_api::handle_deref:
        object_value(k.note(at, "dereference"));
        args_value(discard_hole, 0);
        return;
      case escape_api::handle_view:
        object_value(k.note(at, "slice"));
        args_value(discard_hole, 0);
        return;
      case escape_api::handle_copy:
        if (object && !args.empty()) {
          hole store = object_is_pointer ? unknown(at, "store through a pointer") : store_hole(object, at);
          any(discard_hole, object);
          value(store, args[0]);
          address(k, object);
        } else {
          object_value(k);
          args_value(k, 0);
        }
        return;
      case escape_api::map_set:
        object_value(discard_hole);
        for (const Expr* a : args) to_root(root_kind::gc_heap, a, "stored into a map");
        return;
      case escape_api::map_get:
        object_value(k.deref().note(at, "map lookup"));
        args_value(discard_hole, 0);
        return;
      case escape_api::chan_send:
        object_value(discard_hole);
        if (!args.empty()) to_root(root_kind::chan_send, args[0], "sent on a channel");
        args_value(discard_hole, 1);
        return;
      case escape_api::on_send:
        if (!args.empty()) value(discard_hole, args[0]);
        if (args.size() > 1) to_root(root_kind::chan_send, args[1], "sent on a channel");
        return;
      case escape_api::on_recv:
        if (!args.empty()) value(discard_hole, args[0]);
        args_value(k.note(at, "select case"), 1);
        return;
      case escape_api::select:
      case escape_api::pure:
        object_value(discard_hole);
        args_value(discard_hole, 0);
        return;
      case escape_api::spawn:
        object_value(root_hole(root_kind::spawn, at, "spawned goroutine"));
        for (const Expr* a : args) value(root_hole(root_kind::spawn, a->getExprLoc(), "spawned goroutine"), a);
        return;
      case escape_api::run:
        for (const Expr* a : args) any(unknown(a->getExprLoc(), "main goroutine"), a);
        return;
      case escape_api::other_member:
      case escape_api::other_function:
      case escape_api::other_ctor:
      case escape_api::none:
        // Other runtime calls keep nothing beyond what they return (an
        // awaiter, a context...); a raw pointer they are given may be kept.
        if (object) {
          hole h = k.note(at, "runtime call");
          if (object_is_pointer) value(h, object);
          else address(h, object);
        }
        for (unsigned i = 0; i < args.size(); ++i) {
          const Expr* a = args[i];
          QualType pt = i < callee->getNumParams() ? callee->getParamDecl(i)->getType() : a->getType();
          if (pt->isPointerType() || a->getType()->isPointerType())
            any(unknown(a->getExprLoc(), "runtime call"), a);
          else if (pt->isReferenceType() && is_runtime_value(a->getType()))
            value(k.note(at, "runtime call"), a);
          else
            init_into(k.note(at, "runtime call"), pt, a);
        }
        return;
    }
  }

  void runtime_construct(const hole& k, const CXXConstructExpr* ce, escape_api api, llvm::ArrayRef<const Expr*> args) {
    SourceLocation at = ce->getExprLoc();
    switch (api) {
      case escape_api::spawn:
        for (const Expr* a : args) value(root_hole(root_kind::spawn, a->getExprLoc(), "spawned goroutine"), a);
        return;
      case escape_api::handle_copy:
        if (!args.empty()) address(k.deref().note(at, "copy"), args[0]);
        return;
      default: {
        const CXXConstructorDecl* ctor = ce->getConstructor();
        for (unsigned i = 0; i < args.size(); ++i) {
          const Expr* a = args[i];
          QualType pt = i < ctor->getNumParams() ? ctor->getParamDecl(i)->getType() : a->getType();
          if (api != escape_api::handle_view && !runtime_model::is_go_handle_type(ctor->getParent()->getTypeForDecl()
                                                                                      ->getCanonicalTypeInternal()) &&
              pt->isPointerType() && !is_known_holder(ctor->getParent())) {
            any(unknown(a->getExprLoc(), "runtime constructor"), a);
            continue;
          }
          // Runtime types copy what they are constructed from (a handle
          // converted to a view, a callable into a defer): the value.
          if (pt->isReferenceType() && is_runtime_value(a->getType())) value(k.note(at, "constructor"), a);
          else init_into(k.note(at, "constructor"), pt, a);
        }
        return;
      }
    }
  }

  // A go:: type or a go:: handle: passed by reference to the runtime, it is copied.
  static bool is_runtime_value(QualType t) {
    if (runtime_model::is_go_handle_type(t)) return true;
    const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
    return rd && runtime_model::in_go_namespace(rd);
  }

  // Runtime types that keep a pointer they are constructed with, for as long
  // as they live (go::cond keeps its mutex, go::defer its function).
  static bool is_known_holder(const CXXRecordDecl* rd) {
    llvm::StringRef n = runtime_model::record_or_template_name(rd);
    return n == "cond" || n == "defer";
  }

  // The arguments of go::new_<T>(args...) initialise the new object: by
  // T's constructor when it has one we can see, memberwise otherwise.
  void new_args(unsigned a, const FunctionDecl* callee, llvm::ArrayRef<const Expr*> args, SourceLocation at) {
    const CXXRecordDecl* rd = nullptr;
    if (const TemplateArgumentList* targs = callee->getTemplateSpecializationArgs())
      if (targs->size() > 0 && (*targs)[0].getKind() == TemplateArgument::Type)
        rd = (*targs)[0].getAsType()->getAsCXXRecordDecl();
    if (rd) rd = rd->getDefinition();
    hole obj = loc_hole(a, at, "go::new_ argument");
    if (!rd || rd->isAggregate() || args.empty()) {
      // Memberwise: a reference member keeps the argument's address.
      llvm::SmallVector<QualType, 8> field_types;
      if (rd) {
        for (const CXXBaseSpecifier& b : rd->bases()) field_types.push_back(b.getType());
        for (const FieldDecl* f : rd->fields()) field_types.push_back(f->getType());
      }
      for (unsigned i = 0; i < args.size(); ++i) {
        QualType ft = i < field_types.size() ? field_types[i] : args[i]->getType();
        init_into(obj, ft, args[i]);
      }
      if (rd && !rd->isAggregate() && args.empty() && !rd->hasTrivialDefaultConstructor()) {
        for (const CXXConstructorDecl* c : rd->ctors())
          if (c->getMinRequiredArguments() == 0 && !c->isCopyOrMoveConstructor()) candidate_ctor(a, c, args, at);
      }
      return;
    }
    // Every constructor that could be the one chosen (we have no overload
    // resolution here): the effects of all of them.
    bool any_candidate = false;
    for (const CXXConstructorDecl* c : rd->ctors()) {
      if (c->isDeleted()) continue;
      if (args.size() < c->getMinRequiredArguments() || (args.size() > c->getNumParams() && !c->isVariadic())) continue;
      any_candidate = true;
      if (is_defaulted_copy_or_move(c)) {
        value(obj, args[0]);
        continue;
      }
      candidate_ctor(a, c, args, at);
    }
    for (const Decl* d : rd->decls()) {
      if (const auto* ft = dyn_cast<FunctionTemplateDecl>(d); ft && isa<CXXConstructorDecl>(ft->getTemplatedDecl())) {
        // A constructor template: we do not know its instantiation. Safe.
        any_candidate = true;
        for (const Expr* e : args) any(unknown(e->getExprLoc(), "constructor template"), e);
        g_.flow(g_.root(root_kind::unknown), a, -1, at, "constructor template");
      }
    }
    if (!any_candidate)
      for (const Expr* e : args) value(obj, e);
  }

  void candidate_ctor(unsigned a, const CXXConstructorDecl* c, llvm::ArrayRef<const Expr*> args, SourceLocation at) {
    unsigned t = temp(at, "{this}");
    g_.flow(t, a, -1, at, "receiver");
    apply_callee(discard_hole, c, false, static_cast<int>(t), args, nullptr, static_cast<int>(a), at);
  }
};

graph_builder::graph_builder(ASTContext& ctx, location_graph& g, const summary_table& summaries,
                             const std::vector<const FunctionDecl*>& batch)
    : impl_(std::make_unique<impl>(ctx, g, summaries, batch)) {}
graph_builder::~graph_builder() = default;
void graph_builder::build() { impl_->build(); }
const llvm::DenseMap<const FunctionDecl*, function_locations>& graph_builder::functions() const { return impl_->fns_; }

}  // namespace gocxx::escape
