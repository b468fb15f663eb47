#include "check_filter.hpp"

#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringRef.h>

namespace gocxx {

bool glob_match(const std::string& pattern, const std::string& text) {
  // Iterative wildcard match with backtracking to the last '*'.
  size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<check_filter::glob> check_filter::parse(const std::string& list) {
  std::vector<glob> out;
  llvm::SmallVector<llvm::StringRef, 8> items;
  llvm::StringRef(list).split(items, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef item : items) {
    item = item.trim();
    bool positive = true;
    if (item.consume_front("-")) {
      positive = false;
      item = item.trim();
    }
    if (item.empty()) continue;
    out.push_back(glob{item.str(), positive});
  }
  return out;
}

void check_filter::add(const std::string& list) {
  for (glob& g : parse(list)) globs_.push_back(std::move(g));
}

bool check_filter::enabled(const std::string& id) const {
  for (auto it = globs_.rbegin(); it != globs_.rend(); ++it)
    if (glob_match(it->pattern, id)) return it->positive;
  return false;
}

std::vector<std::string> check_filter::unmatched(const std::string& list, const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  for (const glob& g : parse(list)) {
    if (g.pattern == "*") continue;  // all checks, even when none is registered
    bool any = false;
    for (const std::string& id : ids) any = any || glob_match(g.pattern, id);
    if (!any) out.push_back((g.positive ? "" : "-") + g.pattern);
  }
  return out;
}

}  // namespace gocxx
