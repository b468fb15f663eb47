// What a check reports: a finding with notes, fix-its and a check-specific
// JSON object. Plain data, no Clang headers, so that the driver's output
// writers, baseline and suppression code compile quickly (check.hpp pulls in
// the AST).
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace gocxx {

enum class severity { remark, note, warning, error };
const char* severity_name(severity s);
// Parses "remark" | "note" | "warning" | "error"; false on anything else.
bool parse_severity(const std::string& name, severity& out);

// `text` for a one-line message: line breaks (and other control
// characters) escaped C-style, so that quoting a user's key, value or file
// name never splits a message over lines.
std::string one_line(const std::string& text);

// A position in a file as the driver prints it: 1-based line and column, and
// the 0-based byte offset (fix-its, SARIF regions). `file` is absolute while
// the driver works; the writers show it relative to the current directory.
struct location {
  std::string file;
  unsigned line = 0;
  unsigned column = 0;
  unsigned offset = 0;
};

struct text_edit {
  std::string file;
  unsigned offset = 0;
  unsigned length = 0;
  std::string replacement;
};

struct finding_note {
  location loc;
  std::string message;
};

struct finding {
  std::string check;  // the check id, e.g. gocxx-layout-padding
  severity sev = severity::warning;
  location loc;
  std::string message;
  std::vector<finding_note> notes;
  std::vector<text_edit> fixes;
  std::optional<nlohmann::json> data;  // analyzer.md: check-specific object
};

// Where findings go. The driver's sink collects a unit's findings; the
// driver then applies `// gocxx:ignore[...]`, the baseline and --fail-on.
class finding_sink {
 public:
  virtual ~finding_sink() = default;
  virtual void report(finding f) = 0;
};

}  // namespace gocxx
