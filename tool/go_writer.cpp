#include "writers.hpp"

namespace gocxx {

void write_go(llvm::raw_ostream& os, const std::vector<finding>& findings) {
  for (const finding& f : findings) {
    os << display_path(f.loc.file) << ":" << f.loc.line << ":" << f.loc.column << ": " << f.message << "\n";
    // Like -m=2's flow lines: indented under the finding.
    for (const finding_note& n : f.notes)
      os << display_path(n.loc.file) << ":" << n.loc.line << ":" << n.loc.column << ":   " << n.message << "\n";
  }
}

}  // namespace gocxx
