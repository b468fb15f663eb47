// The checks' documentation pages (docs/checks/<id>.md): their text,
// embedded at build time, and where a reader finds them -- GOCXX_DOCS_URL
// when the build sets one (a published site), else the page on this
// machine: installed beside the binary (share/doc/gocxx/checks), or in the
// source tree it was built from.
#pragma once
#include <llvm/ADT/StringRef.h>

#include <string>

namespace gocxx {

// The Markdown page of check `id`, or empty when it has none.
llvm::StringRef check_doc_markdown(llvm::StringRef id);

// An absolute URI of the page of check `id` (https:// or file://).
std::string check_doc_uri(llvm::StringRef id);

// An absolute URI of the tool's own documentation (docs/analyzer.md).
std::string tool_doc_uri();

}  // namespace gocxx
