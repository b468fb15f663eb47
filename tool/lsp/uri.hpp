// file:// URIs (RFC 8089) and the absolute paths they name. Documents are
// keyed by the URI exactly as the client sent it; these conversions serve
// the analysis (which reads paths) and the locations of notes and fixes in
// other files.
#pragma once
#include <llvm/ADT/StringRef.h>

#include <optional>
#include <string>

namespace gocxx::lsp {

// The absolute path of a file:// URI; nullopt for another scheme, a remote
// host or a malformed escape.
std::optional<std::string> file_from_uri(llvm::StringRef uri);

// The file:// URI of an absolute path, percent-encoding every byte but
// RFC 3986's unreserved characters and '/'.
std::string uri_from_file(llvm::StringRef path);

}  // namespace gocxx::lsp
