// How gocxx changes a unit's compile command before analysing it, in the
// driver's runner and in gocxx lsp alike.
#pragma once
#include <clang/Tooling/ArgumentsAdjusters.h>

namespace gocxx {

// Warnings never fail the analysis (-Werror in the build's flags), errors
// come without carets (they are reported in one line), and flags that make
// clang write to stderr itself (-v, -H, -###, -ftime-report; alone or after
// -Xclang) are dropped. Precompiled headers are not read: the headers they
// were made from are (-include-pch goes, -include stays).
clang::tooling::ArgumentsAdjuster analysis_arguments_adjuster();

}  // namespace gocxx
