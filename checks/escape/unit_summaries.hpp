// Escape summaries that cross translation units (docs/scale.md): what one
// unit tells the others about its functions, and what it took from them.
//
// A function is known across units by its identity: its mangled name (the
// name the linker joins units by; a constructor's or destructor's complete
// object variant; an extern "C" function's plain name). Only functions
// another unit can name have one: external linkage, not dependent, not the
// runtime's.
//
// Soundness: a summary is a promise that the function keeps no more of its
// arguments than it says. A unit that used another's summary records the
// summary it used (`used`): if that function's summary later says it keeps
// more, whatever this unit concluded from it -- its own summaries included
// -- is out of date (summary_store.hpp drops it).
#pragma once
#include <clang/AST/Decl.h>
#include <clang/AST/Mangle.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "escape/graph_builder.hpp"
#include "escape/leak_summary.hpp"

namespace gocxx::escape {

// The summaries of other units, by identity.
using summary_index = std::map<std::string, function_summary, std::less<>>;

// What a unit's analysis exchanges with the others, in its check_context
// (check_context::unit_data<summary_exchange>()): the host fills `imported`
// and sets `record` before the checks run; the escape analysis fills the
// rest.
struct summary_exchange {
  std::shared_ptr<const summary_index> imported;  // null: no other unit's summaries
  bool record = false;                            // fill `exported`, `used` and `looked_up`

  // The unit's functions with an identity, and where each is defined (for
  // messages about conflicting summaries).
  struct definition {
    function_summary summary;
    std::string where;                          // file:line:col
    const clang::FunctionDecl* decl = nullptr;  // while the unit's AST lives (not written)
  };
  std::map<std::string, definition> exported;
  // Every function called here without a body here that has an identity,
  // with the summary found for it (nullopt: none, so it was taken to keep
  // everything).
  std::map<std::string, std::optional<function_summary>> used;

  // imported_summary's: identities computed once per declaration.
  std::shared_ptr<clang::MangleContext> mangler;
  std::map<const clang::FunctionDecl*, std::string> identities;
};

// The identity of `fd`, or "" when no other unit can name it.
std::string function_identity(const clang::FunctionDecl* fd, clang::MangleContext& mangler);

// Whether `a` keeps at least as much as `b` of every argument: a caller
// that relied on `a` is not wrong about `b`.
bool covers(const function_summary& a, const function_summary& b);

// The worse of two summaries of the same function (two units' views of an
// inline function, a template); false when they cannot be merged (different
// parameter counts: not the same function).
bool merge_summaries(function_summary& into, const function_summary& other);

// The summary another unit gives for `fd` (a function without a body
// here), recorded in exchange.used when exchange.record; null when none.
// For the checks that look up callees one by one (the concurrency model).
const function_summary* imported_summary(clang::ASTContext& ctx, summary_exchange& exchange,
                                         const clang::FunctionDecl* fd);

// One line of text, and back: the format of summary_store.hpp's files.
std::string encode_summary(const function_summary& s);
std::optional<function_summary> decode_summary(llvm::StringRef text);

// Before the unit's analysis: the imported summaries of the functions this
// unit calls without a body, into `table` keyed by their canonical
// declarations (graph_builder's calls look there for a callee without a
// body), each recorded in exchange.used when exchange.record.
void import_summaries(clang::ASTContext& ctx, summary_exchange& exchange, summary_table& table);

// After the unit's analysis: its functions' summaries into
// exchange.exported (when exchange.record); concurrency::mark_sync_free
// then adds what the leak and channel checks need.
struct escape_result;
void export_summaries(clang::ASTContext& ctx, const escape_result& result, summary_exchange& exchange);

}  // namespace gocxx::escape
