// Builds the concurrency model (sync_model.hpp) of one function from Clang's
// CFG: the function's own body and, transitively, the bodies of the
// goroutines it spawns (lambdas and functions the unit defines).
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>

#include "escape/unit_summaries.hpp"
#include "sync_model.hpp"

namespace gocxx::concurrency {

// Whether `fn`'s body creates a channel, wait group or mutex of its own: the
// functions worth exploring (an object from outside is unknown anyway).
bool creates_sync_objects(const clang::FunctionDecl* fn);

// The program rooted at `fn` (which has a body). program::usable is false,
// with a reason, when a body cannot be modelled (no CFG, too deep spawns).
// `summaries`: other units' (sync_free.hpp): a call of a function another
// unit says is sync-free is as a call of the standard library.
program build_program(clang::ASTContext& ctx, const clang::FunctionDecl* fn,
                      escape::summary_exchange* summaries = nullptr);

}  // namespace gocxx::concurrency
