// `// gocxx:ignore[check-id]` comments: a finding is hidden when its line or
// the line before carries one whose list (comma-separated check ids or
// globs, e.g. gocxx-layout-*) names its check. Only comments count, as
// clang's lexer finds them (not a string literal that spells the marker),
// and a marker's line is counted as clang counts the findings' lines.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "finding.hpp"
#include "source_cache.hpp"

namespace gocxx {

class suppressions {
 public:
  explicit suppressions(source_cache& sources) : sources_(sources) {}
  bool suppressed(const finding& f);

 private:
  // Line -> the ids and globs of the markers on it.
  using markers = std::map<unsigned, std::vector<std::string>>;
  const markers& of(const std::string& file);  // lexed once per file

  source_cache& sources_;
  std::map<std::string, markers> files_;
};

}  // namespace gocxx
