// The fix-it of gocxx-escape-unique-to-stack: a plain C++ heap object that
// does not escape and whose owner ends with the block becomes a local
// (docs/checks/gocxx-escape-unique-to-stack.md lists the conditions):
//
//   auto p = std::make_unique<T>(args);   ->   auto p_obj = T(args);
//                                              auto* const p = &p_obj;
//   ... p.get() ...                       ->   ... p ...
//
//   T* p = new T(args);                   ->   auto p_obj = T(args);
//   ...                                        T* p = &p_obj;
//   delete p;                             ->   (removed)
//
// `auto p_obj = T(args)` initialises the object from a prvalue (no copy or
// move, C++17), as `new T(args)` does, and is never a declaration of a
// function. The unique_ptr's object was destroyed where the unique_ptr was;
// the local, declared just before it, is destroyed just after it: nothing
// runs in between. A deleted object was destroyed at the delete; the local
// at the end of the block, so its destruction must run none of the
// program's code.
#pragma once
#include "escape/location_graph.hpp"
#include "escape/stack_rewrite.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Expr.h>

#include <string>
#include <utility>
#include <vector>

namespace gocxx::escape {

struct owner_rewrite {
  bool report = true;  // false: a `new` this block does not delete (ownership goes elsewhere)
  bool possible = false;
  std::string why_not;
  clang::SourceLocation why_not_at;  // the use that blocks the fix, when one does
  // The edits, in source order; an empty text removes the range.
  std::vector<std::pair<clang::CharSourceRange, std::string>> edits;
};

// `alloc` is a std::make_unique<T>(...) call (alloc_kind::make_unique) or a
// `new T(...)` (alloc_kind::cxx_new) the analysis found not to escape.
owner_rewrite plan_owner_rewrite(clang::ASTContext& ctx, const clang::Expr* alloc, alloc_kind kind, rewrite_run& run);

}  // namespace gocxx::escape
