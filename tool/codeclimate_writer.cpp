// GitLab's Code Quality report: the Code Climate issue format that GitLab
// reads from a `codequality` artifact -- a JSON array of issues, each with
// a description, a check_name, a fingerprint (the same line-independent one
// as SARIF's), a severity (info, minor, major, critical, blocker) and a
// location (a path relative to the project, the first line). Notes and
// fix-its have no place in it; the description carries the first note.
#include <nlohmann/json.hpp>

#include "writers.hpp"

namespace gocxx {

namespace {

const char* codeclimate_severity(severity s) {
  switch (s) {
    case severity::error: return "critical";
    case severity::warning: return "major";
    case severity::note: return "minor";
    case severity::remark: return "info";
  }
  return "major";
}

// Layout and the stack rewrites are about speed; the rest about bugs.
const char* codeclimate_category(llvm::StringRef check) {
  bool speed = check.starts_with("gocxx-layout-") || check.ends_with("-to-stack") || check == "gocxx-escape-report";
  return speed ? "Performance" : "Bug Risk";
}

}  // namespace

void write_codeclimate(llvm::raw_ostream& os, const std::vector<finding>& findings) {
  nlohmann::ordered_json issues = nlohmann::ordered_json::array();
  std::vector<std::string> fingerprints = finding_fingerprints(findings);
  for (size_t i = 0; i < findings.size(); ++i) {
    const finding& f = findings[i];
    std::string description = f.message;
    if (!f.notes.empty()) description += " (" + f.notes.front().message + ")";
    issues.push_back({{"type", "issue"},
                      {"check_name", f.check},
                      {"description", description},
                      {"categories", nlohmann::ordered_json::array({codeclimate_category(f.check)})},
                      {"fingerprint", fingerprints[i]},
                      {"severity", codeclimate_severity(f.sev)},
                      {"location", {{"path", display_path(f.loc.file)}, {"lines", {{"begin", f.loc.line}}}}}});
  }
  os << issues.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
}

}  // namespace gocxx
