// The escape analysis of one translation unit: the call graph's components
// bottom-up, a location graph per component, the solver, the summaries for
// the callers; then what the checks report about the main file's functions.
#pragma once
#include "escape/graph_builder.hpp"
#include "escape/leak_summary.hpp"
#include "escape/location_graph.hpp"
#include "escape/solver.hpp"

#include <clang/AST/ASTContext.h>
#include <llvm/ADT/DenseSet.h>

#include "check.hpp"

#include <memory>
#include <string>
#include <vector>

namespace gocxx::escape {

enum class item_kind { param, variable, alloc };

// One thing the -m report speaks about, merged over template instantiations.
struct escape_item {
  item_kind kind = item_kind::variable;
  clang::SourceLocation pos;
  std::string name;
  std::string function;              // the enclosing function, for messages
  param_leaks leaks;                 // params
  bool escapes = false;              // variables, allocations, moved params
  root_kind root = root_kind::none;  // why it escapes (strongest over instantiations)
  alloc_kind alloc = alloc_kind::none;
  bool forced_heap = false;  // too large / non-constant size
  bool is_param = false;     // variables: a by-value parameter
  bool is_temporary = false;
  const clang::Expr* expr = nullptr;
  std::vector<flow_step> flow;  // how it escapes
  // Variables a goroutine can reach (root spawn): each instance's
  // declaration and function, and whether it escapes even when the
  // function's own goroutines are joined before it returns.
  std::vector<std::pair<const clang::VarDecl*, const clang::FunctionDecl*>> instances;
  bool escapes_unless_joined = false;
};

struct escape_result {
  std::vector<escape_item> items;  // in source order
  summary_table summaries;         // every function of the unit with a body
  // Functions that may be live more than once on one stack: recursion the
  // call graph shows, and calls that may come back through a function
  // pointer, a virtual function or std::function (reentrant).
  llvm::DenseSet<const clang::FunctionDecl*> recursive;
  llvm::DenseSet<const clang::FunctionDecl*> reentrant;
};

// Runs the analysis once per translation unit: the result lives in the
// unit's check_context, so the checks of the family share one run and no
// result outlives the AST it points into.
const escape_result& analyse(clang::ASTContext& ctx, check_context& unit);

}  // namespace gocxx::escape
