// From Clang's CFG to the concurrency model. The CFG is built with every
// subexpression as an element (setAllAlwaysAdd), so operations come out in
// evaluation order: a channel operand's DeclRefExpr first, then the call on
// it, then the co_await that blocks.
//
// Every use of a slot (a handle variable, a handle field) must be one the
// model understands (the object of an operation, a spawn or call argument or
// capture, a handle copy, a select case); any other use -- passed to a
// function it does not see into, stored, compared, its address taken -- lets
// the object escape: an `escape` operation at that point makes it unknown.
// The same holds for a variable whose object has handle fields, and for
// `this`: a use that is not a field access or a call the model follows lets
// all of its handle fields escape. Uses are settled once the whole body is
// read, because the consuming call comes after its operands.
//
// Calls to the unit's own functions are read as `call` operations and
// spliced (call_splice.hpp); a call the model does not see into, when it
// could reach code of the user's, makes the globals other units can name
// unknown (escape_globals).
#include "model_builder.hpp"

#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Analysis/CFG.h>
#include <clang/Basic/SourceManager.h>
#include <llvm/ADT/BitVector.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "branch_reader.hpp"
#include "call_splice.hpp"
#include "handle_exprs.hpp"
#include "runtime_model/runtime_model.hpp"

namespace gocxx::concurrency {

using namespace clang;

namespace {

// Spawns nested deeper than this are not followed (what they are given
// escapes, and so do the globals).
constexpr int max_spawn_depth = 6;
// Calls nested deeper than this, or that would grow a body past
// max_spliced_blocks, are not followed (their arguments escape).
constexpr int max_call_depth = 4;
constexpr size_t max_spliced_blocks = 1500;

// The handle fields of the object a value, reference or pointer of type t
// holds or denotes (direct fields only).
// A bool the model follows as a flag (sync_model.hpp).
bool is_flag_type(QualType t) { return t->isBooleanType() && !t.isVolatileQualified(); }

// with_flags: the bool fields too.
std::vector<const FieldDecl*> handle_fields(QualType t, bool with_flags = true) {
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

// Functions the model knows do not run the user's code: the runtime's and
// the system headers' -- unless given something callable.
bool is_library(const SourceManager& sm, const FunctionDecl* f) {
  return f->getBuiltinID() != 0 || f->isImplicit() || runtime_model::within_namespace(f, "go") ||
         runtime_model::within_namespace(f, "std") || sm.isInSystemHeader(f->getLocation());
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

struct shared_build {
  std::map<const Decl*, int> index;
  std::set<const Decl*> in_progress;  // bodies being built: a call to one is recursion
};

class body_builder {
 public:
  body_builder(ASTContext& ctx, program& prog, shared_build& shared, int depth, int call_depth)
      : ctx_(ctx), prog_(prog), shared_(shared), depth_(depth), call_depth_(call_depth) {}

  // The index of fn's body in prog_, building it (and what it spawns or
  // calls) once; -1 when it has no CFG.
  int build(const FunctionDecl* fn) {
    if (auto it = shared_.index.find(fn); it != shared_.index.end()) return it->second;
    body b;
    b.decl = fn;
    b.name = describe(fn);
    CFG::BuildOptions options;
    options.setAllAlwaysAdd();
    options.AddImplicitDtors = true;  // where go::defer and mutex guards run
    std::unique_ptr<CFG> cfg = CFG::buildCFG(fn, fn->getBody(), &ctx_, options);
    if (!cfg) return -1;
    int at = static_cast<int>(prog_.bodies.size());
    shared_.index[fn] = at;
    shared_.in_progress.insert(fn);
    prog_.bodies.emplace_back();
    body_ = &b;
    fn_ = fn;
    fn_body_ = fn->getBody();
    find_deferred(fn->getBody());
    settle_guards();
    read_cfg(*cfg, fn);
    settle_uses();
    splice_calls(b, prog_);
    if (at == 0 && fn->isMain()) make_globals();
    forget_single_tests(b);
    find_arms(b);
    taint_unknown_loops(b);
    prog_.bodies[at] = std::move(b);
    shared_.in_progress.erase(fn);
    return at;
  }

 private:
  void fail(std::string why) {
    prog_.usable = false;
    if (prog_.why_not.empty()) prog_.why_not = std::move(why);
  }

  // How messages name the body: 'f', or the function literal by its line
  // (a go::run lambda has no other name).
  std::string describe(const FunctionDecl* fn) const {
    if (const auto* m = dyn_cast<CXXMethodDecl>(fn); m && m->getParent()->isLambda()) {
      const SourceManager& sm = ctx_.getSourceManager();
      return "the function literal at line " + std::to_string(sm.getExpansionLineNumber(m->getParent()->getLocation()));
    }
    return "'" + fn->getNameAsString() + "'";
  }

  int slot_of(const ValueDecl* d) { return body_->slot(slot_key{d}, var_name(d)); }
  int field_slot(const ValueDecl* base, const FieldDecl* f) {
    return body_->slot(slot_key{base, f}, (base ? var_name(base) + "." : "") + f->getName().str());
  }
  int flag_slot_for_var(const VarDecl* v) { return slot_of(v); }
  int result_slot() { return body_->slot(slot_key{nullptr, nullptr, true}, "the result"); }

  // The slot a handle expression denotes, or -1: a handle variable, or a
  // handle field of a variable's object or of *this.
  int slot_for(const Expr* e) {
    if (!e) return -1;
    if (const ValueDecl* v = tracked_var(e)) return slot_of(v);
    const auto* m = dyn_cast<MemberExpr>(strip(e));
    const auto* f = m ? dyn_cast<FieldDecl>(m->getMemberDecl()) : nullptr;
    if (!f || type_of(f->getType()) == sync_type::none) return -1;
    std::optional<const ValueDecl*> base = object_base(m->getBase());
    return base ? field_slot(*base, f) : -1;
  }

  // The slot of a flag expression (`done`, `this->stopped`, `w.ok`), or -1.
  int flag_slot_for(const Expr* e) {
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
  int flag_value(const Expr* e) const {
    bool value = false;
    if (!e || e->isValueDependent() || !e->EvaluateAsBooleanCondition(value, ctx_)) return -1;
    return value ? 1 : 0;
  }

  // `bool b = init;` (a new flag), or a flag field of a new object.
  op make_flag_op(int slot, const Expr* init, SourceLocation loc, int if_none) {
    op o = make_op(op_kind::make_flag, loc, slot);
    o.amount = init ? flag_value(init) : if_none;
    return o;
  }

  // After the above: a condition the model explores both ways that reads
  // state shared between calls -- a field, a global, through *this -- makes
  // either way an assumption (block::assumes).
  void read_assumption(const CFGBlock& b, block& out) {
    if (out.branch != branch_kind::any) return;
    const auto* cond = dyn_cast_or_null<Expr>(b.getTerminatorCondition(true));
    out.assumes = cond && reads_shared_state(cond, 1);
  }

  // `depth`: how many local variables' initialisers are looked into.
  static bool reads_shared_state(const Stmt* s, int depth) {
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

  // After branch_reader: a test of a flag that is not a variable keeping
  // its value (those agree along a path: cond_key).
  void read_flag_test(const CFGBlock& b, block& out) {
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

  op make_op(op_kind k, SourceLocation loc, int slot = -1) {
    op o;
    o.kind = k;
    o.loc = loc;
    o.slot = slot;
    if (slot >= 0) o.text = body_->slot_names[slot];
    return o;
  }

  void emit(op o) { body_->blocks[cur_].ops.push_back(std::move(o)); }

  // A use of a slot, settled by settle_uses(): escapes unless an operation
  // consumed it. A use of an object with handle fields (base: the variable,
  // null for this) lets them all escape.
  void note_use(const Expr* e, int slot) {
    uses_.push_back(pending_use{cur_, body_->blocks[cur_].ops.size(), e, slot, {}, false});
  }
  void note_object_use(const Expr* e, const ValueDecl* base) {
    uses_.push_back(pending_use{cur_, body_->blocks[cur_].ops.size(), e, -1, base, true});
  }
  void consume(const Expr* e) {
    if (!e) return;
    e = strip(e);
    if (isa<DeclRefExpr>(e) || isa<MemberExpr>(e) || isa<CXXThisExpr>(e)) consumed_.insert(e);
  }

  void read_cfg(const CFG& cfg, const FunctionDecl* fn) {
    body_->blocks.resize(cfg.getNumBlockIDs());
    body_->entry = static_cast<int>(cfg.getEntry().getBlockID());
    body_->exit = static_cast<int>(cfg.getExit().getBlockID());
    // The root's parameters come from callers the model does not see; a
    // spawned body's are bound by the spawn, a called one's by the call
    // (unbound ones are unknown).
    for (const CFGBlock* b : cfg) {
      cur_ = static_cast<int>(b->getBlockID());
      if (b == &cfg.getEntry() && shared_.index.at(fn) == 0) {
        for (const ParmVarDecl* p : fn->parameters())
          if (type_of(p->getType()) != sync_type::none)
            emit(make_op(op_kind::make_unknown, p->getLocation(), slot_of(p)));
      }
      for (const CFGElement& el : *b) {
        if (auto s = el.getAs<CFGStmt>()) read_stmt(s->getStmt());
        if (auto d = el.getAs<CFGAutomaticObjDtor>()) {
          run_deferred(d->getVarDecl());
          if (runs_user_code(d->getVarDecl()->getType()))
            emit(make_op(op_kind::escape_globals,
                         d->getTriggerStmt() ? d->getTriggerStmt()->getEndLoc() : SourceLocation()));
        }
      }
      branch_reader(ctx_, *body_, fn_body_).read(*b, body_->blocks[cur_]);
      read_flag_test(*b, body_->blocks[cur_]);
      read_assumption(*b, body_->blocks[cur_]);
    }
  }

  // Whether constructing or destroying a t runs a function of the user's
  // the model does not read (which could touch a global).
  bool runs_user_code(QualType t) const {
    const CXXRecordDecl* rd = runtime_model::record_of(t);
    if (!rd || !rd->hasDefinition() || rd->isLambda()) return false;
    if (runtime_model::within_namespace(rd, "go") || runtime_model::within_namespace(rd, "std") ||
        ctx_.getSourceManager().isInSystemHeader(rd->getLocation()))
      return false;
    const CXXDestructorDecl* d = rd->getDefinition()->getDestructor();
    return d && d->isUserProvided();
  }

  void read_stmt(const Stmt* s) {
    if (const auto* r = dyn_cast<DeclRefExpr>(s)) {
      const auto* v = dyn_cast<VarDecl>(r->getDecl());
      if (!v) return;
      if (type_of(v->getType()) != sync_type::none) return note_use(r, slot_of(v));
      if (int slot = flag_slot_for(r); slot >= 0) return note_use(r, slot);
      if (!handle_fields(v->getType()).empty()) note_object_use(r, v);
      return;
    }
    if (const auto* t = dyn_cast<CXXThisExpr>(s)) {
      if (!handle_fields(t->getType()).empty()) note_object_use(t, nullptr);
      return;
    }
    if (const auto* m = dyn_cast<MemberExpr>(s)) return read_member(m);
    // Reading a flag lets nothing escape; assigning it a constant sets it.
    if (const auto* c = dyn_cast<ImplicitCastExpr>(s); c && c->getCastKind() == CK_LValueToRValue) {
      if (flag_slot_for(c->getSubExpr()) >= 0) consume(c->getSubExpr());
      return;
    }
    if (const auto* a = dyn_cast<BinaryOperator>(s); a && a->getOpcode() == BO_Assign) {
      if (int slot = flag_slot_for(a->getLHS()); slot >= 0) {
        consume(a->getLHS());
        op o = make_op(op_kind::set_flag, a->getOperatorLoc(), slot);
        o.amount = flag_value(a->getRHS());
        emit(o);
      }
      return;
    }
    if (const auto* d = dyn_cast<DeclStmt>(s)) {
      for (const Decl* decl : d->decls())
        if (const auto* v = dyn_cast<VarDecl>(decl)) read_var_init(v);
      return;
    }
    if (const auto* r = dyn_cast<ReturnStmt>(s)) return read_return(r->getRetValue(), r->getReturnLoc());
    if (const auto* r = dyn_cast<CoreturnStmt>(s)) return read_return(r->getOperand(), r->getKeywordLoc());
    if (const auto* d = dyn_cast<DeclStmt>(s))
      for (const Decl* decl : d->decls())
        if (const auto* v = dyn_cast<VarDecl>(decl); v && !handle_fields(v->getType()).empty())
          if (const CXXConstructExpr* c = constructs(v)) var_constructs_.insert(c);
    if (const auto* a = dyn_cast<CoawaitExpr>(s)) return read_await(a);
    if (const auto* m = dyn_cast<CXXMemberCallExpr>(s)) return read_method_call(m);
    if (const auto* o = dyn_cast<CXXOperatorCallExpr>(s)) return read_operator_call(o);
    if (const auto* c = dyn_cast<CallExpr>(s)) return read_call(c);
    // A constructor of the user's runs code the model does not see, unless
    // it builds a variable the model follows (read_object_init splices it).
    if (const auto* c = dyn_cast<CXXConstructExpr>(s)) {
      const CXXConstructorDecl* ctor = c->getConstructor();
      if (ctor && ctor->isUserProvided() && !is_library(ctx_.getSourceManager(), ctor) && !var_constructs_.count(c))
        emit(make_op(op_kind::escape_globals, c->getBeginLoc()));
    }
  }

  // `this->c`, `m.c`, `p->mu`: a field access does not let the object
  // escape; a handle field is a slot of its own.
  void read_member(const MemberExpr* m) {
    const auto* f = dyn_cast<FieldDecl>(m->getMemberDecl());
    if (!f) return;
    if (object_base(m->getBase())) consume(m->getBase());
    if (type_of(f->getType()) == sync_type::none) {
      if (int slot = flag_slot_for(m); slot >= 0) note_use(m, slot);
      return;
    }
    if (int slot = slot_for(m); slot >= 0) note_use(m, slot);
  }

  // `return c;` / `co_return c;`: the result is the handle's object (a
  // spliced call's value). The root's result goes to callers the model does
  // not see: there the handle escapes.
  void read_return(const Expr* value, SourceLocation loc) {
    if (!value || type_of(value->getType()) == sync_type::none || shared_.index.at(fn_) == 0) return;
    int slot = slot_for(value);
    if (slot >= 0) {
      consume(value);
      op o = make_op(op_kind::copy, loc, result_slot());
      o.other = slot;
      return emit(o);
    }
    emit(init_op(type_of(value->getType()), value, result_slot(), loc));
  }

  // `chan<int> c = make_chan<int>(n)`, `wait_group wg;`, `auto d = c;`,
  // `monitor m;` (its handle fields as initialised in the class), ...
  void read_var_init(const VarDecl* v) {
    if (guards_.count(v)) return read_guard(v);
    sync_type t = type_of(v->getType());
    if (is_flag_type(v->getType()) && !v->isStaticLocal()) {
      if (int slot = flag_slot_for_var(v); slot >= 0) emit(make_flag_op(slot, v->getInit(), v->getLocation(), -1));
      return;
    }
    if (t == sync_type::none) return read_object_init(v);
    int slot = slot_of(v);
    SourceLocation loc = v->getLocation();
    if (v->getType()->isReferenceType() || v->getType()->isPointerType()) {
      int from = slot_for(v->getInit());
      if (from >= 0) {
        consume(v->getInit());
        op o = make_op(op_kind::copy, loc, slot);
        o.other = from;
        emit(o);
      } else {
        emit(make_op(op_kind::make_unknown, loc, slot));
      }
      return;
    }
    emit(init_op(t, v->getInit(), slot, loc));
  }

  // `monitor m;`, `server s(addr);`: the handle fields as the constructor
  // leaves them -- its member initialisers (or the class's default ones),
  // then its body, spliced with *this the new object.
  void read_object_init(const VarDecl* v) {
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

  static const CXXConstructExpr* constructs(const VarDecl* v) {
    return v->getInit() ? dyn_cast<CXXConstructExpr>(v->getInit()->IgnoreImplicit()) : nullptr;
  }

  // A handle field of an object v of a class whose default constructor is
  // not the user's: its default member initialiser; else unknown.
  op field_init_op(const VarDecl* v, const FieldDecl* f, SourceLocation loc) {
    int slot = field_slot(v, f);
    const CXXConstructExpr* construct = constructs(v);
    bool defaulted =
        !v->getInit() || (construct && construct->getNumArgs() == 0 && !construct->getConstructor()->isUserProvided());
    if (!defaulted) return make_op(op_kind::make_unknown, loc, slot);
    if (is_flag_type(f->getType())) return make_flag_op(slot, f->getInClassInitializer(), loc, is_global(v) ? 0 : -1);
    return init_op(type_of(f->getType()), f->getInClassInitializer(), slot, loc);
  }

  // A handle field as constructor `ctor` initialises it before its body: its
  // member initialiser if it has one -- unknown when that reads anything of
  // the constructor's -- else its default member initialiser.
  op member_init_op(const VarDecl* v, const FieldDecl* f, const CXXConstructorDecl& ctor) {
    int slot = field_slot(v, f);
    const Expr* init = f->getInClassInitializer();
    for (const CXXCtorInitializer* i : ctor.inits())
      if (i->getMember() == f) init = i->isWritten() ? i->getInit() : init;
    if (init && refers_to_declarations(init)) return make_op(op_kind::make_unknown, v->getLocation(), slot);
    if (is_flag_type(f->getType())) return make_flag_op(slot, init, v->getLocation(), -1);
    return init_op(type_of(f->getType()), init, slot, v->getLocation());
  }

  static bool refers_to_declarations(const Stmt* s) {
    if (!s) return false;
    if (const auto* r = dyn_cast<DeclRefExpr>(s); r && isa<VarDecl>(r->getDecl())) return true;
    if (isa<CXXThisExpr>(s)) return true;
    for (const Stmt* c : s->children())
      if (refers_to_declarations(c)) return true;
    return false;
  }

  // For each assuming block, what its ways do before they meet again (at
  // its nearest post-dominator): which slots their operations use, and
  // whether they make anything.
  static void find_arms(body& b) {
    const size_t n = b.blocks.size();
    std::vector<size_t> assuming;
    for (size_t i = 0; i < n; ++i)
      if (b.blocks[i].assumes) assuming.push_back(i);
    if (assuming.empty()) return;
    std::vector<llvm::BitVector> pdom = post_dominators(b);
    for (size_t at : assuming) {
      // The nearest strict post-dominator: the one with the most of its own.
      int meet = -1;
      for (int p = pdom[at].find_first(); p >= 0; p = pdom[at].find_next(p))
        if (static_cast<size_t>(p) != at && (meet < 0 || pdom[p].count() > pdom[meet].count())) meet = p;
      std::vector<bool> seen(n, false);
      std::vector<int> work(b.blocks[at].succs.begin(), b.blocks[at].succs.end());
      block& bl = b.blocks[at];
      bl.arm_slots.clear();  // a spliced callee's, in its own slots
      bl.arm_makes = false;
      while (!work.empty()) {
        int x = work.back();
        work.pop_back();
        if (x < 0 || x == meet || seen[static_cast<size_t>(x)]) continue;
        seen[static_cast<size_t>(x)] = true;
        for (const op& o : b.blocks[static_cast<size_t>(x)].ops) note_arm_op(bl, o);
        for (int s : b.blocks[static_cast<size_t>(x)].succs) work.push_back(s);
      }
    }
  }

  static void note_arm_op(block& bl, const op& o) {
    switch (o.kind) {
      case op_kind::make_chan:
      case op_kind::make_nil:
      case op_kind::make_timer:
      case op_kind::make_wait_group:
      case op_kind::make_mutex:
      case op_kind::make_rwmutex:
      case op_kind::make_flag:
      case op_kind::spawn:
      case op_kind::escape_globals: bl.arm_makes = true; return;
      default: break;
    }
    for (int s : {o.slot, o.other})
      if (s >= 0) bl.arm_slots.push_back(s);
    for (const select_case& c : o.cases)
      if (c.slot >= 0) bl.arm_slots.push_back(c.slot);
  }

  // pdom[b]: the blocks on every way from b to the exit (b included); a
  // block with no way out has them all.
  static std::vector<llvm::BitVector> post_dominators(const body& b) {
    const size_t n = b.blocks.size();
    std::vector<llvm::BitVector> pdom(n, llvm::BitVector(n, true));
    pdom[static_cast<size_t>(b.exit)].reset();
    pdom[static_cast<size_t>(b.exit)].set(static_cast<unsigned>(b.exit));
    for (bool changed = true; changed;) {
      changed = false;
      for (size_t i = n; i-- > 0;) {
        if (static_cast<int>(i) == b.exit) continue;
        llvm::BitVector next(n, true);
        bool any = false;
        for (int s : b.blocks[i].succs)
          if (s >= 0) {
            next &= pdom[static_cast<size_t>(s)];
            any = true;
          }
        if (!any) next.set();
        next.set(static_cast<unsigned>(i));
        if (next != pdom[i]) {
          pdom[i] = std::move(next);
          changed = true;
        }
      }
    }
    return pdom;
  }

  // A variable tested by one block only: nothing later agrees with what the
  // path decided, so the path need not remember it (a goroutine's facts
  // would otherwise multiply its positions: goroutine_position.cpp).
  static void forget_single_tests(body& b) {
    std::vector<int> tests(b.cond_vars.size(), 0);
    for (const block& bl : b.blocks)
      if (bl.cond_key >= 0) ++tests[static_cast<size_t>(bl.cond_key)];
    for (block& bl : b.blocks)
      if (bl.cond_key >= 0 && tests[static_cast<size_t>(bl.cond_key)] < 2) bl.cond_key = -1;
  }

  // main's entry: every global the program uses gets its object, made as
  // declared; one another unit can name is `external` (escape_globals).
  void make_globals() {
    std::vector<op> made;
    for (size_t i = 0; i < body_->slots.size(); ++i) {
      slot_key key = body_->slots[i];
      const auto* v = dyn_cast_or_null<VarDecl>(key.var);
      if (!v || !is_global(v)) continue;
      op o = key.field ? field_init_op(v, key.field, v->getLocation())
             : is_flag_type(v->getType())
                 ? make_flag_op(static_cast<int>(i), v->getInit(), v->getLocation(), 0)
                 : init_op(type_of(v->getType()), v->getInit(), static_cast<int>(i), v->getLocation());
      o.external = v->isExternallyVisible();
      made.push_back(std::move(o));
    }
    auto& entry = body_->blocks[body_->entry].ops;
    entry.insert(entry.begin(), made.begin(), made.end());
  }

  // `auto g = co_await mu.scoped();`: the mutex g unlocks where it is
  // destroyed.
  static const Expr* guarded_mutex(const VarDecl* v) {
    const CoawaitExpr* a = as_await(v->getInit());
    const auto* call = a ? dyn_cast_or_null<CXXMemberCallExpr>(strip(awaited(a))) : nullptr;
    return call ? call->getImplicitObjectArgument() : nullptr;
  }

  // After find_deferred: a guard that is not used again (g.unlock(), moved
  // away) unlocks at each of its destructors; one that is makes its mutex
  // unknown where it is declared (read_guard).
  void settle_guards() {
    for (auto [v, mu] : guards_)
      if (!guard_refs_.count(v)) guard_unlock_.emplace(v, make_op(op_kind::unlock, v->getLocation(), mu));
  }

  void read_guard(const VarDecl* v) {
    if (guard_refs_.count(v)) emit(make_op(op_kind::escape, v->getLocation(), guards_.at(v)));
  }

  // What `slot = init` makes the slot hold.
  op init_op(sync_type t, const Expr* init, int slot, SourceLocation loc) {
    const Expr* e = init ? strip(init) : nullptr;
    // go::new_<go::mutex>() makes one in the GC heap, as a declaration does.
    bool made = !e || is_default_construction(e) || is_new_of_default(e);
    if (t == sync_type::wait_group) return make_op(made ? op_kind::make_wait_group : op_kind::make_unknown, loc, slot);
    if (t == sync_type::mutex) return make_op(made ? op_kind::make_mutex : op_kind::make_unknown, loc, slot);
    if (t == sync_type::rwmutex) return make_op(made ? op_kind::make_rwmutex : op_kind::make_unknown, loc, slot);
    if (!e || is_default_construction(e)) return make_op(op_kind::make_nil, loc, slot);
    if (isa<CXXNullPtrLiteralExpr>(e)) return make_op(op_kind::make_nil, loc, slot);
    if (int from = slot_for(e); from >= 0) {
      consume(e);
      op o = make_op(op_kind::copy, loc, slot);
      o.other = from;
      return o;
    }
    // The value of a spliced call: `auto c = gen();`, `auto c = co_await f();`.
    const Expr* value = e;
    if (const CoawaitExpr* a = as_await(init)) value = strip(awaited(a));
    if (auto it = call_results_.find(value); it != call_results_.end()) {
      op o = make_op(op_kind::copy, loc, slot);
      o.other = it->second;
      return o;
    }
    if (const auto* call = dyn_cast<CallExpr>(e)) {
      const FunctionDecl* f = call->getDirectCallee();
      if (is_go_function(f, "make_chan")) {
        op o = make_op(op_kind::make_chan, loc, slot);
        if (call->getNumArgs() >= 1 && !call->getArg(0)->isDefaultArgument()) {
          std::optional<int> cap = constant_int(call->getArg(0), ctx_);
          if (!cap || *cap < 0) return make_op(op_kind::make_unknown, loc, slot);
          o.capacity = *cap;
        }
        return o;
      }
      if (is_go_function(f, "after")) return make_op(op_kind::make_timer, loc, slot);
    }
    return make_op(op_kind::make_unknown, loc, slot);
  }

  // go::new_<T>() with no arguments.
  static bool is_new_of_default(const Expr* e) {
    const auto* call = dyn_cast<CallExpr>(e);
    return call && is_go_function(call->getDirectCallee(), "new_") && call->getNumArgs() == 0;
  }

  static bool is_default_construction(const Expr* e) {
    const auto* c = dyn_cast<CXXConstructExpr>(e);
    return c && (c->getNumArgs() == 0 || c->getArg(0)->isDefaultArgument());
  }

  // --- go::defer and mutex guards --------------------------------------------

  // `go::defer d([...] { wg->done(); c.close(); })` whose body is only
  // operations the model knows on captured slots, and `auto g = co_await
  // mu.scoped()` whose guard is not touched again: their operations run
  // where the variable is destroyed (every scope exit: the CFG's implicit
  // destructors). A defer the model cannot read lets its captures escape.
  void find_deferred(const Stmt* s) {
    if (!s) return;
    if (const auto* d = dyn_cast<DeclStmt>(s)) {
      for (const Decl* decl : d->decls())
        if (const auto* v = dyn_cast<VarDecl>(decl)) read_deferred(v);
    }
    if (const auto* r = dyn_cast<DeclRefExpr>(s)) guard_refs_.insert(r->getDecl());
    if (const auto* d = dyn_cast<DeclStmt>(s))
      for (const Decl* decl : d->decls())
        if (const auto* v = dyn_cast<VarDecl>(decl); v && !handle_fields(v->getType()).empty())
          if (const CXXConstructExpr* c = constructs(v)) var_constructs_.insert(c);
    if (const auto* a = dyn_cast<CoawaitExpr>(s))
      if (const auto* call = dyn_cast_or_null<CallExpr>(strip(awaited(a)))) awaited_task_calls_.insert(call);
    if (isa<LambdaExpr>(s)) return;  // a body of its own
    for (const Stmt* c : s->children()) find_deferred(c);
  }

  void read_deferred(const VarDecl* v) {
    const CXXRecordDecl* rd = runtime_model::record_of(v->getType());
    if (!rd || !runtime_model::in_top_namespace(rd, "go") || !v->getInit()) return;
    llvm::StringRef name = runtime_model::record_or_template_name(rd);
    if (name == "mutex_guard") {
      if (int mu = slot_for(guarded_mutex(v)); mu >= 0) guards_[v] = mu;
      return;
    }
    if (name != "defer") return;
    const auto* construct = dyn_cast<CXXConstructExpr>(v->getInit()->IgnoreImplicit());
    if (!construct || construct->getNumArgs() < 1) return;
    const auto* lambda = dyn_cast<LambdaExpr>(strip(construct->getArg(0)));
    const auto* stmts = lambda ? dyn_cast_or_null<CompoundStmt>(lambda->getBody()) : nullptr;
    if (!stmts) return;
    std::vector<op> ops;
    std::vector<const Expr*> operands;
    for (const Stmt* st : stmts->body()) {
      const auto* e = dyn_cast<Expr>(st);
      const auto* call = e ? dyn_cast<CXXMemberCallExpr>(e->IgnoreImplicit()) : nullptr;
      sync_type on = sync_type::none;
      const CXXMethodDecl* m = call ? method_of(call, on) : nullptr;
      int var = call ? slot_for(call->getImplicitObjectArgument()) : -1;
      if (!m || var < 0) return;
      llvm::StringRef mn = m->getName();
      op_kind k;
      if (on == sync_type::chan && mn == "close")
        k = op_kind::close;
      else if (on == sync_type::wait_group && mn == "done")
        k = op_kind::wg_done;
      else if ((on == sync_type::mutex || on == sync_type::rwmutex) && mn == "unlock")
        k = op_kind::unlock;
      else if (on == sync_type::rwmutex && mn == "runlock")
        k = op_kind::runlock;
      else
        return;
      ops.push_back(make_op(k, call->getExprLoc(), var));
    }
    for (const Expr* init : lambda->capture_inits())
      if (init) consume(init);
    deferred_[v] = std::move(ops);
  }

  void run_deferred(const VarDecl* v) {
    if (auto it = deferred_.find(v); it != deferred_.end())
      for (const op& o : it->second) emit(o);
    if (auto it = guard_unlock_.find(v); it != guard_unlock_.end()) emit(it->second);
  }

  void read_await(const CoawaitExpr* a) {
    const Expr* e = awaited(a);
    if (const CXXConstructExpr* sel = as_select(e)) return read_select(sel, a->getBeginLoc());
    const auto* call = dyn_cast_or_null<CXXMemberCallExpr>(strip(e));
    if (!call) return;
    sync_type on = sync_type::none;
    const CXXMethodDecl* m = method_of(call, on);
    if (!m || !is_blocking_method(on, m->getName())) return;
    awaited_calls_.insert(call);
    const Expr* object = call->getImplicitObjectArgument();
    int slot = slot_for(object);
    if (slot >= 0) consume(object);
    llvm::StringRef name = m->getName();
    op_kind k = name == "send"                       ? op_kind::send
                : name == "next"                     ? op_kind::next
                : name == "wait"                     ? op_kind::wg_wait
                : name == "rlock"                    ? op_kind::rlock
                : name == "lock" || name == "scoped" ? op_kind::lock
                                                     : op_kind::recv;
    op o = make_op(k, call->getExprLoc(), slot);
    if (slot < 0) o.text = "a channel";
    if (name == "recv_ok") o.amount = 1;  // its result is tested like next()'s
    emit(o);
  }

  void read_select(const CXXConstructExpr* sel, SourceLocation loc) {
    op o = make_op(op_kind::select, loc);
    for (const Expr* arg : sel->arguments()) {
      if (isa<CXXDefaultArgExpr>(arg)) continue;  // the std::source_location
      const auto* call = dyn_cast_or_null<CallExpr>(strip(arg));
      const FunctionDecl* f = call ? call->getDirectCallee() : nullptr;
      if (is_go_function(f, "on_default")) {
        o.has_default = true;
        continue;
      }
      select_case c;
      c.loc = arg->getBeginLoc();
      c.is_send = is_go_function(f, "on_send");
      if (call && (c.is_send || is_go_function(f, "on_recv")) && call->getNumArgs() >= 1) {
        const Expr* ch = call->getArg(0);
        if (int slot = slot_for(ch); slot >= 0) {
          consume(ch);
          c.slot = slot;
        } else if (const auto* inner = dyn_cast<CallExpr>(strip(ch));
                   inner && is_go_function(inner->getDirectCallee(), "after")) {
          // go::on_recv(go::after(d)): a timer of its own, made just before.
          c.slot = body_->slot(slot_key{}, "go::after(...)");
          emit(make_op(op_kind::make_timer, inner->getBeginLoc(), c.slot));
        }
      }
      o.cases.push_back(c);
    }
    emit(o);
  }

  // The operation a non-blocking method of a handle is, if the model
  // follows it.
  static std::optional<op_kind> handle_method(sync_type on, llvm::StringRef name) {
    if (on == sync_type::chan && name == "close") return op_kind::close;
    if (on == sync_type::wait_group && name == "add") return op_kind::wg_add;
    if (on == sync_type::wait_group && name == "done") return op_kind::wg_done;
    if ((on == sync_type::mutex || on == sync_type::rwmutex) && name == "unlock") return op_kind::unlock;
    if (on == sync_type::rwmutex && name == "runlock") return op_kind::runlock;
    return std::nullopt;
  }

  void read_method_call(const CXXMemberCallExpr* call) {
    sync_type on = sync_type::none;
    const CXXMethodDecl* m = method_of(call, on);
    if (!m) return read_user_call(call);
    llvm::StringRef name = m->getName();
    const Expr* object = call->getImplicitObjectArgument();
    int slot = slot_for(object);
    if (is_blocking_method(on, name)) {
      // Settled at its co_await; one that is never awaited lets the object
      // escape (settle_uses).
      unawaited_.push_back(pending_call{cur_, body_->blocks[cur_].ops.size(), call, slot});
      return;
    }
    if (on == sync_type::chan && (name == "len" || name == "cap")) {
      if (slot >= 0) consume(object);
      return;
    }
    std::optional<op_kind> k = handle_method(on, name);
    if (!k) return;  // try_lock, scoped, ...: the use escapes
    if (slot >= 0) consume(object);
    op o = make_op(*k, call->getExprLoc(), slot);
    if (slot < 0) o.text = "an object";
    if (k == op_kind::wg_add) {
      std::optional<int> n = call->getNumArgs() == 1 ? constant_int(call->getArg(0), ctx_) : std::nullopt;
      if (!n) {
        consumed_.erase(strip(object));  // an unknown count: the wait group escapes
        return;
      }
      o.amount = *n;
    }
    emit(o);
  }

  // `d = c;` and `c = go::make_chan<int>();`; another operator of the
  // user's is a call the model does not see into.
  void read_operator_call(const CXXOperatorCallExpr* call) {
    if (call->getOperator() == OO_Equal && call->getNumArgs() == 2) {
      if (int to = slot_for(call->getArg(0)); to >= 0) {
        consume(call->getArg(0));
        emit(init_op(type_of(call->getArg(0)->getType()), call->getArg(1), to, call->getExprLoc()));
        return;
      }
    }
    const FunctionDecl* f = call->getDirectCallee();
    // A library operator given something callable (a std::function called:
    // its object is argument 0) may run the user's code.
    if (!f || !is_library(ctx_.getSourceManager(), f) || has_callable_argument(call))
      emit(make_op(op_kind::escape_globals, call->getExprLoc()));
  }

  void read_call(const CallExpr* call) {
    const FunctionDecl* f = call->getDirectCallee();
    if (is_go_function(f, "spawn")) return read_spawn(call);
    if (is_go_function(f, "run")) return read_run(call);
    read_user_call(call);
  }

  static bool has_callable_argument(const CallExpr* call) {
    for (const Expr* a : call->arguments())
      if (is_callable(a->getType())) return true;
    return false;
  }

  // A call of a function that is not the runtime's handle method: spliced
  // when the unit defines it and the model can follow it; else, when it
  // could run the user's code, the globals escape (and so do the handles
  // given to it, which nothing consumed).
  void read_user_call(const CallExpr* call) {
    const FunctionDecl* f = call->getDirectCallee();
    if (f && is_library(ctx_.getSourceManager(), f)) {
      const auto* mc = dyn_cast<CXXMemberCallExpr>(call);
      if (has_callable_argument(call) || (mc && is_callable(mc->getImplicitObjectArgument()->getType())))
        emit(make_op(op_kind::escape_globals, call->getBeginLoc()));
      return;
    }
    const FunctionDecl* def = f ? f->getDefinition() : nullptr;
    int idx = def ? splice_target(call, def) : -1;
    if (idx < 0) return emit(make_op(op_kind::escape_globals, call->getBeginLoc()));
    std::optional<const ValueDecl*> base;
    if (const auto* mc = dyn_cast<CXXMemberCallExpr>(call)) {
      const Expr* object = mc->getImplicitObjectArgument();
      base = object_base(object);
      if (base) consume(object);
    }
    std::vector<const Expr*> args(call->arg_begin(), call->arg_end());
    emit_call(call_op(call, def, idx, args, base));
  }

  // A call whose callee does nothing the model sees is left out; one that
  // only calls what the model does not see is one escape_globals.
  void emit_call(op o) {
    const body& cb = prog_.bodies[static_cast<size_t>(o.callee)];
    const auto* callee = dyn_cast<FunctionDecl>(cb.decl);
    // A flag of the callee's own (a local, a parameter) only matters to
    // the callee's other operations.
    auto own_flag = [&](const op& x) {
      if ((x.kind != op_kind::make_flag && x.kind != op_kind::set_flag) || x.slot < 0) return false;
      const slot_key& k = cb.slots[static_cast<size_t>(x.slot)];
      return !k.nameable() ||
             (k.var && !k.field && !is_global(k.var) && callee && callee->Encloses(k.var->getDeclContext()));
    };
    bool any = false, only_unknown_calls = true;
    for (const block& b : cb.blocks)
      for (const op& x : b.ops) {
        if (own_flag(x)) continue;
        any = true;
        only_unknown_calls = only_unknown_calls && x.kind == op_kind::escape_globals;
      }
    if (!any) return;
    if (only_unknown_calls) return emit(make_op(op_kind::escape_globals, o.loc));
    emit(std::move(o));
  }

  // The call of spliced body idx (function def) at `site`, its arguments
  // bound, its *this the object of `base` (none: fresh, unknown fields).
  op call_op(const Expr* site, const FunctionDecl* def, int idx, const std::vector<const Expr*>& args,
             std::optional<const ValueDecl*> base) {
    op o = make_op(op_kind::call, site->getBeginLoc());
    o.callee = idx;
    const body& cb = prog_.bodies[idx];
    for (unsigned i = 0; i < args.size() && i < def->getNumParams(); ++i)
      bind_argument(o, cb, def, def->getParamDecl(i), args[i]);
    if (base) o.bases.push_back({nullptr, *base});
    if (callee_slot(cb, slot_key{nullptr, nullptr, true}) >= 0) {
      o.result = body_->slot(slot_key{}, def->getNameAsString() + "()");
      call_results_[site] = o.result;
    }
    return o;
  }

  // The callee's body when the call can be spliced, else -1: a definition
  // the unit has, not virtual, not a recursion, not too deep or too big; a
  // coroutine only where it is awaited at once (a task kept for later runs
  // who knows when).
  int splice_target(const Expr* call, const FunctionDecl* def) {
    if (!def->hasBody() || def->isDependentContext() || shared_.in_progress.count(def) || call_depth_ >= max_call_depth)
      return -1;
    if (const auto* m = dyn_cast<CXXMethodDecl>(def); m && m->isVirtual()) return -1;
    if (returns_task(def) && !awaited_task_calls_.count(call)) return -1;
    int idx = body_builder(ctx_, prog_, shared_, depth_, call_depth_ + 1).build(def);
    if (idx < 0 || shared_.in_progress.count(def)) return -1;
    spliced_blocks_ += prog_.bodies[idx].blocks.size();
    if (body_->blocks.size() + spliced_blocks_ > max_spliced_blocks) return -1;
    return idx;
  }

  // Whether copying a t copies its handle fields (the same objects): the
  // class's copy is not the user's.
  static bool copies_handles(QualType t) {
    const CXXRecordDecl* rd = runtime_model::record_of(t.getNonReferenceType());
    return rd && rd->hasDefinition() && !rd->getDefinition()->hasUserDeclaredCopyConstructor() &&
           !rd->getDefinition()->hasUserDeclaredMoveConstructor();
  }

  static int callee_slot(const body& cb, const slot_key& key) {
    for (size_t i = 0; i < cb.slots.size(); ++i)
      if (cb.slots[i] == key) return static_cast<int>(i);
    return -1;
  }

  static bool writes(const body& cb, int slot) {
    for (const block& b : cb.blocks)
      for (const op& o : b.ops)
        if (o.slot == slot && (o.kind == op_kind::copy || o.kind == op_kind::make_chan || o.kind == op_kind::make_nil ||
                               o.kind == op_kind::make_unknown || o.kind == op_kind::make_timer))
          return true;
    return false;
  }

  // Parameter p of a spliced callee, given `arg`: a handle parameter is
  // bound to the argument's object (copied back when it is a reference the
  // callee assigns); a pointer or reference to an object with handle fields
  // makes the callee's fields of p the caller's fields of that object.
  void bind_argument(op& o, const body& cb, const FunctionDecl* def, const ParmVarDecl* p, const Expr* arg) {
    QualType t = p->getType();
    if (type_of(t) != sync_type::none) {
      int from = slot_for(arg);
      if (from >= 0) consume(arg);
      int to = callee_slot(cb, slot_key{p});
      if (to < 0) return;
      o.bindings.push_back({to, from});
      if (from >= 0 && t->isLValueReferenceType() && writes(cb, to)) o.copy_back.push_back({from, to});
      return;
    }
    if (handle_fields(t).empty()) return;
    std::optional<const ValueDecl*> base = object_base(arg);
    if (!base) return;
    if (!(t->isReferenceType() || t->isPointerType())) {
      // A copy: its handle fields are the argument's objects at the call.
      if (!copies_handles(t)) return;
      consume(arg);
      // Its flags are the copy's own: unknown.
      for (size_t i = 0; i < cb.slots.size(); ++i)
        if (cb.slots[i].var == p && cb.slots[i].field && !is_flag_type(cb.slots[i].field->getType()))
          o.bindings.push_back({static_cast<int>(i), field_slot(*base, cb.slots[i].field)});
      return;
    }
    if (t->isPointerType() && assigned_in(def->getBody(), p)) return;
    consume(arg);
    o.bases.push_back({p, *base});
  }

  // The body a go::spawn or go::run callable runs, and its lambda if any.
  static const FunctionDecl* callable_body(const Expr* fn_expr, const LambdaExpr*& lambda) {
    fn_expr = strip(fn_expr);
    lambda = dyn_cast<LambdaExpr>(fn_expr);
    const FunctionDecl* callee = nullptr;
    if (lambda)
      callee = lambda->getCallOperator();
    else if (const auto* r = dyn_cast<DeclRefExpr>(fn_expr))
      callee = dyn_cast<FunctionDecl>(r->getDecl());
    if (callee) callee = callee->getDefinition();
    if (!callee || !callee->hasBody() || callee->isDependentContext()) return nullptr;
    return callee;
  }

  // What a lambda captures, as (callee key, caller slot) pairs: its handle
  // variables, and the handle fields of the objects it captures (this, or a
  // variable).
  std::vector<std::pair<slot_key, int>> captured(const LambdaExpr* lambda, const body& cb) {
    std::vector<std::pair<slot_key, int>> out;
    if (!lambda) return out;
    for (unsigned i = 0; i < lambda->capture_size(); ++i) {
      const LambdaCapture& cap = lambda->capture_begin()[i];
      const Expr* init = lambda->capture_init_begin()[i];
      if (cap.capturesThis()) {
        if (init) consume(init);
        for (const slot_key& k : cb.slots)
          if (k.field && !k.var) out.push_back({k, field_slot(nullptr, k.field)});
        continue;
      }
      if (!cap.capturesVariable()) continue;
      const auto* var = dyn_cast<VarDecl>(cap.getCapturedVar());
      if (!var) continue;
      if (is_flag_type(var->getType()) && cap.getCaptureKind() == LCK_ByRef) {
        if (init) consume(init);
        out.push_back({slot_key{var}, slot_of(var)});
        continue;
      }
      if (type_of(var->getType()) == sync_type::none) {
        if (handle_fields(var->getType()).empty() || var->isInitCapture()) continue;
        if (init) consume(init);
        // A copy's flags are its own (unknown); a reference's are the object's.
        for (const slot_key& k : cb.slots)
          if (k.field && k.var == var && (cap.getCaptureKind() == LCK_ByRef || !is_flag_type(k.field->getType())))
            out.push_back({k, field_slot(var, k.field)});
        continue;
      }
      if (var->isInitCapture()) {
        int from = slot_for(var->getInit());
        if (from < 0) continue;
        consume(var->getInit());
        out.push_back({slot_key{var}, from});
      } else {
        if (init) consume(init);
        out.push_back({slot_key{var}, slot_of(var)});
      }
    }
    return out;
  }

  // go::run(f): the program's main goroutine runs f's body, as a call.
  void read_run(const CallExpr* call) {
    const LambdaExpr* lambda = nullptr;
    const FunctionDecl* callee = call->getNumArgs() >= 1 ? callable_body(call->getArg(0), lambda) : nullptr;
    int idx = callee && !shared_.in_progress.count(callee) && call_depth_ < max_call_depth
                  ? body_builder(ctx_, prog_, shared_, depth_, call_depth_ + 1).build(callee)
                  : -1;
    if (idx >= 0 && !shared_.in_progress.count(callee)) {
      spliced_blocks_ += prog_.bodies[idx].blocks.size();
      if (body_->blocks.size() + spliced_blocks_ > max_spliced_blocks) idx = -1;
    }
    if (idx < 0) return emit(make_op(op_kind::escape_globals, call->getBeginLoc()));
    op o = make_op(op_kind::call, call->getBeginLoc());
    o.callee = idx;
    const body& cb = prog_.bodies[idx];
    for (auto& [key, from] : captured(lambda, cb))
      if (int to = callee_slot(cb, key); to >= 0) {
        o.bindings.push_back({to, from});
        if (writes(cb, to)) o.copy_back.push_back({from, to});
      }
    emit_call(std::move(o));
  }

  void read_spawn(const CallExpr* call) {
    op o = make_op(op_kind::spawn, call->getBeginLoc());
    if (call->getNumArgs() < 1) return;
    const LambdaExpr* lambda = nullptr;
    const FunctionDecl* callee = callable_body(call->getArg(0), lambda);
    // An unknown goroutine: nothing it is given is consumed, so it escapes.
    if (!callee || depth_ >= max_spawn_depth) return emit(make_op(op_kind::escape_globals, call->getBeginLoc()));
    int idx = body_builder(ctx_, prog_, shared_, depth_ + 1, 0).build(callee);
    if (idx < 0)
      return fail("no CFG for the goroutine spawned at " + call->getBeginLoc().printToString(ctx_.getSourceManager()));
    o.callee = idx;
    const body& cb = prog_.bodies[idx];
    std::vector<std::pair<slot_key, int>> from = captured(lambda, cb);
    // Spawn arguments are copied into the goroutine: bind the callee's
    // handle parameters to the objects the arguments hold, and its fields
    // of a pointer parameter to the object's.
    for (unsigned i = 1; i < call->getNumArgs() && i - 1 < callee->getNumParams(); ++i) {
      const ParmVarDecl* p = callee->getParamDecl(i - 1);
      const Expr* arg = call->getArg(i);
      if (type_of(p->getType()) != sync_type::none) {
        int s = slot_for(arg);
        if (s < 0) continue;
        consume(arg);
        from.push_back({slot_key{p}, s});
      } else if (!handle_fields(p->getType()).empty() && !p->getType()->isReferenceType() &&
                 (p->getType()->isPointerType() ? !assigned_in(callee->getBody(), p) : copies_handles(p->getType()))) {
        std::optional<const ValueDecl*> base = object_base(arg);
        if (!base) continue;
        consume(arg);
        // A copy's flags are its own (unknown); a pointer's are the object's.
        for (const slot_key& k : cb.slots)
          if (k.field && k.var == p && (p->getType()->isPointerType() || !is_flag_type(k.field->getType())))
            from.push_back({k, field_slot(*base, k.field)});
      }
    }
    // Globals are the same objects in every goroutine.
    for (const slot_key& k : cb.slots)
      if (k.var && is_global(k.var)) from.push_back({k, body_->slot(k, cb.slot_names[callee_slot(cb, k)])});
    for (auto& [key, slot] : from)
      if (int to = callee_slot(cb, key); to >= 0) o.bindings.push_back({to, slot});
    emit(o);
  }

  struct pending_use {
    int block;
    size_t index;
    const Expr* expr;
    int slot;
    const ValueDecl* base;  // an object use: its variable, null for this
    bool object;
  };
  struct pending_call {
    int block;
    size_t index;
    const CXXMemberCallExpr* call;
    int slot;
  };

  // Inserts an escape for every use no operation consumed, where it was.
  void settle_uses() {
    std::vector<std::pair<std::pair<int, size_t>, op>> inserts;
    for (const pending_use& u : uses_) {
      if (consumed_.count(u.expr)) continue;
      auto at = std::make_pair(u.block, u.index);
      if (!u.object) {
        inserts.push_back({at, make_op(op_kind::escape, u.expr->getExprLoc(), u.slot)});
        continue;
      }
      for (const FieldDecl* f : handle_fields(u.expr->getType()))
        inserts.push_back({at, make_op(op_kind::escape, u.expr->getExprLoc(), field_slot(u.base, f))});
    }
    for (const pending_call& c : unawaited_) {
      if (awaited_calls_.count(c.call) || c.slot < 0) continue;
      inserts.push_back({{c.block, c.index}, make_op(op_kind::escape, c.call->getExprLoc(), c.slot)});
    }
    // Back to front, so that earlier indices stay valid.
    std::stable_sort(inserts.begin(), inserts.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (auto& [at, o] : inserts) {
      auto& ops = body_->blocks[at.first].ops;
      ops.insert(ops.begin() + static_cast<long>(at.second), std::move(o));
    }
  }

  ASTContext& ctx_;
  program& prog_;
  shared_build& shared_;
  int depth_;       // of spawns
  int call_depth_;  // of calls being spliced
  body* body_ = nullptr;
  const FunctionDecl* fn_ = nullptr;
  const Stmt* fn_body_ = nullptr;
  int cur_ = 0;
  size_t spliced_blocks_ = 0;
  std::vector<pending_use> uses_;
  std::set<const Expr*> consumed_;
  std::vector<pending_call> unawaited_;
  std::set<const CXXMemberCallExpr*> awaited_calls_;
  std::set<const Expr*> awaited_task_calls_;          // `co_await f(...)`
  std::set<const CXXConstructExpr*> var_constructs_;  // what constructs a variable
  std::map<const Expr*, int> call_results_;           // a spliced call -> the slot of its value
  std::map<const VarDecl*, std::vector<op>> deferred_;
  std::map<const VarDecl*, int> guards_;  // guard -> its mutex's slot
  std::set<const ValueDecl*> guard_refs_;
  std::map<const VarDecl*, op> guard_unlock_;
};

class creates_visitor : public RecursiveASTVisitor<creates_visitor> {
 public:
  bool found = false;
  bool VisitVarDecl(VarDecl* v) {
    if (!isa<ParmVarDecl>(v) && !v->getType()->isReferenceType() && !v->getType()->isPointerType() &&
        (type_of(v->getType()) != sync_type::none || !handle_fields(v->getType(), /*with_flags=*/false).empty()))
      found = true;
    return !found;
  }
  bool TraverseLambdaExpr(LambdaExpr*) { return true; }  // its own function
};

}  // namespace

bool creates_sync_objects(const FunctionDecl* fn) {
  if (!fn->hasBody()) return false;
  if (fn->isMain()) return true;  // the program's globals are made for it
  creates_visitor v;
  v.TraverseStmt(fn->getBody());
  return v.found;
}

program build_program(ASTContext& ctx, const FunctionDecl* fn) {
  program p;
  shared_build shared;
  if (body_builder(ctx, p, shared, 0, 0).build(fn) < 0) {
    p.usable = false;
    p.why_not = "no CFG for " + fn->getNameAsString();
  }
  return p;
}

}  // namespace gocxx::concurrency
