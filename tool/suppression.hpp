// `// gocxx:ignore[check-id]` comments: a finding is hidden when its line or
// the line before carries one whose list (comma-separated check ids or
// globs, e.g. gocxx-layout-*) names its check.
#pragma once
#include <string>

#include "finding.hpp"
#include "source_cache.hpp"

namespace gocxx {

class suppressions {
 public:
  explicit suppressions(source_cache& sources) : sources_(sources) {}
  bool suppressed(const finding& f);

  // Does this source line carry an ignore comment naming `check`?
  static bool line_ignores(llvm::StringRef line, const std::string& check);

 private:
  source_cache& sources_;
};

}  // namespace gocxx
