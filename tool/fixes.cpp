#include "fixes.hpp"

#include <clang/Tooling/Core/Replacement.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <map>

#include "report.hpp"

namespace gocxx {

namespace {

const char* level(severity s) {
  switch (s) {
    case severity::error: return "Error";
    case severity::warning: return "Warning";
    default: return "Remark";
  }
}

std::string where(const finding& f) {
  return display_path(f.loc.file) + ":" + std::to_string(f.loc.line) + ":" + std::to_string(f.loc.column) + " [" +
         f.check + "]";
}

// A YAML double-quoted scalar that LLVM's YAML parser (what
// clang-apply-replacements reads with) turns back into the same bytes: `"`,
// `\` and control characters escaped, every other byte as it is, including
// bytes that are not UTF-8 (a file name's, a replacement's). llvm::yaml::Output
// would cut such a string at its first invalid byte.
std::string yaml_quote(llvm::StringRef s) {
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out += "\\x";
          out += llvm::hexdigit(u >> 4);
          out += llvm::hexdigit(u & 15);
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// clang-tidy's --export-fixes document (clang/Tooling/DiagnosticsYaml.h),
// written by hand for yaml_quote's sake, in the same layout.
// A DiagnosticMessage at `indent`; `list_item`: the first line starts "- ".
void write_message(std::string& out, const std::string& indent, bool list_item, llvm::StringRef message,
                   const std::string& file, unsigned offset,
                   const std::map<std::string, clang::tooling::Replacements>& fix) {
  std::string lead = list_item ? indent.substr(0, indent.size() - 2) + "- " : indent;
  out += lead + "Message:         " + yaml_quote(message) + "\n";
  out += indent + "FilePath:        " + yaml_quote(file) + "\n";
  out += indent + "FileOffset:      " + std::to_string(offset) + "\n";
  bool any = false;
  for (const auto& [path, reps] : fix) any = any || !reps.empty();
  if (!any) {
    out += indent + "Replacements:    []\n";
    return;
  }
  out += indent + "Replacements:\n";
  for (const auto& [path, reps] : fix) {
    for (const clang::tooling::Replacement& r : reps) {
      out += indent + "  - FilePath:        " + yaml_quote(r.getFilePath()) + "\n";
      out += indent + "    Offset:          " + std::to_string(r.getOffset()) + "\n";
      out += indent + "    Length:          " + std::to_string(r.getLength()) + "\n";
      out += indent + "    ReplacementText: " + yaml_quote(r.getReplacementText()) + "\n";
    }
  }
}

}  // namespace

bool export_fixes(const std::string& path, const std::vector<finding>& findings, std::string& error) {
  std::string main_file, diagnostics;
  for (const finding& f : findings) {
    if (f.fixes.empty()) continue;
    std::map<std::string, clang::tooling::Replacements> fix;
    bool ok = true;
    for (const text_edit& e : f.fixes) {
      if (llvm::Error err = fix[e.file].add(clang::tooling::Replacement(e.file, e.offset, e.length, e.replacement))) {
        llvm::consumeError(std::move(err));
        ok = false;
      }
    }
    if (!ok) continue;
    if (main_file.empty()) main_file = f.loc.file;
    diagnostics += "  - DiagnosticName:  " + yaml_quote(f.check) + "\n";
    diagnostics += "    DiagnosticMessage:\n";
    write_message(diagnostics, "      ", false, f.message, f.loc.file, f.loc.offset, fix);
    if (!f.notes.empty()) {
      diagnostics += "    Notes:\n";
      for (const finding_note& n : f.notes)
        write_message(diagnostics, "        ", true, n.message, n.loc.file, n.loc.offset, {});
    }
    diagnostics += std::string("    Level:           ") + level(f.sev) + "\n";
    diagnostics += "    BuildDirectory:  \"\"\n";
  }
  std::string doc = "---\nMainSourceFile:  " + yaml_quote(main_file) + "\n";
  doc += diagnostics.empty() ? "Diagnostics:     []\n" : "Diagnostics:\n" + diagnostics;
  doc += "...\n";
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (!ec) {
    os << doc;
    os.close();
    if (os.has_error()) {
      ec = os.error();
      os.clear_error();
    }
  }
  if (ec) {
    error = "--export-fixes: cannot write '" + path + "': " + ec.message();
    return false;
  }
  return true;
}

apply_result apply_fixes(const std::vector<finding>& findings) {
  apply_result result;
  std::map<std::string, clang::tooling::Replacements> by_file;
  for (const finding& f : findings) {
    if (f.fixes.empty()) continue;
    // Try the finding's edits on a copy: all or nothing.
    std::map<std::string, clang::tooling::Replacements> trial;
    bool ok = true;
    for (const text_edit& e : f.fixes) {
      auto it = trial.find(e.file);
      if (it == trial.end()) it = trial.emplace(e.file, by_file[e.file]).first;
      clang::tooling::Replacement r(e.file, e.offset, e.length, e.replacement);
      // An identical edit already there (two findings, one fix): fine.
      bool present = false;
      for (const clang::tooling::Replacement& old : it->second) present = present || old == r;
      if (present) continue;
      if (llvm::Error err = it->second.add(r)) {
        llvm::consumeError(std::move(err));
        ok = false;
        break;
      }
    }
    if (!ok) {
      result.conflicts.push_back(where(f) + ": fix overlaps another fix; not applied");
      continue;
    }
    for (auto& [file, reps] : trial) by_file[file] = std::move(reps);
    ++result.applied;
  }
  for (const auto& [file, reps] : by_file) {
    if (reps.empty()) continue;
    auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!buffer) {
      result.errors.push_back(display_path(file) + ": cannot read: " + buffer.getError().message());
      continue;
    }
    llvm::Expected<std::string> code = clang::tooling::applyAllReplacements((*buffer)->getBuffer(), reps);
    if (!code) {
      result.errors.push_back(display_path(file) + ": " + llvm::toString(code.takeError()));
      continue;
    }
    std::error_code ec;
    llvm::raw_fd_ostream os(file, ec, llvm::sys::fs::OF_None);
    if (ec) {
      result.errors.push_back(display_path(file) + ": cannot write: " + ec.message());
      continue;
    }
    os << *code;
    ++result.files;
  }
  return result;
}

}  // namespace gocxx
