#include "fixes.hpp"

#include <clang/Tooling/Core/Diagnostic.h>
#include <clang/Tooling/Core/Replacement.h>
#include <clang/Tooling/DiagnosticsYaml.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/YAMLTraits.h>
#include <llvm/Support/raw_ostream.h>

#include <map>

#include "report.hpp"

namespace gocxx {

namespace {

clang::tooling::Diagnostic::Level level(severity s) {
  switch (s) {
    case severity::error: return clang::tooling::Diagnostic::Error;
    case severity::warning: return clang::tooling::Diagnostic::Warning;
    default: return clang::tooling::Diagnostic::Remark;
  }
}

std::string where(const finding& f) {
  return display_path(f.loc.file) + ":" + std::to_string(f.loc.line) + ":" + std::to_string(f.loc.column) + " [" +
         f.check + "]";
}

}  // namespace

bool export_fixes(const std::string& path, const std::vector<finding>& findings, std::string& error) {
  clang::tooling::TranslationUnitDiagnostics tu;
  for (const finding& f : findings) {
    if (f.fixes.empty()) continue;
    clang::tooling::DiagnosticMessage message(f.message);
    message.FilePath = f.loc.file;
    message.FileOffset = f.loc.offset;
    bool ok = true;
    for (const text_edit& e : f.fixes) {
      clang::tooling::Replacement r(e.file, e.offset, e.length, e.replacement);
      if (llvm::Error err = message.Fix[e.file].add(r)) {
        llvm::consumeError(std::move(err));
        ok = false;
      }
    }
    if (!ok) continue;
    if (tu.MainSourceFile.empty()) tu.MainSourceFile = f.loc.file;
    llvm::SmallVector<clang::tooling::DiagnosticMessage, 1> notes;
    for (const finding_note& n : f.notes) {
      clang::tooling::DiagnosticMessage m(n.message);
      m.FilePath = n.loc.file;
      m.FileOffset = n.loc.offset;
      notes.push_back(std::move(m));
    }
    tu.Diagnostics.emplace_back(f.check, message, notes, level(f.sev), /*BuildDirectory=*/"");
  }
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Text);
  if (ec) {
    error = "--export-fixes: cannot write '" + path + "': " + ec.message();
    return false;
  }
  llvm::yaml::Output yaml(os);
  yaml << tu;
  os << "\n";
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
