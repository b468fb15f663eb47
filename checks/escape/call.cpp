// Calls (Go: call.go): the callee and the object a member function is
// called on, the arguments flowing into the parameters (directly for a
// function of the batch, by the callee's summary for one analysed before),
// the result flowing out, and std::move and its like, which only pass an
// address through. Calls into the go:: runtime go to runtime_calls.cpp.
#include "escape/graph_builder_impl.hpp"

#include "runtime_model/runtime_model.hpp"

#include <clang/AST/Attr.h>
#include <clang/Basic/Builtins.h>
#include <clang/Basic/SourceManager.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringSet.h>

#include <optional>

using namespace clang;
using gocxx::runtime_model::escape_api;

namespace gocxx::escape {

bool keeps_no_argument(const FunctionDecl* fd) {
  if (!fd->getIdentifier() || !fd->isExternC() || fd->hasBody()) return false;
  static const llvm::StringSet<> names = {"printf", "fprintf", "dprintf", "snprintf", "sprintf", "puts",
                                          "fputs",  "putchar", "fputc",   "putc",     "fwrite",  "perror",
                                          "strlen", "strnlen", "strcmp",  "strncmp",  "memcmp",  "strcoll",
                                          "atoi",   "atol",    "atoll",   "atof",     "fflush",  "write"};
  return names.contains(fd->getName());
}

namespace {

// A constructor without parameters, or a destructor, of a standard library
// class.
bool library_lifetime_member(const FunctionDecl* fd) {
  const auto* md = dyn_cast<CXXMethodDecl>(fd);
  if (!md || !runtime_model::within_namespace(md->getParent(), "std")) return false;
  if (isa<CXXDestructorDecl>(md)) return true;
  const auto* cd = dyn_cast<CXXConstructorDecl>(md);
  return cd && cd->getNumParams() == 0;
}

bool string_member(const FunctionDecl* fd) {
  const auto* md = dyn_cast<CXXMethodDecl>(fd);
  return md && runtime_model::is_std_string(md->getParent());
}

}  // namespace

bool points_into_string(const CXXMethodDecl* md) {
  if (!md || !md->isInstance() || isa<CXXConstructorDecl>(md) || !runtime_model::is_std_string(md->getParent()))
    return false;
  QualType r = md->getReturnType();
  if (r->isPointerType() || r->isReferenceType()) return true;
  const CXXRecordDecl* rd = r->getAsCXXRecordDecl();
  if (!rd) return false;
  llvm::StringRef n = runtime_model::record_or_template_name(rd);
  return n == "basic_string_view" || n == "__normal_iterator" || n == "reverse_iterator";
}

void graph_builder::impl::call(const hole& k, const CallExpr* ce) {
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
    default: break;
  }
  // The C library's readers and printers keep no pointer they are given
  // (LLVM marks their parameters nocapture): nothing escapes into them.
  if (keeps_no_argument(callee)) {
    for (const Expr* a : ce->arguments()) value(discard_hole, a);
    return;
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

  // The implicit object argument: `this` of the callee, and a closure's
  // fields when the caller sees them apart.
  int this_temp = -1;
  llvm::SmallVector<int, 4> captures;
  if (object) {
    unsigned t = temp(object->getExprLoc(), "{this}");
    hole th = loc_hole(t, object->getExprLoc(), "receiver");
    bool evaluated = false;  // by capture_args: a lambda-expression's captures
    if (object_is_pointer)
      value(th, object);
    else if (captures = capture_args(object, method, evaluated); !evaluated)
      address(th, object);
    this_temp = static_cast<int>(t);
  }
  bool virtual_call = method && method->isVirtual() && !qualified && !method->hasAttr<FinalAttr>() &&
                      !method->getParent()->hasAttr<FinalAttr>();
  apply_callee(k, callee, virtual_call, this_temp, args, -1, at, captures);
}

llvm::SmallVector<int, 4> graph_builder::impl::capture_args(const Expr* object, const CXXMethodDecl* method,
                                                            bool& evaluated) {
  llvm::SmallVector<int, 4> out;
  evaluated = false;
  const CXXRecordDecl* closure = method ? method->getParent() : nullptr;
  // A closure with a destructor to run is seen whole: its destruction sees
  // every field together.
  if (!closure || !closure->isLambda() || method->getOverloadedOperator() != OO_Call ||
      !closure->hasTrivialDestructor())
    return out;
  const Expr* o = object->IgnoreImplicit()->IgnoreParenNoopCasts(ctx_);
  SourceLocation at = object->getExprLoc();
  auto field_address = [&](unsigned field_storage) {
    unsigned t = temp(at, "{capture}");
    g_.flow(t, field_storage, -1, at, "closure field");
    out.push_back(static_cast<int>(t));
  };
  if (const auto* dre = dyn_cast<DeclRefExpr>(o)) {
    const auto* vd = dyn_cast<VarDecl>(dre->getDecl());
    // A local of this function (seen from a nested lambda it is a capture).
    if (!vd || vd->getDeclContext() != static_cast<const DeclContext*>(fn_) || !split(vd)) return out;
    for (const FieldDecl* f : closure->fields()) field_address(field_loc(vd, f));
    return out;
  }
  const auto* le = dyn_cast<LambdaExpr>(o);
  if (!le || le->getLambdaClass() != closure) return out;
  // Called on the spot: each field is a temporary of its own.
  llvm::SmallVector<unsigned, 4> storage;
  for (const FieldDecl* f : closure->fields()) storage.push_back(temp(f->getLocation(), "{closure field}"));
  init_captures(le, [&](const FieldDecl* f) { return loc_hole(storage[f->getFieldIndex()], at, "capture"); });
  for (unsigned s : storage) field_address(s);
  evaluated = true;
  return out;
}

// Evaluates `args` for `callee` and links them to its parameters: directly
// for a function of this batch, by its summary otherwise, and to the heap
// when there is neither. `object` is the location of the object a
// constructor initialises (-1 otherwise).
namespace {

// The constructor's class has a user-provided copy constructor.
bool copies_by_its_own_rules(const FunctionDecl* ctor) {
  const auto* c = dyn_cast<CXXConstructorDecl>(ctor);
  const CXXRecordDecl* rd = c ? c->getParent()->getDefinition() : nullptr;
  if (!rd) return false;
  for (const CXXConstructorDecl* other : rd->ctors())
    if (other->isCopyConstructor() && other->isUserProvided()) return true;
  return false;
}

}  // namespace

void graph_builder::impl::apply_callee(const hole& k, const FunctionDecl* callee, bool virtual_call, int this_temp,
                                       llvm::ArrayRef<const Expr*> args, int object, SourceLocation at,
                                       llvm::ArrayRef<int> captures) {
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
  link_callee(k, callee, virtual_call, this_temp, temps, object, at, captures);
  // An inheriting constructor (`using Base::Base;`) runs the base's
  // constructor on the same arguments: its own body holds only an implicit
  // CXXInheritedCtorInitExpr, which passes nothing on.
  if (const auto* cd = dyn_cast<CXXConstructorDecl>(callee); cd && cd->isInheritingConstructor())
    if (const CXXConstructorDecl* base = cd->getInheritedConstructor().getConstructor())
      link_callee(k, base, false, this_temp, temps, object, at);
}

void graph_builder::impl::link_callee(const hole& k, const FunctionDecl* callee, bool virtual_call, int this_temp,
                                      llvm::ArrayRef<int> temps, int object, SourceLocation at,
                                      llvm::ArrayRef<int> captures) {
  const FunctionDecl* def = virtual_call ? nullptr : analysable_definition(callee);
  auto in_batch = def ? functions.find(def) : functions.end();
  // The address of field i of a closure called: its own, or the closure's.
  auto capture_arg = [&](unsigned i) { return i < captures.size() ? captures[i] : this_temp; };
  if (def && in_batch != functions.end()) {
    const function_locations& fl = in_batch->second;
    for (unsigned i = 0; i < temps.size() && i < fl.params.size(); ++i)
      if (temps[i] >= 0) g_.flow(fl.params[i], static_cast<unsigned>(temps[i]), 0, at, "call parameter");
    if (this_temp >= 0 && fl.this_loc >= 0)
      g_.flow(static_cast<unsigned>(fl.this_loc), static_cast<unsigned>(this_temp), 0, at, "receiver");
    for (unsigned i = 0; i < fl.captures.size(); ++i)
      if (int c = capture_arg(i); c >= 0) g_.flow(fl.captures[i], static_cast<unsigned>(c), 0, at, "closure field");
    if (fl.result >= 0) flow(k.note(at, "call result"), static_cast<unsigned>(fl.result));
    if (object >= 0 && fl.this_obj >= 0)
      g_.flow(static_cast<unsigned>(object), static_cast<unsigned>(fl.this_obj), 0, at, "constructor");
    return;
  }
  // Without a body here, another unit's summary may be at hand
  // (unit_summaries.hpp: keyed by the canonical declaration); never for a
  // virtual call, which may reach any override.
  const FunctionDecl* key = def ? def : virtual_call ? nullptr : callee->getCanonicalDecl();
  const function_summary* sum = nullptr;
  if (key) {
    auto it = sums_.find(key);
    if (it != sums_.end()) sum = &it->second;
  }
  // std::basic_string is a value: its members copy characters in and out
  // and keep no address they are given (this unit has no body for most of
  // them: the library instantiates them once, elsewhere; the bodies it has
  // do pointer arithmetic on the buffer, which the analysis cannot follow).
  // But a short string keeps its characters inside itself: what data(),
  // c_str(), a view, an iterator or a character reference gives the
  // program points into the string, and so into whatever object holds it.
  // The library's own calls of them (operator<< handing data() to the
  // stream) keep nothing.
  if (string_member(callee)) {
    if (this_temp >= 0 && points_into_string(dyn_cast<CXXMethodDecl>(callee)) &&
        !ctx_.getSourceManager().isInSystemHeader(at))
      flow(k.note(at, "the string or its buffer"), static_cast<unsigned>(this_temp));
    return;
  }
  const char* leaking = def ? "leaking parameter" : "leaking parameter, summarised in another unit";
  auto apply = [&](const param_leaks* pl, int t) {
    if (t < 0) return;
    unsigned src = static_cast<unsigned>(t);
    if (!pl) {
      g_.flow(g_.root(root_kind::unknown), src, 0, at, "call to a function without a body");
      return;
    }
    if (pl->heap_definite != no_leak) g_.flow(g_.root(pl->definite_kind), src, pl->heap_definite, at, leaking);
    if (pl->heap_unknown != no_leak) g_.flow(g_.root(root_kind::unknown), src, pl->heap_unknown, at, leaking);
    if (pl->results[0] != no_leak) flow(k.note(at, "call result"), src, pl->results[0]);
    if (pl->results[1] != no_leak && object >= 0)
      g_.flow(static_cast<unsigned>(object), src, pl->results[1], at, "constructor");
  };
  for (unsigned i = 0; i < temps.size(); ++i)
    apply(sum && i < sum->params.size() ? &sum->params[i] : nullptr, temps[i]);
  // A closure's fields seen apart: each gets its own field's leaks (none
  // known: all of it escapes).
  for (unsigned i = 0; i < captures.size(); ++i)
    apply(sum && i < sum->captures.size() ? &sum->captures[i] : nullptr, captures[i]);
  // The callee constructs its result in place (guaranteed copy elision)
  // and lets its address escape: the object we receive escapes.
  if (sum && sum->result_escapes && !k.discard())
    g_.flow(g_.root(root_kind::unknown), static_cast<unsigned>(k.loc), std::max(k.derefs - 1, -1), at,
            "result object escapes in the callee");
  if (sum && sum->result_escapes && object >= 0)
    g_.flow(g_.root(root_kind::unknown), static_cast<unsigned>(object), -1, at, "object escapes in the constructor");
  if (this_temp >= 0) {
    // A constructor that stores its own address into its object makes the
    // object hold its own address, and it escapes once what the object holds
    // is read out to somewhere that outlives it: the flow is kept. Except
    // for a class that copies itself by its own rules (a user-provided copy
    // constructor) and either is the standard library's (std::string's small
    // buffer, whose address its constructor hands to memcpy) or whose
    // constructor reads nothing out: a copy of it does not carry the
    // self-pointer, which is all a value flow of the object would say.
    // A closure seen whole: its fields are at its address.
    std::optional<param_leaks> receiver;
    if (sum && sum->has_this) receiver = captures.empty() ? sum->receiver() : sum->this_param;
    const param_leaks* tl = receiver ? &*receiver : nullptr;
    // The standard library's default constructors and destructors whose
    // bodies this unit does not have (std::string's, explicitly
    // instantiated elsewhere) keep nothing of the object: they set it up
    // or tear it down.
    if (!tl && library_lifetime_member(callee)) return;
    const bool reads_out =
        tl && (tl->heap_definite != no_leak || tl->heap_unknown != no_leak || tl->results[0] != no_leak);
    if (tl && tl->results[1] != no_leak && copies_by_its_own_rules(callee) &&
        (!reads_out || ctx_.getSourceManager().isInSystemHeader(callee->getLocation()))) {
      param_leaks copy = *tl;
      copy.results[1] = no_leak;
      apply(&copy, this_temp);
    } else {
      apply(tl, this_temp);
    }
  }
}

}  // namespace gocxx::escape
