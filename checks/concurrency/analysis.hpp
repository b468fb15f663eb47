// The concurrency analysis of one translation unit: every function (and
// lambda) the header filter lets in that creates a channel, wait group or
// mutex of its own is modelled (model_builder.hpp) and explored
// (explorer.hpp). Computed once per unit, on first use, and kept in the
// unit's check_context for the leak and channel checks.
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>

#include <vector>

#include "check.hpp"
#include "explorer.hpp"

namespace gocxx::concurrency {

struct function_result {
  const clang::FunctionDecl* fn;
  std::string name;
  explore_result result;
};

struct unit_result {
  bool computed = false;
  std::vector<function_result> functions;
  std::vector<finding> findings;  // over every function, one per (kind, location)
};

const unit_result& analyse_unit(check_context& context, clang::ASTContext& ast);

}  // namespace gocxx::concurrency
