// Which functions a call of may be taken, by the leak and channel checks,
// like a call of the standard library: the concurrency half of the
// cross-unit summaries (escape/unit_summaries.hpp, docs/scale.md).
//
// A function is sync-free when nothing it runs touches goroutines or
// synchronisation: no expression of a go:: handle type (a channel, wait
// group, mutex, context, timer, ...) and no value holding one, no call of
// the runtime, no co_await, no call through a pointer or a virtual
// function, and every function it calls is sync-free too -- one of this
// unit (looked into), of another unit (its summary says so), or of the
// standard library given nothing callable. Recursion is not looked into
// (not sync-free). Sound for the model: such a call cannot change any
// object the model follows, nor make a global another unit can name do
// anything, so it needs no escape_globals.
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>

#include "check.hpp"
#include "escape/unit_summaries.hpp"

namespace gocxx::concurrency {

// Whether a call of `fd` may be left out of the model: another unit's
// summary says `fd` is sync-free (recorded as used).
bool imported_sync_free(clang::ASTContext& ctx, escape::summary_exchange& exchange, const clang::FunctionDecl* fd);

// After escape::export_summaries: each exported function's sync_free.
void mark_sync_free(clang::ASTContext& ctx, escape::summary_exchange& exchange);

}  // namespace gocxx::concurrency
