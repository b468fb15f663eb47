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
#include <clang/Lex/Lexer.h>

#include <algorithm>
#include <memory>

#include "branch_reader.hpp"
#include "call_splice.hpp"
#include "model_builder_impl.hpp"
#include "runtime_model/runtime_model.hpp"

namespace gocxx::concurrency {

namespace model_detail {

// The index of fn's body in prog_, building it (and what it spawns or
// calls) once; -1 when it has no CFG.
int body_builder::build(const FunctionDecl* fn) {
  if (auto it = shared_.index.find(fn); it != shared_.index.end()) return it->second;
  body b;
  b.decl = fn;
  b.name = describe(fn);
  find_entry(b, fn);
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
  find_cancellers(fn->getBody());
  find_statements(fn->getBody());
  loop_indices_ = loop_indices(fn->getBody());
  find_deferred(fn->getBody());
  settle_guards();
  read_cfg(*cfg, fn);
  resolve_index_tests(b);
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

void body_builder::find_entry(body& b, const FunctionDecl* fn) const {
  const Stmt* outer = fn->getBody();
  if (const auto* coro = dyn_cast_or_null<CoroutineBodyStmt>(outer)) outer = coro->getBody();
  const auto* block = dyn_cast_or_null<CompoundStmt>(outer);
  if (!block || block->getLBracLoc().isMacroID() || block->getRBracLoc().isMacroID()) return;
  const SourceManager& sm = ctx_.getSourceManager();
  // The first statement's column when it starts a line of its own, else two
  // more than the line holding the `{`.
  unsigned column = 0;
  SourceLocation open = block->getLBracLoc();
  if (!block->body_empty()) {
    SourceLocation first = sm.getExpansionLoc(block->body_front()->getBeginLoc());
    if (sm.getExpansionLineNumber(first) != sm.getExpansionLineNumber(open))
      column = sm.getExpansionColumnNumber(first) - 1;
  }
  if (column == 0) {
    bool invalid = false;
    llvm::StringRef buffer = sm.getBufferData(sm.getFileID(open), &invalid);
    if (invalid) return;
    unsigned offset = sm.getFileOffset(open);
    unsigned line_start = offset;
    while (line_start > 0 && buffer[line_start - 1] != '\n') --line_start;
    unsigned indent = 0;
    while (line_start + indent < offset && (buffer[line_start + indent] == ' ' || buffer[line_start + indent] == '\t'))
      ++indent;
    column = indent + 2;
  }
  b.entry_at = open.getLocWithOffset(1);
  b.entry_indent.assign(column, ' ');
}

void body_builder::fail(std::string why) {
  prog_.usable = false;
  if (prog_.why_not.empty()) prog_.why_not = std::move(why);
}

// How messages name the body: 'f', or the function literal by its line
// (a go::run lambda has no other name).
std::string body_builder::describe(const FunctionDecl* fn) const {
  if (const auto* m = dyn_cast<CXXMethodDecl>(fn); m && m->getParent()->isLambda()) {
    const SourceManager& sm = ctx_.getSourceManager();
    return "the function literal at line " + std::to_string(sm.getExpansionLineNumber(m->getParent()->getLocation()));
  }
  return "'" + fn->getNameAsString() + "'";
}

int body_builder::field_slot(const ValueDecl* base, const FieldDecl* f) {
  return body_->slot(slot_key{base, f}, (base ? var_name(base) + "." : "") + f->getName().str());
}

// The slot a handle expression denotes, or -1: a handle variable, or a
// handle field of a variable's object or of *this.
int body_builder::slot_for(const Expr* e) {
  if (!e) return -1;
  if (const ValueDecl* v = tracked_var(e)) return slot_of(v);
  const auto* m = dyn_cast<MemberExpr>(strip(e));
  const auto* f = m ? dyn_cast<FieldDecl>(m->getMemberDecl()) : nullptr;
  if (!f || type_of(f->getType()) == sync_type::none) return -1;
  std::optional<const ValueDecl*> base = object_base(m->getBase());
  return base ? field_slot(*base, f) : -1;
}

op body_builder::make_op(op_kind k, SourceLocation loc, int slot) {
  op o;
  o.kind = k;
  o.loc = loc;
  o.slot = slot;
  o.origin = fn_;
  if (slot >= 0) o.text = body_->slot_names[slot];
  return o;
}

// A use of a slot, settled by settle_uses(): escapes unless an operation
// consumed it. A use of an object with handle fields (base: the variable,
// null for this) lets them all escape.
void body_builder::note_use(const Expr* e, int slot) {
  uses_.push_back(pending_use{cur_, body_->blocks[cur_].ops.size(), e, slot, {}, false});
}

void body_builder::note_object_use(const Expr* e, const ValueDecl* base) {
  uses_.push_back(pending_use{cur_, body_->blocks[cur_].ops.size(), e, -1, base, true});
}

void body_builder::consume(const Expr* e) {
  if (!e) return;
  e = strip(e);
  if (isa<DeclRefExpr>(e) || isa<MemberExpr>(e) || isa<CXXThisExpr>(e)) consumed_.insert(e);
}

void body_builder::read_cfg(const CFG& cfg, const FunctionDecl* fn) {
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
    branch_reader(ctx_, *body_, fn_body_, loop_indices_).read(*b, body_->blocks[cur_]);
    read_flag_test(*b, body_->blocks[cur_]);
    read_assumption(*b, body_->blocks[cur_]);
  }
}

// Whether constructing or destroying a t runs a function of the user's
// the model does not read (which could touch a global).
bool body_builder::runs_user_code(QualType t) const {
  const CXXRecordDecl* rd = runtime_model::record_of(t);
  if (!rd || !rd->hasDefinition() || rd->isLambda()) return false;
  if (runtime_model::within_namespace(rd, "go") || runtime_model::within_namespace(rd, "std") ||
      ctx_.getSourceManager().isInSystemHeader(rd->getLocation()))
    return false;
  const CXXDestructorDecl* d = rd->getDefinition()->getDestructor();
  return d && d->isUserProvided();
}

void body_builder::read_stmt(const Stmt* s) {
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
    for (const Decl* decl : d->decls()) {
      if (const auto* dd = dyn_cast<DecompositionDecl>(decl); dd && read_context(dd)) continue;
      if (const auto* v = dyn_cast<VarDecl>(decl)) read_var_init(v);
    }
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
void body_builder::read_member(const MemberExpr* m) {
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
void body_builder::read_return(const Expr* value, SourceLocation loc) {
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
void body_builder::read_var_init(const VarDecl* v) {
  if (guards_.count(v)) return read_guard(v);
  sync_type t = type_of(v->getType());
  if (is_flag_type(v->getType()) && !v->isStaticLocal()) {
    emit(make_flag_op(slot_of(v), v->getInit(), v->getLocation(), -1));
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

// What `slot = init` makes the slot hold.
op body_builder::init_op(sync_type t, const Expr* init, int slot, SourceLocation loc) {
  const Expr* e = init ? strip(init) : nullptr;
  // go::new_<go::mutex>() makes one in the GC heap, as a declaration does.
  bool made = !e || is_default_construction(e) || is_new_of_default(e);
  if (t == sync_type::wait_group) return make_op(made ? op_kind::make_wait_group : op_kind::make_unknown, loc, slot);
  if (t == sync_type::mutex) return make_op(made ? op_kind::make_mutex : op_kind::make_unknown, loc, slot);
  if (t == sync_type::rwmutex) return make_op(made ? op_kind::make_rwmutex : op_kind::make_unknown, loc, slot);
  if (t == sync_type::cond) return cond_init_op(e, slot, loc);
  if (t == sync_type::once) return make_op(made ? op_kind::make_once : op_kind::make_unknown, loc, slot);
  if (t == sync_type::timer || t == sync_type::ticker) {
    // `go::timer t(d);`: armed from its declaration. (strip() would take
    // the constructor's argument for a conversion.)
    const auto* c = init ? dyn_cast<CXXConstructExpr>(strip_temporaries(init)) : nullptr;
    if (!c || c->getNumArgs() != 1 || !c->getArg(0)->getType()->isRecordType())
      return make_op(op_kind::make_unknown, loc, slot);
    op o = make_op(op_kind::make_timer, loc, slot);
    o.amount = t == sync_type::timer ? 1 : 2;
    return o;
  }
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
      } else {
        o.fix_at = call->getRParenLoc();
      }
      return o;
    }
    if (is_go_function(f, "after")) return make_op(op_kind::make_timer, loc, slot);
    if (t == sync_type::context && is_go_function(f, "background")) return make_op(op_kind::make_nil, loc, slot);
  }
  return make_op(op_kind::make_unknown, loc, slot);
}

// `go::cond c(&mu)`: a cond on the mutex the model follows in mu's slot;
// any other construction is not followed.
// `e` is the initialiser as strip() leaves it: the constructor's argument.
op body_builder::cond_init_op(const Expr* e, int slot, SourceLocation loc) {
  int mu = e && type_of(e->getType()) == sync_type::mutex ? slot_for(e) : -1;
  if (mu < 0) return make_op(op_kind::make_unknown, loc, slot);
  consume(e);
  op o = make_op(op_kind::make_cond, loc, slot);
  o.other = mu;
  return o;
}

// go::new_<T>() with no arguments.
bool body_builder::is_new_of_default(const Expr* e) {
  const auto* call = dyn_cast<CallExpr>(e);
  return call && is_go_function(call->getDirectCallee(), "new_") && call->getNumArgs() == 0;
}

bool body_builder::is_default_construction(const Expr* e) {
  const auto* c = dyn_cast<CXXConstructExpr>(e);
  return c && (c->getNumArgs() == 0 || c->getArg(0)->isDefaultArgument());
}

void body_builder::read_await(const CoawaitExpr* a) {
  const Expr* e = awaited(a);
  if (const CXXConstructExpr* sel = as_select(e)) return read_select(sel, a->getBeginLoc());
  const auto* call = dyn_cast_or_null<CXXMemberCallExpr>(strip(e));
  if (!call) return;
  sync_type on = sync_type::none;
  const CXXMethodDecl* m = method_of(call, on);
  if (!m || !is_blocking_method(on, m->getName())) return;
  awaited_calls_.insert(call);
  if (on == sync_type::once) return read_once_call(call);
  const Expr* object = call->getImplicitObjectArgument();
  int slot = slot_for(object);
  if (slot >= 0) consume(object);
  llvm::StringRef name = m->getName();
  op_kind k = on == sync_type::cond                ? op_kind::cond_wait
              : name == "send"                     ? op_kind::send
              : name == "next"                     ? op_kind::next
              : name == "wait"                     ? op_kind::wg_wait
              : name == "rlock"                    ? op_kind::rlock
              : name == "lock" || name == "scoped" ? op_kind::lock
                                                   : op_kind::recv;
  op o = make_op(k, call->getExprLoc(), slot);
  if (slot < 0) o.text = "a channel";
  if (name == "recv_ok") o.amount = 1;  // its result is tested like next()'s
  if ((name == "send" || name == "recv") && statements_.count(a)) describe_as_case(a, call, o);
  emit(o);
}

// The expressions that are statements of their own in s.
void body_builder::find_statements(const Stmt* s) {
  if (!s) return;
  if (const auto* block = dyn_cast<CompoundStmt>(s))
    for (const Stmt* c : block->body())
      if (const auto* e = dyn_cast<Expr>(c)) statements_.insert(e->IgnoreImplicit());
  if (isa<LambdaExpr>(s)) return;  // a body of its own
  for (const Stmt* c : s->children()) find_statements(c);
}

// `co_await c.send(v)` as the select case go::on_send(c, v) (recv:
// go::on_recv(c)), in the words it is written with.
void body_builder::describe_as_case(const CoawaitExpr* a, const CXXMemberCallExpr* call, op& o) const {
  const SourceManager& sm = ctx_.getSourceManager();
  if (a->getBeginLoc().isMacroID() || a->getEndLoc().isMacroID()) return;
  auto text = [&](const Expr* e) {
    return Lexer::getSourceText(CharSourceRange::getTokenRange(e->getSourceRange()), sm, ctx_.getLangOpts()).str();
  };
  std::vector<std::string> args{text(call->getImplicitObjectArgument())};
  for (const Expr* arg : call->arguments())
    if (!arg->isDefaultArgument()) args.push_back(text(arg));
  for (const std::string& t : args)
    if (t.empty()) return;
  if (o.kind == op_kind::send && args.size() == 2)
    o.as_case = "go::on_send(" + args[0] + ", " + args[1] + ")";
  else if (o.kind == op_kind::recv && args.size() == 1)
    o.as_case = "go::on_recv(" + args[0] + ")";
  else
    return;
  o.statement = a->getSourceRange();
}

void body_builder::read_select(const CXXConstructExpr* sel, SourceLocation loc) {
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
std::optional<op_kind> body_builder::handle_method(sync_type on, llvm::StringRef name) {
  if (on == sync_type::chan && name == "close") return op_kind::close;
  if (on == sync_type::wait_group && name == "add") return op_kind::wg_add;
  if (on == sync_type::wait_group && name == "done") return op_kind::wg_done;
  if ((on == sync_type::mutex || on == sync_type::rwmutex) && name == "unlock") return op_kind::unlock;
  if (on == sync_type::rwmutex && name == "runlock") return op_kind::runlock;
  if (on == sync_type::cond && name == "signal") return op_kind::cond_signal;
  if (on == sync_type::cond && name == "broadcast") return op_kind::cond_broadcast;
  if ((on == sync_type::timer || on == sync_type::ticker) && name == "stop") return op_kind::timer_stop;
  if ((on == sync_type::timer || on == sync_type::ticker) && name == "reset") return op_kind::timer_reset;
  return std::nullopt;
}

void body_builder::read_method_call(const CXXMemberCallExpr* call) {
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
  // t.c(): the timer's channel; the operation it is given to uses it (and
  // it escapes if nothing the model follows does).
  if ((on == sync_type::timer || on == sync_type::ticker) && name == "c") return;
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
void body_builder::read_operator_call(const CXXOperatorCallExpr* call) {
  if (int slot = cancel_slot(call); slot >= 0) return emit(make_op(op_kind::cancel, call->getExprLoc(), slot));
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

void body_builder::read_call(const CallExpr* call) {
  const FunctionDecl* f = call->getDirectCallee();
  if (is_go_function(f, "spawn")) return read_spawn(call);
  if (is_go_function(f, "run")) return read_run(call);
  read_user_call(call);
}

// Inserts an escape for every use no operation consumed, where it was.
void body_builder::settle_uses() {
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

}  // namespace model_detail

using namespace clang;
using model_detail::body_builder;
using model_detail::handle_fields;
using model_detail::shared_build;

namespace {

class creates_visitor : public RecursiveASTVisitor<creates_visitor> {
 public:
  bool found = false;
  bool VisitVarDecl(VarDecl* v) {
    if (!isa<ParmVarDecl>(v) && !v->getType()->isReferenceType() && !v->getType()->isPointerType() &&
        (type_of(v->getType()) != sync_type::none || !handle_fields(v->getType(), /*with_flags=*/false).empty()))
      found = true;
    return !found;
  }
  // The context of `auto [ctx, cancel] = go::with_cancel(parent)`.
  bool VisitBindingDecl(BindingDecl* b) {
    if (type_of(b->getType()) != sync_type::none) found = true;
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

program build_program(ASTContext& ctx, const FunctionDecl* fn, escape::summary_exchange* summaries) {
  program p;
  shared_build shared;
  shared.summaries = summaries;
  if (body_builder(ctx, p, shared, 0, 0).build(fn) < 0) {
    p.usable = false;
    p.why_not = "no CFG for " + fn->getNameAsString();
  }
  return p;
}

}  // namespace gocxx::concurrency
