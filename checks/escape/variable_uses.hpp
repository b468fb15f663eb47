// Where a local variable is used in its function, for the fixes that change
// its type: the plain C++ owner that becomes a pointer (owner_rewrite.hpp)
// and the local that moves to the GC heap (heap_move.hpp). Every use must
// survive the change, so both look at each reference and at what holds it.
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/AST/ExprCXX.h>

#include <vector>

namespace gocxx::escape {

struct variable_uses {
  std::vector<const clang::DeclRefExpr*> refs;       // in lambda bodies too
  std::vector<const clang::CXXDeleteExpr*> deletes;  // `delete var`
  std::vector<const clang::LambdaExpr*> capturing;   // lambdas that capture it, nested ones included
};

// The uses of `var` in the body of the function that declares it.
variable_uses find_variable_uses(const clang::VarDecl* var);

// The parent of `e` through parentheses and no-op casts (to const), and in
// `child` the node below it on that path.
const clang::Stmt* user_of(clang::ASTContext& ctx, const clang::Stmt* e, const clang::Stmt*& child);

}  // namespace gocxx::escape
