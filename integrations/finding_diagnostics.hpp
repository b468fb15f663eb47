// A gocxx finding as a clang diagnostic, for the hosts that report through
// clang's diagnostics engine instead of gocxx's writers: the clang-tidy
// module and the compiler plugin. A finding holds file positions (an
// absolute name and a byte offset); the host's SourceManager turns them
// back into source locations.
#pragma once
#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticIDs.h>
#include <clang/Basic/SourceManager.h>
#include <llvm/ADT/STLFunctionalExtras.h>

#include <optional>
#include <string>

#include "finding.hpp"

namespace gocxx::integrations {

// The location of `loc` in a file the SourceManager has loaded; invalid
// when the file is not part of the unit.
clang::SourceLocation source_location(const clang::SourceManager& sm, const location& loc);

// A fix-it replacing the edit's byte range, or none when its file is not
// part of the unit.
std::optional<clang::FixItHint> fix_it(const clang::SourceManager& sm, const text_edit& edit);

// `message` as a diagnostic format string: a literal `%` doubled.
std::string diagnostic_text(llvm::StringRef message);

// remark -> Remark, note -> Remark (a note stands alone only under a
// finding), warning -> Warning, error -> Error.
clang::DiagnosticIDs::Level diagnostic_level(severity s);

// How a host emits one diagnostic: the message as written (a host that
// uses it as a format string escapes it: diagnostic_text), at a level.
using diagnostic_emitter = llvm::function_ref<clang::DiagnosticBuilder(
    clang::SourceLocation at, const std::string& message, clang::DiagnosticIDs::Level level)>;

// Reports `f` through `emit`: the finding at `level` with its fix-its
// attached, then each note (Note; at the finding when the note's own place
// is not in the unit). Nothing when the finding's file is not in the unit.
void report_finding(const clang::SourceManager& sm, const finding& f, clang::DiagnosticIDs::Level level,
                    diagnostic_emitter emit);

}  // namespace gocxx::integrations
