// clang-tidy style check selection: a comma-separated list of globs, each
// optionally negated with '-'; '*' matches any run of characters; the last
// glob that matches an id decides; no glob matching: disabled.
#pragma once
#include <string>
#include <vector>

namespace gocxx {

class check_filter {
 public:
  // Appends the globs of `list` ("-*,gocxx-layout-*"). Globs in a later
  // list override those of an earlier one.
  void add(const std::string& list);
  bool enabled(const std::string& id) const;

  // The globs of `list` that match none of `ids` (a typo): empty when all do.
  static std::vector<std::string> unmatched(const std::string& list, const std::vector<std::string>& ids);

 private:
  struct glob {
    std::string pattern;
    bool positive;
  };
  static std::vector<glob> parse(const std::string& list);
  std::vector<glob> globs_;
};

// Does `pattern` ('*' wildcards only) match all of `text`?
bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace gocxx
