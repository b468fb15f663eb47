#include "escape/user_destructor.hpp"

#include "runtime_model/escape_model.hpp"
#include "runtime_model/runtime_model.hpp"

#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>

#include <set>

namespace gocxx::escape {

using namespace clang;

namespace {

class destructor_search {
 public:
  explicit destructor_search(const ASTContext& ctx) : ctx_(ctx) {}

  bool may_run_user_code(QualType t) {
    t = t.getNonReferenceType().getCanonicalType();
    while (const ArrayType* a = ctx_.getAsArrayType(t)) t = a->getElementType().getCanonicalType();
    if (t->isDependentType() || t->isIncompleteType()) return true;
    if (!t.isDestructedType()) return false;
    const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
    if (!rd || !rd->hasDefinition()) return true;
    rd = rd->getDefinition();
    if (!seen_.insert(rd).second) return false;  // a cycle: answered where it started
    if (runtime_model::in_go_namespace(rd)) return runtime_type(rd);
    if (runtime_model::within_namespace(rd, "std")) return library_type(rd);
    if (const CXXDestructorDecl* d = rd->getDestructor(); d && d->isUserProvided()) return true;
    for (const CXXBaseSpecifier& b : rd->bases())
      if (may_run_user_code(b.getType())) return true;
    for (const FieldDecl* f : rd->fields())
      if (may_run_user_code(f->getType())) return true;
    return false;
  }

 private:
  // The runtime's handles and sync objects run only the runtime's code
  // (the handle protocol, unregistering); a defer runs its function, a task
  // destroys a coroutine frame, a local the object it holds.
  bool runtime_type(const CXXRecordDecl* rd) {
    llvm::StringRef n = runtime_model::record_or_template_name(rd);
    if (n == "defer" || n == "task") return true;
    if (n == "local" || n == "local_array") return type_arguments_may(rd);
    return false;
  }

  // The standard library's destructors run the destructors of what the type
  // holds (its type arguments); a type-erased one (std::function, std::any)
  // or a joining thread may run anything.
  bool library_type(const CXXRecordDecl* rd) {
    llvm::StringRef n = runtime_model::record_or_template_name(rd);
    if (n == "function" || n == "move_only_function" || n == "any" || n == "packaged_task" || n == "jthread" ||
        n == "thread" || n == "promise" || n == "future" || n == "shared_future")
      return true;
    if (!isa<ClassTemplateSpecializationDecl>(rd)) return false;  // std::string's chars and the like
    return type_arguments_may(rd);
  }

  bool type_arguments_may(const CXXRecordDecl* rd) {
    const auto* spec = dyn_cast<ClassTemplateSpecializationDecl>(rd);
    if (!spec) return false;
    for (const TemplateArgument& a : spec->getTemplateArgs().asArray()) {
      if (a.getKind() == TemplateArgument::Type && may_run_user_code(a.getAsType())) return true;
      if (a.getKind() == TemplateArgument::Pack)
        for (const TemplateArgument& p : a.pack_elements())
          if (p.getKind() == TemplateArgument::Type && may_run_user_code(p.getAsType())) return true;
    }
    return false;
  }

  const ASTContext& ctx_;
  std::set<const CXXRecordDecl*> seen_;
};

}  // namespace

bool destruction_may_run_user_code(const ASTContext& ctx, QualType t) {
  return destructor_search(ctx).may_run_user_code(t);
}

}  // namespace gocxx::escape
