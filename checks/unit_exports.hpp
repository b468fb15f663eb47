// What a unit tells the others (docs/scale.md), for the hosts that record
// it: the gocxx driver's runner, the compiler plugin, the clang-tidy module.
#pragma once
#include <clang/AST/ASTContext.h>
#include <llvm/ADT/StringRef.h>

#include "check.hpp"

namespace gocxx {

// Whether the check with this id reads other units' summaries: when none
// enabled does, a host makes none.
bool reads_summaries(llvm::StringRef check_id);

// After the unit's checks: its summaries in the unit's
// escape::summary_exchange -- the escape analysis (when no check ran it)
// and which functions are sync-free (concurrency/sync_free.hpp).
void compute_unit_summaries(clang::ASTContext& ctx, check_context& context);

}  // namespace gocxx
