// Whether destroying an object of a type may run the user's code: a
// destructor the user wrote (in the type, a base or a member), a go::defer's
// deferred function, a type-erased callable's. The stack rewrite needs it
// twice: a go::local's destructor runs at the end of its scope where the
// heap object's finalizer ran when the collector freed it, and an object
// declared before the go::local in the same block is destroyed after it,
// so its destructor must not be able to reach it.
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/AST/Type.h>

namespace gocxx::escape {

// Conservative: a dependent or incomplete type may.
bool destruction_may_run_user_code(const clang::ASTContext& ctx, clang::QualType t);

}  // namespace gocxx::escape
