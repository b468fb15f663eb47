// The call graph of a translation unit, as far as the escape analysis needs
// it: every function with a body reachable from the functions defined in
// the main file (template instantiations and lambda call operators included),
// and its strongly connected components in bottom-up order (callees before
// callers), the order in which Go's escape analysis visits functions so that
// each call site outside a component finds its callee's summary ready.
#pragma once
#include <clang/AST/ASTContext.h>
#include <llvm/ADT/DenseMap.h>

#include <vector>

namespace gocxx::escape {

struct call_graph {
  std::vector<const clang::FunctionDecl*> nodes;
  llvm::DenseMap<const clang::FunctionDecl*, unsigned> index;
  std::vector<std::vector<unsigned>> callees;
  std::vector<bool> in_main_file;  // its findings are reported
  // Its body calls through a function pointer or a virtual function (what
  // std::function's call operator does): the call may come back into any
  // function, the caller's callers included -- a recursion the graph does
  // not show.
  std::vector<bool> calls_indirectly;
};

call_graph build_call_graph(clang::ASTContext& ctx);

// Strongly connected components, callees first.
std::vector<std::vector<const clang::FunctionDecl*>> bottom_up_components(const call_graph& g);

}  // namespace gocxx::escape
