// The go:: runtime API: what Go's escape analysis does for its builtins
// (new and make in expr.go, append and copy in call.go, go statements and
// channel sends in stmt.go), done for the go:: calls that stand for them.
// The analysis never looks into go:: bodies and applies these rules instead
// (runtime_model/escape_model.hpp says which call is which): allocation
// sites for go::new_, make_slice and make_map, stores into the GC heap,
// sends on a channel, goroutines started by go::spawn.
#include "escape/graph_builder_impl.hpp"

#include "escape/written_source.hpp"
#include "runtime_model/runtime_model.hpp"

#include <clang/AST/DeclTemplate.h>
#include <llvm/ADT/SmallVector.h>

using namespace clang;
using gocxx::runtime_model::escape_api;

namespace gocxx::escape {

namespace {

// Objects larger than this never live on a stack (Go: MaxImplicitStackVarSize).
constexpr uint64_t max_stack_object = uint64_t{64} * 1024;

// A go:: type or a go:: handle: passed by reference to the runtime, it is copied.
bool is_runtime_value(QualType t) {
  if (runtime_model::is_go_handle_type(t) || runtime_model::std_unique_ptr(t)) return true;
  const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
  return rd && runtime_model::in_go_namespace(rd);
}

// Runtime types that keep a pointer they are constructed with, for as long
// as they live (go::cond keeps its mutex, go::defer its function).
bool is_known_holder(const CXXRecordDecl* rd) {
  llvm::StringRef n = runtime_model::record_or_template_name(rd);
  return n == "cond" || n == "defer";
}

// append(s, t): the overload whose second parameter is a slice of the
// first's type (the elements of t are copied, not t itself).
bool appends_a_slice(const FunctionDecl* callee) {
  if (callee->getNumParams() != 2) return false;
  QualType a = callee->getParamDecl(0)->getType().getNonReferenceType().getUnqualifiedType();
  QualType b = callee->getParamDecl(1)->getType().getNonReferenceType().getUnqualifiedType();
  return a.getCanonicalType() == b.getCanonicalType();
}

}  // namespace

void graph_builder::impl::to_root(root_kind r, const Expr* a, const char* why) {
  any(root_hole(r, a->getExprLoc(), why), a);
}

namespace {

// The operator() members of a class: how many there are (templates
// included) and the one that is not a template.
struct call_operators {
  unsigned count = 0;
  const CXXMethodDecl* plain = nullptr;
};

call_operators call_operators_of(QualType t) {
  call_operators out;
  const CXXRecordDecl* rd = t.getNonReferenceType()->getAsCXXRecordDecl();
  if (!rd || !rd->hasDefinition()) return out;
  for (const Decl* d : rd->getDefinition()->decls()) {
    const auto* ft = dyn_cast<FunctionTemplateDecl>(d);
    const auto* m = dyn_cast<CXXMethodDecl>(ft ? ft->getTemplatedDecl() : d);
    if (!m || m->getOverloadedOperator() != OO_Call) continue;
    ++out.count;
    if (!ft) out.plain = m;
  }
  return out;
}

// The operator() a value of type t runs when called, if one can be named:
// a lambda's, or the only operator() of a class, not a template. Null
// otherwise (a generic lambda, overloads, std::function's template).
const CXXMethodDecl* call_operator(QualType t) {
  call_operators ops = call_operators_of(t);
  return ops.count == 1 ? ops.plain : nullptr;
}

bool may_be_called(QualType t) {
  t = t.getNonReferenceType();
  return t->isFunctionPointerType() || t->isFunctionType() || t->isMemberFunctionPointerType() ||
         call_operators_of(t).count > 0;
}

}  // namespace

// A runtime call or constructor given something callable may call it
// (go::defer runs it at the end of the scope, once::call and go::blocking
// during the call): each callable argument's operator() runs, the closure
// as its receiver, so what its body does with the captures counts here --
// a virtual call through a by-reference capture leaks what it is given.
void graph_builder::impl::invoke_callables(llvm::ArrayRef<const Expr*> args, SourceLocation at) {
  for (const Expr* a : args)
    if (may_be_called(a->getType())) invoke_callable(a, at);
}

void graph_builder::impl::invoke_callable(const Expr* a, SourceLocation at) {
  // A function named directly: called with no arguments.
  const Expr* s = a->IgnoreParenImpCasts();
  if (const auto* u = dyn_cast<UnaryOperator>(s); u && u->getOpcode() == UO_AddrOf) s = u->getSubExpr();
  if (const auto* dre = dyn_cast<DeclRefExpr>(s))
    if (const auto* fd = dyn_cast<FunctionDecl>(dre->getDecl()); fd && !isa<CXXMethodDecl>(fd)) {
      apply_callee(discard_hole, fd, /*virtual_call=*/false, -1, {}, -1, at);
      return;
    }
  const CXXMethodDecl* op = call_operator(a->getType());
  if (!op || op->isVirtual()) {
    // Who knows what it runs: everything it holds leaks.
    any(unknown(a->getExprLoc(), "a callable the analysis cannot follow"), a);
    return;
  }
  unsigned closure = temp(at, "{closure}");
  value(loc_hole(closure, a->getExprLoc(), "callable"), a);
  unsigned self = temp(at, "{this}");
  g_.flow(self, closure, -1, at, "receiver");
  apply_callee(discard_hole, op, /*virtual_call=*/false, static_cast<int>(self), {}, -1, at);
}

void graph_builder::impl::runtime_call(const hole& k, const CallExpr* ce, const FunctionDecl* callee, escape_api api,
                                       const Expr* object, bool object_is_pointer, llvm::ArrayRef<const Expr*> args) {
  SourceLocation at = ce->getExprLoc();
  // The handle the member is called on, as a value (its target's address).
  auto object_value = [&](const hole& h) {
    if (!object) return;
    if (object_is_pointer)
      value(h.deref(), object);
    else
      value(h, object);
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
    case escape_api::make_unique: {
      unsigned a = alloc_site(ce, alloc_kind::make_unique, callee);
      new_args(a, callee, args, at);
      flow(k.addr().note(at, "std::make_unique"), a);
      return;
    }
    case escape_api::make_slice:
    case escape_api::make_map: {
      alloc_kind kind = api == escape_api::make_slice ? alloc_kind::make_slice : alloc_kind::make_map;
      unsigned a = alloc_site(ce, kind, callee);
      args_value(discard_hole, 0);
      flow(k.addr().note(at, callee->getNameAsString() == "make_map" ? "go::make_map" : "go::make_slice"), a);
      return;
    }
    case escape_api::make_chan: args_value(discard_hole, 0); return;
    case escape_api::append:
      if (!args.empty()) {
        value(k.note(at, "append"), args[0]);
        // A full array is copied into a new one on the heap: the elements
        // of s go there (Go: leaking param content).
        value(root_hole(root_kind::gc_heap, at, "append").deref(), args[0]);
      }
      // The appended values are copied (append(s, x, y) converts each to T;
      // append(s, t) copies t's elements): what they hold goes to the heap,
      // never their own addresses.
      for (unsigned i = 1; i < args.size(); ++i) {
        hole h = root_hole(root_kind::gc_heap, args[i]->getExprLoc(), "appended to a slice");
        value(appends_a_slice(callee) ? h.deref() : h, args[i]);
      }
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
      // set(k, v) copies k and v into the table: what they hold goes to the
      // heap, not their addresses.
      object_value(discard_hole);
      for (const Expr* a : args) value(root_hole(root_kind::gc_heap, a->getExprLoc(), "stored into a map"), a);
      return;
    case escape_api::copy_result:
      // A copy out of the object (ctx.err(), ticker.c()): its address does
      // not come back; the arguments may be kept by value.
      object_value(discard_hole);
      for (const Expr* a : args) value(root_hole(root_kind::gc_heap, a->getExprLoc(), "kept by the runtime"), a);
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
      object_value(spawn_hole(at));
      for (const Expr* a : args) value(spawn_hole(a->getExprLoc()), a);
      return;
    case escape_api::run:
      for (const Expr* a : args) any(unknown(a->getExprLoc(), "main goroutine"), a);
      return;
    case escape_api::opaque:
      if (object) any(unknown(at, "a std::unique_ptr member"), object);
      for (const Expr* e : args) any(unknown(e->getExprLoc(), "a std::unique_ptr member"), e);
      return;
    case escape_api::other_member:
    case escape_api::other_function:
    case escape_api::other_ctor:
    case escape_api::none:
      invoke_callables(args, at);
      // Other runtime calls keep nothing beyond what they return (an
      // awaiter, a context...); a raw pointer they are given may be kept.
      if (object) {
        hole h = k.note(at, "runtime call");
        if (object_is_pointer)
          value(h, object);
        else
          address(h, object);
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

void graph_builder::impl::runtime_construct(const hole& k, const CXXConstructExpr* ce, escape_api api,
                                            llvm::ArrayRef<const Expr*> args) {
  SourceLocation at = ce->getExprLoc();
  switch (api) {
    case escape_api::spawn:
      for (const Expr* a : args) value(spawn_hole(a->getExprLoc()), a);
      return;
    case escape_api::handle_copy:
      if (!args.empty()) address(k.deref().note(at, "copy"), args[0]);
      return;
    case escape_api::copy_result:
      // The runtime keeps a copy on the heap (a user error value in the
      // error's node, a pool's new function).
      invoke_callables(args, at);
      for (const Expr* a : args) value(root_hole(root_kind::gc_heap, a->getExprLoc(), "kept by the runtime"), a);
      return;
    default: {
      const CXXConstructorDecl* ctor = ce->getConstructor();
      // go::spawn's callable (converted to spawn_callable) runs in the new
      // goroutine: the spawn rules and the join proofs decide about it.
      if (runtime_model::record_or_template_name(ctor->getParent()) != "spawn_callable") invoke_callables(args, at);
      for (unsigned i = 0; i < args.size(); ++i) {
        const Expr* a = args[i];
        QualType pt = i < ctor->getNumParams() ? ctor->getParamDecl(i)->getType() : a->getType();
        if (api != escape_api::handle_view &&
            !runtime_model::is_go_handle_type(ctor->getParent()->getTypeForDecl()->getCanonicalTypeInternal()) &&
            pt->isPointerType() && !is_known_holder(ctor->getParent())) {
          any(unknown(a->getExprLoc(), "runtime constructor"), a);
          continue;
        }
        // Runtime types copy what they are constructed from (a handle
        // converted to a view, a callable into a defer): the value.
        if (pt->isReferenceType() && is_runtime_value(a->getType()))
          value(k.note(at, "constructor"), a);
        else
          init_into(k.note(at, "constructor"), pt, a);
      }
      return;
    }
  }
}

// The arguments of go::new_<T>(args...) initialise the new object: by
// T's constructor when it has one we can see, memberwise otherwise.
void graph_builder::impl::new_args(unsigned a, const FunctionDecl* callee, llvm::ArrayRef<const Expr*> args,
                                   SourceLocation at) {
  const CXXRecordDecl* rd = nullptr;
  if (const TemplateArgumentList* targs = callee->getTemplateSpecializationArgs())
    if (targs->size() > 0 && (*targs)[0].getKind() == TemplateArgument::Type)
      rd = (*targs)[0].getAsType()->getAsCXXRecordDecl();
  if (rd) rd = rd->getDefinition();
  // A std::string is a value (call.cpp): it copies the characters it is
  // made from and keeps no address.
  if (rd && runtime_model::is_std_string(rd)) {
    for (const Expr* e : args) value(discard_hole, e);
    return;
  }
  hole obj = loc_hole(a, at, "go::new_ argument");
  if (!rd || rd->isAggregate() || args.empty()) {
    // Memberwise: a reference member keeps the argument's address.
    llvm::SmallVector<QualType, 8> types = element_types(rd, /*with_bases=*/true);
    for (unsigned i = 0; i < args.size(); ++i) {
      QualType ft = i < types.size() ? types[i] : args[i]->getType();
      init_into(obj, ft, args[i]);
    }
    if (rd && !rd->isAggregate() && args.empty()) default_construct(a, rd, at);
    // An aggregate's bases and members that the arguments do not cover are
    // initialised in place by their default member initialiser, or
    // default-constructed: a base constructor that stores `this` stores the
    // new object's address.
    if (rd && rd->isAggregate()) {
      unsigned i = 0;
      auto part = [&](QualType t, const FieldDecl* f) {
        if (i++ < args.size()) return;
        if (f && f->hasInClassInitializer()) {
          member_initialiser(a, f, at);
          return;
        }
        if (const CXXRecordDecl* r = t->getAsCXXRecordDecl()) default_construct(a, r, at);
      };
      for (const CXXBaseSpecifier& b : rd->bases()) part(b.getType(), nullptr);
      for (const FieldDecl* f : rd->fields()) part(f->getType(), f);
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

// The effects of every constructor that could default-construct an `rd` at
// allocation a (none when the default constructor is trivial).
bool mentions_this(const Stmt* s) {
  if (!s) return false;
  if (isa<CXXThisExpr>(s)) return true;
  for (const Stmt* c : s->children())
    if (mentions_this(c)) return true;
  return false;
}

void graph_builder::impl::member_initialiser(unsigned a, const FieldDecl* f, SourceLocation at) {
  const Expr* init = f->getInClassInitializer();
  if (!init) return;
  // Written in the class, `this` there is the new object, which the
  // function allocating it has no location for: it escapes.
  if (mentions_this(init)) {
    g_.flow(g_.root(root_kind::unknown), a, -1, at, "a default member initialiser uses this");
    return;
  }
  hole obj = loc_hole(a, at, "default member initialiser");
  if (f->getType()->isReferenceType())
    address(obj, init);
  else if (f->getType()->isRecordType())
    construct_into(obj, init);
  else
    value(obj, init);
}

void graph_builder::impl::default_construct(unsigned a, const CXXRecordDecl* rd, SourceLocation at) {
  rd = rd->getDefinition();
  if (!rd || rd->hasTrivialDefaultConstructor()) return;
  // The runtime's types (a handle is nil, a mutex unlocked) keep nothing
  // when default-constructed; their bodies register the handle with the
  // collector, which the analysis does not follow (escape_model.md).
  if (runtime_model::in_go_namespace(rd)) return;
  for (const CXXConstructorDecl* c : rd->ctors())
    if (c->getMinRequiredArguments() == 0 && !c->isCopyOrMoveConstructor()) candidate_ctor(a, c, {}, at);
}

void graph_builder::impl::candidate_ctor(unsigned a, const CXXConstructorDecl* c, llvm::ArrayRef<const Expr*> args,
                                         SourceLocation at) {
  unsigned t = temp(at, "{this}");
  g_.flow(t, a, -1, at, "receiver");
  apply_callee(discard_hole, c, false, static_cast<int>(t), args, static_cast<int>(a), at);
}

// ---- allocation sites ------------------------------------------------------

std::string graph_builder::impl::type_name(QualType t) {
  PrintingPolicy pp(ctx_.getLangOpts());
  pp.SuppressTagKeyword = true;
  pp.SuppressUnwrittenScope = true;
  return t.getAsString(pp);
}

// A go::new_ / make_slice / make_map site.
unsigned graph_builder::impl::alloc_site(const CallExpr* ce, alloc_kind kind, const FunctionDecl* callee) {
  std::string name;
  QualType elem;
  const char* prefix = kind == alloc_kind::make_unique ? "std::" : "go::";
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
    if (std::string written = written_template_args(ctx_, ce, shown); !written.empty()) targs = written;
    name = prefix + callee->getNameAsString() + "<" + targs + ">";
  } else {
    name = prefix + callee->getNameAsString();
  }
  return alloc_site(ce, kind, name, elem);
}

unsigned graph_builder::impl::alloc_site(const Expr* e, alloc_kind kind, std::string name, QualType elem) {
  const auto* ce = dyn_cast<CallExpr>(e);
  unsigned a = new_loc(loc_kind::alloc, std::move(name), e->getBeginLoc(), depth_);
  location& l = g_.at(a);
  l.alloc = kind;
  l.expr = e;
  bool too_big = false;
  if (!elem.isNull() && !elem->isDependentType() && !elem->isIncompleteType()) {
    uint64_t size = ctx_.getTypeSizeInChars(elem).getQuantity();
    if (kind != alloc_kind::make_slice && kind != alloc_kind::make_map) {
      too_big = size > max_stack_object;
    } else if (kind == alloc_kind::make_slice && ce) {
      // A slice's array stays on the stack only with a constant capacity
      // (the last argument; the length may vary, as in Go's
      // HeapAllocReason).
      Expr::EvalResult r;
      too_big = ce->getNumArgs() == 0 || !ce->getArg(ce->getNumArgs() - 1)->EvaluateAsInt(r, ctx_) ||
                r.Val.getInt().isNegative() || r.Val.getInt().getActiveBits() > 63 ||
                r.Val.getInt().getZExtValue() > max_stack_object / std::max<uint64_t>(size, 1);
    }
  }
  if (too_big) {
    l.forced_heap = true;
    l.escapes = true;
    l.escape_root = root_kind::unknown;
  }
  return a;
}

}  // namespace gocxx::escape
