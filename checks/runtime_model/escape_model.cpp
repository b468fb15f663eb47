#include "runtime_model/escape_model.hpp"

#include "runtime_model/runtime_model.hpp"

#include <clang/AST/DeclTemplate.h>

using namespace clang;

namespace gocxx::runtime_model {

bool in_go_namespace(const Decl* d) {
  for (const DeclContext* dc = d->getDeclContext(); dc; dc = dc->getParent()) {
    const auto* ns = dyn_cast<NamespaceDecl>(dc);
    if (!ns || ns->isInlineNamespace()) continue;
    if (ns->getIdentifier() && ns->getName() == "go") {
      const DeclContext* p = ns->getParent();
      while (p && p->isInlineNamespace()) p = p->getParent();
      if (p && p->isTranslationUnit()) return true;
    }
  }
  return false;
}

// Declared in namespace go itself, not in one nested in it (go::errors).
static bool directly_in_go(const Decl* d) {
  const DeclContext* dc = d->getDeclContext();
  while (dc && dc->isInlineNamespace()) dc = dc->getParent();
  const auto* ns = dyn_cast_or_null<NamespaceDecl>(dc);
  return ns && ns->getIdentifier() && ns->getName() == "go";
}

// A member that returns a value the runtime's contract makes a copy: a go::
// handle (channel, slice, map, ptr: GC objects, never the address of the
// object it is called on), a go::error or go::context (values that share
// GC-managed or reference-counted state), or a scalar. Awaiters and
// go::task are not: they refer to the object they were made from.
static bool returns_copy(const CXXMethodDecl* md) { return is_runtime_copy_type(md->getReturnType()); }

bool is_runtime_copy_type(QualType t) {
  if (t->isReferenceType() || t->isPointerType() || t->isVoidType() || t->isDependentType()) return false;
  if (t->isScalarType()) return true;
  if (is_go_handle_type(t)) return true;
  const CXXRecordDecl* rd = record_of(t);
  if (!rd || !in_go_namespace(rd)) return false;
  llvm::StringRef n = record_or_template_name(rd);
  return n == "error" || n == "context";
}

static llvm::StringRef name_of(const FunctionDecl* fd) {
  if (fd->getIdentifier()) return fd->getName();
  return {};
}

// std::make_unique<T> (not T[]), and std::unique_ptr's members: a handle
// whose value is the address of the object it owns, as go::ptr's is. The
// destructor deletes it, which keeps nothing.
static escape_api classify_std_api(const FunctionDecl* fd) {
  if (!fd->getIdentifier() && !isa<CXXMethodDecl>(fd)) return escape_api::none;
  const auto* md = dyn_cast<CXXMethodDecl>(fd);
  if (!md) {
    if (fd->getName() != "make_unique" || !in_top_namespace(fd, "std")) return escape_api::none;
    const TemplateArgumentList* args = fd->getTemplateSpecializationArgs();
    if (!args || args->size() == 0 || (*args)[0].getKind() != TemplateArgument::Type ||
        (*args)[0].getAsType()->isArrayType())
      return escape_api::none;
    return escape_api::make_unique;
  }
  if (!std_unique_ptr(QualType(md->getParent()->getTypeForDecl(), 0))) return escape_api::none;
  if (const auto* cd = dyn_cast<CXXConstructorDecl>(md))
    return cd->isCopyOrMoveConstructor() ? escape_api::handle_copy : escape_api::handle_view;
  if (isa<CXXDestructorDecl>(md) || isa<CXXConversionDecl>(md)) return escape_api::pure;
  OverloadedOperatorKind op = md->getOverloadedOperator();
  llvm::StringRef n = md->getIdentifier() ? md->getName() : llvm::StringRef();
  if (op == OO_Arrow || op == OO_Star || op == OO_Subscript || n == "get") return escape_api::handle_deref;
  if (n == "release") return escape_api::handle_view;
  if (n == "get_deleter") return escape_api::pure;
  if (op == OO_Equal) {
    // `= nullptr` deletes; `= std::move(q)` takes q's object.
    bool null = md->getNumParams() == 1 && md->getParamDecl(0)->getType()->isNullPtrType();
    return null ? escape_api::pure : escape_api::handle_copy;
  }
  if (n == "reset") return escape_api::handle_copy;  // reset(p): p is stored into the handle
  return escape_api::opaque;
}

bool derefs_gc_handle(const FunctionDecl* fd) {
  return fd && in_go_namespace(fd) && classify_escape_api(fd) == escape_api::handle_deref;
}

escape_api classify_escape_api(const FunctionDecl* fd) {
  if (!fd) return escape_api::none;
  if (!in_go_namespace(fd)) return classify_std_api(fd);
  llvm::StringRef n = name_of(fd);
  const auto* md = dyn_cast<CXXMethodDecl>(fd);
  const CXXRecordDecl* rd = md ? md->getParent() : nullptr;
  llvm::StringRef cls = rd ? record_or_template_name(rd) : llvm::StringRef();
  if (const auto* cd = dyn_cast<CXXConstructorDecl>(fd)) {
    // errgroup::go's callable (converted to group_fn) runs in a goroutine,
    // as go::spawn's does.
    if (cls == "spawn" || cls == "group_fn") return escape_api::spawn;
    // A user error value is copied into the error's shared node (the heap);
    // a pool keeps its new function for later calls, in any goroutine.
    if (!cd->isCopyOrMoveConstructor() && cd->getNumParams() > 0 && (cls == "error" || cls == "pool"))
      return escape_api::copy_result;
    if (cd->isCopyOrMoveConstructor()) return escape_api::handle_copy;
    if (is_go_handle_type(QualType(rd->getTypeForDecl(), 0))) return escape_api::handle_view;
    return escape_api::other_ctor;
  }
  if (isa<CXXDestructorDecl>(fd)) return escape_api::pure;
  if (md) {
    if (md->isCopyAssignmentOperator() || md->isMoveAssignmentOperator()) return escape_api::handle_copy;
    OverloadedOperatorKind op = md->getOverloadedOperator();
    if (isa<CXXConversionDecl>(md)) {
      return is_go_handle_type(cast<CXXConversionDecl>(md)->getConversionType()) ? escape_api::handle_view
                                                                                 : escape_api::pure;
    }
    if (cls == "ptr") {
      if (op == OO_Arrow || op == OO_Star || n == "get") return escape_api::handle_deref;
      if (op == OO_Equal) return escape_api::handle_copy;
      return escape_api::pure;
    }
    if (cls == "slice") {
      // begin() and end() are pointers into the array, as data() is.
      if (op == OO_Subscript || n == "data" || n == "at" || n == "begin" || n == "end") return escape_api::handle_deref;
      if (n == "sub") return escape_api::handle_view;
      if (op == OO_Equal) return escape_api::handle_copy;
      return escape_api::pure;
    }
    if (cls == "map") {
      if (n == "set") return escape_api::map_set;
      if (n == "get" || op == OO_Subscript) return escape_api::map_get;
      // A range over the map: the iterator refers to the map's table.
      if (n == "begin") return escape_api::handle_view;
      if (op == OO_Equal) return escape_api::handle_copy;
      return escape_api::pure;
    }
    // errgroup's go/try_go start a goroutine running the callable.
    if (cls == "errgroup" && (n == "go" || n == "try_go")) return escape_api::spawn;
    // sync.Map and sync.Pool keep copies of what they are given, on the
    // heap, and hand out copies.
    if ((cls == "sync_map" && n != "range" && n != "clear") || (cls == "pool" && (n == "put" || n == "get")))
      return escape_api::copy_result;
    if (cls == "chan" || cls == "send_chan" || cls == "recv_chan" || cls == "chan_ref") {
      if (n == "send") return escape_api::chan_send;
      if (op == OO_Equal) return escape_api::handle_copy;
      return escape_api::pure;
    }
    if (cls == "iterator" && op == OO_Star) {
      // map<K, V>::iterator: *it is a pair of references into the table.
      const auto* outer = dyn_cast<CXXRecordDecl>(rd->getDeclContext());
      if (outer && record_or_template_name(outer) == "map") return escape_api::handle_deref;
    }
    if (op == OO_Equal) return escape_api::handle_copy;
    if (returns_copy(md)) return escape_api::copy_result;
    return escape_api::other_member;
  }
  // go::new_ itself, not go::errors::new_ (errors.New).
  if (n == "new_") return directly_in_go(fd) ? escape_api::new_ : escape_api::copy_result;
  // time.AfterFunc: the function runs later in a goroutine of its own.
  if (n == "after_func") return escape_api::spawn;
  if (n == "make_error") return escape_api::copy_result;
  if (n == "make_slice") return escape_api::make_slice;
  if (n == "make_map") return escape_api::make_map;
  if (n == "make_chan") return escape_api::make_chan;
  if (n == "append") return escape_api::append;
  if (n == "copy") return escape_api::copy;
  if (n == "on_send") return escape_api::on_send;
  if (n == "on_recv") return escape_api::on_recv;
  if (n == "select") return escape_api::select;
  if (n == "run") return escape_api::run;
  if (n == "spawn") return escape_api::spawn;
  if (n == "after" || n == "sleep" || n == "yield" || n == "num_goroutine" || n == "maxprocs" || n == "gc" ||
      n == "mem_stats" || n == "set_gc_percent" || n == "set_memory_limit" || n == "errorf" || n == "on_default" ||
      n == "background")
    return escape_api::pure;
  return escape_api::other_function;
}

}  // namespace gocxx::runtime_model
