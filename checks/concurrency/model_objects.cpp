// The concurrency model's objects beyond handle variables: handle and bool
// fields of objects and of *this, bool flags, what a constructor leaves in
// a new object, globals at main's entry, and branches on shared state.
#include <algorithm>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Basic/SourceManager.h>

#include "model_builder_impl.hpp"
#include "runtime_model/runtime_model.hpp"

#include "call_splice.hpp"

namespace gocxx::concurrency::model_detail {

// The handle fields of the object a value, reference or pointer of type t
// holds or denotes (direct fields only).
// A bool the model follows as a flag (sync_model.hpp).
bool is_flag_type(QualType t) { return t->isBooleanType() && !t.isVolatileQualified(); }

// with_flags: the bool fields too.
std::vector<const FieldDecl*> handle_fields(QualType t, bool with_flags) {
  t = t.getNonReferenceType();
  if (const auto* p = t->getAs<PointerType>()) t = p->getPointeeType();
  std::vector<const FieldDecl*> out;
  const CXXRecordDecl* rd = runtime_model::record_of(t);
  if (!rd || !rd->hasDefinition() || rd->isLambda() || runtime_model::within_namespace(rd, "go") ||
      runtime_model::within_namespace(rd, "std"))
    return out;
  for (const FieldDecl* f : rd->getDefinition()->fields())
    if (type_of(f->getType()) != sync_type::none || (with_flags && is_flag_type(f->getType()))) out.push_back(f);
  return out;
}

// The variable, or *this (null), whose object an expression denotes when it
// has handle fields: `m`, `&m`, `p`, `this`.
std::optional<const ValueDecl*> object_base(const Expr* e) {
  if (!e) return std::nullopt;
  e = strip(e);
  if (isa<CXXThisExpr>(e)) return static_cast<const ValueDecl*>(nullptr);
  if (const auto* r = dyn_cast<DeclRefExpr>(e); r && isa<VarDecl>(r->getDecl()) && !handle_fields(r->getType()).empty())
    return r->getDecl();
  return std::nullopt;
}

// Whether the function is a coroutine of the runtime (go::task<T>): calling
// it makes a task that runs when awaited.
bool returns_task(const FunctionDecl* f) {
  const CXXRecordDecl* rd = runtime_model::record_of(f->getReturnType());
  return rd && runtime_model::record_or_template_name(rd) == "task" && runtime_model::in_top_namespace(rd, "go");
}

bool is_callable(QualType t) {
  t = t.getNonReferenceType();
  if (t->isFunctionPointerType() || t->isFunctionType() || t->isMemberFunctionPointerType()) return true;
  const CXXRecordDecl* rd = runtime_model::record_of(t);
  if (!rd) return false;
  if (rd->isLambda()) return true;
  llvm::StringRef n = runtime_model::record_or_template_name(rd);
  return n == "function" || n == "move_only_function" || n == "function_ref";
}

// The slot of a flag expression (`done`, `this->stopped`, `w.ok`), or -1.
int body_builder::flag_slot_for(const Expr* e) {
  if (!e) return -1;
  e = e->IgnoreParenImpCasts();
  if (const auto* r = dyn_cast<DeclRefExpr>(e)) {
    const auto* v = dyn_cast<VarDecl>(r->getDecl());
    if (!v || !is_flag_type(v->getType()) || (v->isStaticLocal())) return -1;
    return slot_of(v);
  }
  const auto* m = dyn_cast<MemberExpr>(e);
  const auto* f = m ? dyn_cast<FieldDecl>(m->getMemberDecl()) : nullptr;
  if (!f || !is_flag_type(f->getType())) return -1;
  std::optional<const ValueDecl*> base = object_base(m->getBase());
  return base ? field_slot(*base, f) : -1;
}

// A flag's value: 1, 0, or -1 when it is not a constant.
int body_builder::flag_value(const Expr* e) const {
  bool value = false;
  if (!e || e->isValueDependent() || !e->EvaluateAsBooleanCondition(value, ctx_)) return -1;
  return value ? 1 : 0;
}

// `bool b = init;` (a new flag), or a flag field of a new object.
op body_builder::make_flag_op(int slot, const Expr* init, SourceLocation loc, int if_none) {
  op o = make_op(op_kind::make_flag, loc, slot);
  o.amount = init ? flag_value(init) : if_none;
  return o;
}

// After branch_reader: a test of a flag that is not a variable keeping
// its value (those agree along a path: cond_key).
void body_builder::read_flag_test(const CFGBlock& b, block& out) {
  if (out.branch != branch_kind::any || out.succs.size() != 2 || out.cond_key >= 0) return;
  const auto* cond = dyn_cast_or_null<Expr>(b.getTerminatorCondition(true));
  bool negated = false;
  const Expr* e = cond ? cond->IgnoreParenImpCasts() : nullptr;
  while (const auto* u = dyn_cast_or_null<UnaryOperator>(e)) {
    if (u->getOpcode() != UO_LNot) return;
    negated = !negated;
    e = u->getSubExpr()->IgnoreParenImpCasts();
  }
  int slot = flag_slot_for(e);
  if (slot < 0) return;
  out.branch = branch_kind::flag_test;
  out.flag_slot = slot;
  out.cond_negated = negated;
}

// `monitor m;`, `server s(addr);`: the handle fields as the constructor
// leaves them -- its member initialisers (or the class's default ones),
// then its body, spliced with *this the new object.
void body_builder::read_object_init(const VarDecl* v) {
  if (v->getType()->isReferenceType() || v->getType()->isPointerType()) return;
  std::vector<const FieldDecl*> fields = handle_fields(v->getType());
  if (fields.empty()) return;
  const auto* construct = constructs(v);
  const CXXConstructorDecl* ctor = construct ? construct->getConstructor() : nullptr;
  if (!ctor || !ctor->isUserProvided()) {
    for (const FieldDecl* f : fields) emit(field_init_op(v, f, v->getLocation()));
    return;
  }
  const FunctionDecl* def = nullptr;
  const auto* cdef = ctor->isDefined(def) ? dyn_cast<CXXConstructorDecl>(def) : nullptr;
  int idx = cdef ? splice_target(construct, cdef) : -1;
  if (idx < 0) {
    for (const FieldDecl* f : fields) emit(make_op(op_kind::make_unknown, v->getLocation(), field_slot(v, f)));
    return emit(make_op(op_kind::escape_globals, construct->getBeginLoc()));
  }
  for (const FieldDecl* f : fields) emit(member_init_op(v, f, *cdef));
  std::vector<const Expr*> args(construct->arg_begin(), construct->arg_end());
  emit_call(call_op(construct, cdef, idx, args, v));
}

const CXXConstructExpr* body_builder::constructs(const VarDecl* v) {
  const Expr* init = v->getAnyInitializer();  // a global's may be on its definition
  return init ? dyn_cast<CXXConstructExpr>(init->IgnoreImplicit()) : nullptr;
}

// A handle field of an object v of a class whose default constructor is
// not the user's: its default member initialiser; else unknown.
op body_builder::field_init_op(const VarDecl* v, const FieldDecl* f, SourceLocation loc) {
  int slot = field_slot(v, f);
  const CXXConstructExpr* construct = constructs(v);
  bool defaulted = !v->getAnyInitializer() ||
                   (construct && construct->getNumArgs() == 0 && !construct->getConstructor()->isUserProvided());
  if (!defaulted) return make_op(op_kind::make_unknown, loc, slot);
  if (is_flag_type(f->getType())) return make_flag_op(slot, f->getInClassInitializer(), loc, is_global(v) ? 0 : -1);
  return init_op(type_of(f->getType()), f->getInClassInitializer(), slot, loc);
}

// A handle field as constructor `ctor` initialises it before its body: its
// member initialiser if it has one -- unknown when that reads anything of
// the constructor's -- else its default member initialiser.
op body_builder::member_init_op(const VarDecl* v, const FieldDecl* f, const CXXConstructorDecl& ctor) {
  int slot = field_slot(v, f);
  const Expr* init = f->getInClassInitializer();
  for (const CXXCtorInitializer* i : ctor.inits())
    if (i->getMember() == f) init = i->isWritten() ? i->getInit() : init;
  if (init && refers_to_declarations(init)) return make_op(op_kind::make_unknown, v->getLocation(), slot);
  if (is_flag_type(f->getType())) return make_flag_op(slot, init, v->getLocation(), -1);
  return init_op(type_of(f->getType()), init, slot, v->getLocation());
}

bool body_builder::refers_to_declarations(const Stmt* s) {
  if (!s) return false;
  if (const auto* r = dyn_cast<DeclRefExpr>(s); r && isa<VarDecl>(r->getDecl())) return true;
  if (isa<CXXThisExpr>(s)) return true;
  for (const Stmt* c : s->children())
    if (refers_to_declarations(c)) return true;
  return false;
}

// main's entry: every global the program uses gets its object, made as
// declared; one another unit can name is `external` (escape_globals).
void body_builder::make_globals() {
  std::vector<op> made;
  for (size_t i = 0; i < body_->slots.size(); ++i) {
    slot_key key = body_->slots[i];
    const auto* v = dyn_cast_or_null<VarDecl>(key.var);
    if (!v || !is_global(v)) continue;
    op o = key.field ? field_init_op(v, key.field, v->getLocation())
           : is_flag_type(v->getType())
               ? make_flag_op(static_cast<int>(i), v->getAnyInitializer(), v->getLocation(), 0)
               : init_op(type_of(v->getType()), v->getAnyInitializer(), static_cast<int>(i), v->getLocation());
    o.external = v->isExternallyVisible();
    made.push_back(std::move(o));
  }
  // A cond names its mutex: make the mutexes first, whatever the order the
  // slots were met in.
  std::stable_partition(made.begin(), made.end(), [](const op& o) { return o.kind != op_kind::make_cond; });
  auto& entry = body_->blocks[body_->entry].ops;
  entry.insert(entry.begin(), made.begin(), made.end());
}

// After the above: a condition the model explores both ways that reads
// state shared between calls -- a field, a global, through *this -- makes
// either way an assumption (block::assumes).
void body_builder::read_assumption(const CFGBlock& b, block& out) {
  if (out.branch != branch_kind::any) return;
  const auto* cond = dyn_cast_or_null<Expr>(b.getTerminatorCondition(true));
  out.assumes = cond && reads_shared_state(cond, 1);
}

// `depth`: how many local variables' initialisers are looked into.
bool body_builder::reads_shared_state(const Stmt* s, int depth) {
  if (!s || isa<LambdaExpr>(s)) return false;
  if (isa<CXXThisExpr>(s)) return true;
  if (const auto* m = dyn_cast<MemberExpr>(s); m && isa<FieldDecl>(m->getMemberDecl())) return true;
  if (const auto* r = dyn_cast<DeclRefExpr>(s))
    if (const auto* v = dyn_cast<VarDecl>(r->getDecl())) {
      if (v->hasGlobalStorage() && !v->getType().isConstQualified()) return true;
      if (depth > 0 && v->isLocalVarDecl() && reads_shared_state(v->getInit(), depth - 1)) return true;
    }
  for (const Stmt* c : s->children())
    if (reads_shared_state(c, depth)) return true;
  return false;
}

}  // namespace gocxx::concurrency::model_detail
