// The graph builder's entry point (Go: escape.go): the public interface,
// the set-up of each function's parameter and result locations, the walk of
// each body, the locations themselves, and closures. The walk's parts live
// in stmt.cpp, expr.cpp, assign.cpp, call.cpp and runtime_calls.cpp (see
// graph_builder_impl.hpp).
#include "escape/graph_builder_impl.hpp"

#include "runtime_model/runtime_model.hpp"

#include <clang/AST/DeclTemplate.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Basic/SourceManager.h>

using namespace clang;

namespace gocxx::escape {

namespace {

bool has_pointers_rec(QualType t, unsigned depth) {
  if (t.isNull()) return true;
  QualType c = t.getCanonicalType();
  if (c->isDependentType()) return true;
  if (c->isPointerType() || c->isReferenceType() || c->isBlockPointerType() || c->isObjCObjectPointerType())
    return true;
  // A member pointer is an offset or code, not an address; nullptr_t is a
  // builtin type and holds none either.
  if (c->isMemberPointerType()) return false;
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

}  // namespace

bool has_pointers(QualType t) { return has_pointers_rec(t, 0); }

llvm::SmallVector<QualType, 4> template_type_arguments(const CXXRecordDecl* rd) {
  llvm::SmallVector<QualType, 4> out;
  const auto* spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(rd);
  if (!spec) return out;
  auto type = [&](const TemplateArgument& a) {
    if (a.getKind() == TemplateArgument::Type) out.push_back(a.getAsType());
  };
  for (const TemplateArgument& a : spec->getTemplateArgs().asArray()) {
    if (a.getKind() == TemplateArgument::Pack)
      for (const TemplateArgument& e : a.pack_elements()) type(e);
    else
      type(a);
  }
  return out;
}

namespace {

// A class of the user's with a copy or move constructor (or assignment) of
// its own: it may do anything with what it copies (publish the address it
// holds). The standard library's and the runtime's copy like values.
bool copies_by_user_code(const CXXRecordDecl* rd, bool assignment, const SourceManager& sm) {
  if (runtime_model::in_go_namespace(rd) || sm.isInSystemHeader(rd->getLocation())) return false;
  // A constructor or assignment template may be the one a copy or move
  // selects (a class with a destructor of its own has no implicit move).
  for (const Decl* d : rd->decls())
    if (const auto* ft = dyn_cast<FunctionTemplateDecl>(d)) {
      const FunctionDecl* m = ft->getTemplatedDecl();
      if (assignment ? m->getOverloadedOperator() == OO_Equal : isa<CXXConstructorDecl>(m)) return true;
    }
  if (assignment) {
    for (const CXXMethodDecl* m : rd->methods())
      if ((m->isCopyAssignmentOperator() || m->isMoveAssignmentOperator()) && m->isUserProvided()) return true;
    return false;
  }
  for (const CXXConstructorDecl* c : rd->ctors())
    if (c->isCopyOrMoveConstructor() && c->isUserProvided()) return true;
  return false;
}

// Every base and member of `rd`, at any depth, is copied (or assigned)
// without user code: the defaulted copy of `rd` copies bytes.
bool members_copy_plainly(const CXXRecordDecl* rd, bool assignment, const SourceManager& sm, unsigned depth) {
  if (!rd || !(rd = rd->getDefinition())) return true;
  if (depth > 16) return false;
  auto plain = [&](QualType t) {
    const CXXRecordDecl* sub = t->getBaseElementTypeUnsafe()->getAsCXXRecordDecl();
    if (!sub || !(sub = sub->getDefinition())) return true;
    return !copies_by_user_code(sub, assignment, sm) && members_copy_plainly(sub, assignment, sm, depth + 1);
  };
  for (const CXXBaseSpecifier& b : rd->bases())
    if (!plain(b.getType())) return false;
  for (const FieldDecl* f : rd->fields())
    if (!plain(f->getType())) return false;
  return true;
}

}  // namespace

bool is_defaulted_copy_or_move(const FunctionDecl* fd) {
  const auto* md = dyn_cast<CXXMethodDecl>(fd);
  if (!md) return false;
  bool copy_or_move = false;
  const bool assignment = !isa<CXXConstructorDecl>(md);
  if (const auto* cd = dyn_cast<CXXConstructorDecl>(md))
    copy_or_move = cd->isCopyOrMoveConstructor();
  else
    copy_or_move = md->isCopyAssignmentOperator() || md->isMoveAssignmentOperator();
  if (!copy_or_move) return false;
  if (md->isTrivial()) return true;
  // A defaulted one runs its bases' and members' own: a plain copy only
  // when none of them is user code (a member whose copy constructor
  // registers its pointer somewhere makes the copy a call to look into).
  return (md->isDefaulted() || md->isImplicit()) &&
         members_copy_plainly(md->getParent(), assignment, md->getASTContext().getSourceManager(), 0);
}

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

// ---- the public interface ----------------------------------------------------

graph_builder::graph_builder(ASTContext& ctx, location_graph& g, const summary_table& summaries,
                             const std::vector<const FunctionDecl*>& batch, bool joined_spawns)
    : impl_(std::make_unique<impl>(ctx, g, summaries, batch, joined_spawns)) {}
graph_builder::~graph_builder() = default;
void graph_builder::build() { impl_->build(); }
const llvm::DenseMap<const FunctionDecl*, function_locations>& graph_builder::functions() const {
  return impl_->functions;
}

graph_builder::impl::impl(ASTContext& ctx, location_graph& g, const summary_table& sums,
                          const std::vector<const FunctionDecl*>& batch, bool joined_spawns)
    : ctx_(ctx), g_(g), sums_(sums), batch_(batch), joined_spawns_(joined_spawns) {}

void graph_builder::impl::build() {
  for (const FunctionDecl* fd : batch_) prepare(fd);
  for (const FunctionDecl* fd : batch_) walk_function(fd);
}

// ---- locations ---------------------------------------------------------

unsigned graph_builder::impl::new_loc(loc_kind k, std::string name, SourceLocation pos, unsigned depth) {
  location l;
  l.kind = k;
  l.fn = fn_;
  l.name = std::move(name);
  l.pos = pos;
  l.scope_depth = depth;
  return g_.add(std::move(l));
}

unsigned graph_builder::impl::temp(SourceLocation pos, const char* name) {
  return new_loc(loc_kind::temporary, name, pos, depth_);
}

hole graph_builder::impl::root_hole(root_kind k, SourceLocation where, const char* why) {
  return hole{static_cast<int>(g_.root(k)), 0, where, why};
}

hole graph_builder::impl::spawn_hole(SourceLocation where) {
  if (!joined_spawns_) return root_hole(root_kind::spawn, where, "spawned goroutine");
  auto [it, fresh] = joined_sinks_.try_emplace(fn_, 0);
  if (fresh) it->second = new_loc(loc_kind::temporary, "{joined goroutine}", where, 1);
  return loc_hole(it->second, where, "spawned goroutine, joined");
}

hole graph_builder::impl::unknown(SourceLocation where, const char* why) {
  return root_hole(root_kind::unknown, where, why);
}

hole graph_builder::impl::loc_hole(unsigned l, SourceLocation where, const char* why) {
  return hole{static_cast<int>(l), 0, where, why};
}

void graph_builder::impl::flow(const hole& k, unsigned src, int extra) {
  if (k.discard()) return;
  int d = k.derefs + extra;
  if (d < -1) d = -1;
  g_.flow(static_cast<unsigned>(k.loc), src, d, k.where, k.why);
}

unsigned graph_builder::impl::global_loc(const VarDecl* vd) {
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

unsigned graph_builder::impl::var_loc(const ValueDecl* vd) {
  auto it = vars_.find(vd);
  if (it != vars_.end()) return it->second;
  unsigned i = new_loc(loc_kind::variable, vd->getNameAsString(), vd->getLocation(), depth_);
  g_.at(i).decl = vd;
  vars_[vd] = i;
  return i;
}

// ---- functions ---------------------------------------------------------

void graph_builder::impl::prepare(const FunctionDecl* fd) {
  fn_ = fd;
  function_locations& fl = functions[fd];
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
    // One per capture, in the order of the closure's fields (closures).
    if (md->getParent()->isLambda())
      for (const LambdaCapture& cap : md->getParent()->captures()) {
        std::string name = cap.capturesThis()       ? "this"
                           : cap.capturesVariable() ? cap.getCapturedVar()->getNameAsString()
                                                    : "?";
        fl.captures.push_back(new_loc(loc_kind::param, "{capture " + name + "}", fd->getLocation(), 1));
      }
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

void graph_builder::impl::walk_function(const FunctionDecl* fd) {
  fn_ = fd;
  cur_ = &functions[fd];
  lambda_ = nullptr;
  if (const auto* md = dyn_cast<CXXMethodDecl>(fd); md && md->getParent()->isLambda()) lambda_ = md->getParent();
  depth_ = 1;
  const Stmt* body = fd->getBody();
  looping_labels_.clear();
  find_looping_labels(body);
  if (cur_->coroutine) {
    // The frame keeps the parameters (and `this`) for as long as the task
    // lives: they flow into the result, and so does everything co_returned.
    SourceLocation at = fd->getLocation();
    for (unsigned p : cur_->params) flow(loc_hole(cur_->result, at, "coroutine frame"), p);
    for (unsigned c : cur_->captures) flow(loc_hole(cur_->result, at, "coroutine frame"), c);
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
      QualType ft = init->getMember()           ? init->getMember()->getType()
                    : init->getIndirectMember() ? init->getIndirectMember()->getType()
                                                : e->getType();
      init_into(loc_hole(cur_->this_obj, e->getExprLoc(), "member initializer"), ft, e);
    }
  }
  if (body) stmt(body);
  if (const auto* dd = dyn_cast<CXXDestructorDecl>(fd); dd && cur_->this_loc >= 0) {
    unsigned self = static_cast<unsigned>(cur_->this_loc);
    // The standard library's own machinery (a variant's table of
    // destroyers, a container's pointer arithmetic) is beyond the analysis
    // and publishes nothing; what it holds may: the objects of its template
    // arguments are destroyed on what it holds.
    if (ctx_.getSourceManager().isInSystemHeader(dd->getParent()->getLocation()))
      held_destructors(dd->getParent(), self, fd->getLocation());
    else
      subobject_destructors(dd->getParent(), self, fd->getLocation(), 0);
  }
  // A parameter taken by value is destroyed with what the body left in it
  // (whichever side of the call runs its destructor).
  for (unsigned i = 0; i < fd->getNumParams() && i < cur_->params.size(); ++i) {
    const ParmVarDecl* p = fd->getParamDecl(i);
    if (!p->getType()->isReferenceType()) destructor_call(p->getType(), cur_->params[i], p->getLocation(), 0);
  }
  fn_ = nullptr;
  cur_ = nullptr;
}

// Labels a goto jumps back to; with a computed goto (`goto *p`), every label
// whose address is taken.
void graph_builder::impl::find_looping_labels(const Stmt* body) {
  const SourceManager& sm = ctx_.getSourceManager();
  std::vector<const Stmt*> work{body};
  bool computed = false;
  std::vector<const LabelDecl*> addressed;
  while (!work.empty()) {
    const Stmt* s = work.back();
    work.pop_back();
    if (!s) continue;
    if (const auto* g = dyn_cast<GotoStmt>(s)) {
      const LabelStmt* target = g->getLabel()->getStmt();
      if (target && !sm.isBeforeInTranslationUnit(g->getBeginLoc(), target->getBeginLoc()))
        looping_labels_.insert(g->getLabel());
    }
    if (isa<IndirectGotoStmt>(s)) computed = true;
    if (const auto* a = dyn_cast<AddrLabelExpr>(s)) addressed.push_back(a->getLabel());
    if (isa<LambdaExpr>(s)) continue;  // a body of its own
    for (const Stmt* c : s->children()) work.push_back(c);
  }
  if (computed) looping_labels_.insert(addressed.begin(), addressed.end());
}

bool graph_builder::impl::is_ctor() const { return isa<CXXConstructorDecl>(fn_); }

hole graph_builder::impl::result_hole(SourceLocation at) { return loc_hole(cur_->result, at, "return"); }

// ---- closures (Go: flowClosure) ----------------------------------------------
//
// A closure is an object whose fields are its captures. Go gives a closure
// one location; gocxx gives each field of it one inside the lambda's
// operator() (function_locations::captures, holding the field's address),
// so its summary says which capture leaks and how. A call that sees only
// the whole closure (a closure passed on, stored, copied) applies every
// field's leaks to the closure's address: what Go does. A call on a
// closure the caller sees field by field -- a local closure only ever
// called (fields.cpp), or a lambda-expression called on the spot -- applies
// each field's leaks to that field alone, so one capture stored away does
// not move its siblings' variables to the heap.
//
// Clang lays a closure's fields out in the order of its captures, one each
// (CXXRecordDecl::getCaptureFields walks them in step): a capture's index
// is its field's.

void graph_builder::impl::lambda(const hole& k, const LambdaExpr* le) {
  init_captures(le, [&](const FieldDecl*) { return k; });
}

void graph_builder::impl::init_captures(const LambdaExpr* le, llvm::function_ref<hole(const FieldDecl*)> field) {
  auto f = le->getLambdaClass()->field_begin();
  auto init = le->capture_init_begin();
  for (const LambdaCapture& cap : le->captures()) {
    const FieldDecl* fd = *f++;
    if (const Expr* ie = *init++) capture_init(field(fd), cap, ie);  // none: a VLA's bound
  }
}

void graph_builder::impl::capture_init(const hole& k, const LambdaCapture& cap, const Expr* ie) {
  hole ck = k.note(cap.getLocation(), "captured by a closure");
  // `this` and by-copy captures hold the value; by-reference captures and
  // reference init-captures hold the address.
  if (cap.getCaptureKind() == LCK_ByRef && !cap.capturesThis()) {
    address(ck.note(cap.getLocation(), "captured by reference"), ie);
  } else if (cap.capturesVariable() && cap.getCapturedVar()->getType()->isReferenceType() &&
             cast<VarDecl>(cap.getCapturedVar())->isInitCapture()) {
    address(ck, ie);
  } else {
    value(ck, ie);  // `this`, and a copy
  }
}

unsigned graph_builder::impl::capture_slot(const LambdaCapture* cap) const {
  auto i = static_cast<size_t>(cap - lambda_->captures_begin());
  return i < cur_->captures.size() ? cur_->captures[i] : static_cast<unsigned>(cur_->this_loc);
}

// Is `vd` a variable of an enclosing function, seen from a lambda body?
const LambdaCapture* graph_builder::impl::capture_of(const ValueDecl* vd) {
  if (!lambda_) return nullptr;
  for (const LambdaCapture& cap : lambda_->captures())
    if (cap.capturesVariable() && cap.getCapturedVar() == vd) return &cap;
  return nullptr;
}

}  // namespace gocxx::escape
