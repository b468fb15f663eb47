// --baseline=FILE: a previous `--format=json` output; findings recorded there
// (same check, file and message -- not line, so that edits above a finding
// do not resurface it) are hidden.
#pragma once
#include <set>
#include <string>
#include <tuple>

#include "finding.hpp"

namespace gocxx {

class baseline {
 public:
  // False with a one-line message when the file cannot be read or is not a
  // gocxx JSON output.
  bool load(const std::string& path, std::string& error);
  bool contains(const finding& f) const;

 private:
  std::set<std::tuple<std::string, std::string, std::string>> known_;  // check, file, message
};

}  // namespace gocxx
