// The fix-it of gocxx-escape-dangling, the reverse of the stack rewrite: a
// local that a spawned goroutine can reach moves to the GC heap, and every
// use goes through the handle, which the goroutines capture by copy
// (docs/checks/gocxx-escape-dangling.md, "The fix-it"):
//
//   int n = 0;                       ->   auto n = go::new_<int>(0);
//   go::spawn([&] { n++; });         ->   go::spawn([&, n] { (*n)++; });
//   return n;                        ->   return (*n);
//
// The object then lives as long as a handle to it, the goroutine's copy
// included. That is only so when nothing else keeps its address: a raw
// pointer or a reference in a global, a channel or the heap is invisible to
// the collector. So the fix is offered only when every use reads, assigns or
// calls a member that keeps nothing of the object (its summary says so), and
// every lambda that reaches the variable captured it by reference (a copy
// would now share the object).
#pragma once
#include "escape/graph_builder.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>

#include <string>
#include <utility>
#include <vector>

namespace gocxx::escape {

struct heap_move {
  bool possible = false;
  std::string why_not;
  clang::SourceLocation why_not_at;                                   // the use that blocks the fix, when one does
  std::vector<std::pair<clang::CharSourceRange, std::string>> edits;  // an empty range inserts
};

heap_move plan_heap_move(clang::ASTContext& ctx, const clang::VarDecl* var, const summary_table& summaries);

}  // namespace gocxx::escape
