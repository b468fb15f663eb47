#include "suppression.hpp"

#include <llvm/ADT/SmallVector.h>

#include "check_filter.hpp"

namespace gocxx {

bool suppressions::line_ignores(llvm::StringRef line, const std::string& check) {
  static constexpr llvm::StringLiteral marker = "gocxx:ignore[";
  size_t from = 0;
  while (true) {
    size_t at = line.find(marker, from);
    if (at == llvm::StringRef::npos) return false;
    from = at + marker.size();
    // Only in a comment: a // or /* earlier on the line.
    llvm::StringRef before = line.substr(0, at);
    if (!before.contains("//") && !before.contains("/*")) continue;
    size_t close = line.find(']', from);
    if (close == llvm::StringRef::npos) return false;
    llvm::SmallVector<llvm::StringRef, 4> ids;
    line.slice(from, close).split(ids, ',', -1, false);
    for (llvm::StringRef id : ids) {
      id = id.trim();
      if (!id.empty() && glob_match(id.str(), check)) return true;
    }
  }
}

bool suppressions::suppressed(const finding& f) {
  if (f.loc.file.empty() || f.loc.line == 0) return false;
  if (line_ignores(sources_.line(f.loc.file, f.loc.line), f.check)) return true;
  return f.loc.line > 1 && line_ignores(sources_.line(f.loc.file, f.loc.line - 1), f.check);
}

}  // namespace gocxx
