#include "writers.hpp"

namespace gocxx {

namespace {

// The source line, a caret under `column`, and the replacement text of a
// one-line fix-it that starts on this line.
void write_snippet(llvm::raw_ostream& os, const location& loc, const std::vector<text_edit>& fixes,
                   source_cache& sources) {
  if (loc.file.empty() || loc.line == 0) return;
  llvm::StringRef line = sources.line(loc.file, loc.line);
  if (line.empty() && loc.column > 1) return;
  os << line << "\n";
  // Keep tabs so that the caret lines up under the source.
  auto indent = [&](unsigned column) {
    std::string pad;
    for (unsigned i = 0; i + 1 < column; ++i) pad += (i < line.size() && line[i] == '\t') ? '\t' : ' ';
    return pad;
  };
  os << indent(loc.column) << "^\n";
  if (loc.column == 0 || loc.offset + 1 < loc.column) return;
  unsigned line_start = loc.offset + 1 - loc.column;  // byte offset of the line
  for (const text_edit& e : fixes) {
    if (e.file != loc.file || e.replacement.empty() || llvm::StringRef(e.replacement).contains('\n')) continue;
    if (e.offset < line_start || e.offset > line_start + line.size()) continue;
    os << indent(e.offset - line_start + 1) << e.replacement << "\n";
  }
}

}  // namespace

void write_text(llvm::raw_ostream& os, const std::vector<finding>& findings, source_cache& sources) {
  for (const finding& f : findings) {
    os << display_path(f.loc.file) << ":" << f.loc.line << ":" << f.loc.column << ": " << severity_name(f.sev) << ": "
       << f.message << " [" << f.check << "]\n";
    write_snippet(os, f.loc, f.fixes, sources);
    for (const finding_note& n : f.notes) {
      os << display_path(n.loc.file) << ":" << n.loc.line << ":" << n.loc.column << ": note: " << n.message << "\n";
      write_snippet(os, n.loc, {}, sources);
    }
  }
}

}  // namespace gocxx
