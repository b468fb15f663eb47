#include "uri.hpp"

#include <llvm/ADT/StringExtras.h>

namespace gocxx::lsp {

std::optional<std::string> file_from_uri(llvm::StringRef uri) {
  if (!uri.consume_front_insensitive("file://")) return std::nullopt;
  // An authority other than empty or localhost names another machine.
  size_t slash = uri.find('/');
  if (slash == llvm::StringRef::npos) return std::nullopt;
  llvm::StringRef authority = uri.take_front(slash);
  if (!authority.empty() && !authority.equals_insensitive("localhost")) return std::nullopt;
  uri = uri.drop_front(slash);
  uri = uri.take_until([](char c) { return c == '?' || c == '#'; });
  std::string path;
  for (size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] != '%') {
      path += uri[i];
      continue;
    }
    if (i + 2 >= uri.size() || !llvm::isHexDigit(uri[i + 1]) || !llvm::isHexDigit(uri[i + 2])) return std::nullopt;
    path += static_cast<char>(llvm::hexFromNibbles(uri[i + 1], uri[i + 2]));
    i += 2;
  }
  if (path.find('\0') != std::string::npos) return std::nullopt;
  return path;
}

std::string uri_from_file(llvm::StringRef path) {
  std::string out = "file://";
  for (char c : path) {
    if (llvm::isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += c;
    } else {
      out += '%';
      out += llvm::hexdigit(static_cast<unsigned char>(c) >> 4, /*LowerCase=*/false);
      out += llvm::hexdigit(static_cast<unsigned char>(c) & 15, /*LowerCase=*/false);
    }
  }
  return out;
}

}  // namespace gocxx::lsp
