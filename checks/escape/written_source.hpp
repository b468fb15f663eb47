// What the source spells, for messages and fix-its that must repeat the
// user's words: a call's explicit template arguments as written.
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/AST/Expr.h>

#include <string>

namespace gocxx::escape {

// The first `shown` explicit template arguments of the call's callee as the
// source spells them, separated by ", " (`go::new_<Point>` gives "Point");
// empty when there are none or one is written inside a macro expansion.
std::string written_template_args(const clang::ASTContext& ctx, const clang::CallExpr* ce, unsigned shown);

}  // namespace gocxx::escape
