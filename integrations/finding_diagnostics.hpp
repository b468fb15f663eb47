// A gocxx finding as a clang diagnostic, for the hosts that report through
// clang's diagnostics engine instead of gocxx's writers: the clang-tidy
// module and the compiler plugin. A finding holds file positions (an
// absolute name and a byte offset); the host's SourceManager turns them
// back into source locations.
#pragma once
#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticIDs.h>
#include <clang/Basic/SourceManager.h>

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

}  // namespace gocxx::integrations
