#include "finding_diagnostics.hpp"

#include <clang/Basic/FileManager.h>

namespace gocxx::integrations {

clang::SourceLocation source_location(const clang::SourceManager& sm, const location& loc) {
  clang::OptionalFileEntryRef file = sm.getFileManager().getOptionalFileRef(loc.file);
  if (!file) return {};
  clang::FileID fid = sm.translateFile(*file);
  if (fid.isInvalid()) return {};
  std::optional<llvm::MemoryBufferRef> buffer = sm.getBufferOrNone(fid);
  if (!buffer || loc.offset > buffer->getBufferSize()) return {};
  return sm.getLocForStartOfFile(fid).getLocWithOffset(static_cast<int>(loc.offset));
}

std::optional<clang::FixItHint> fix_it(const clang::SourceManager& sm, const text_edit& edit) {
  clang::SourceLocation begin = source_location(sm, location{edit.file, 0, 0, edit.offset});
  clang::SourceLocation end = source_location(sm, location{edit.file, 0, 0, edit.offset + edit.length});
  if (begin.isInvalid() || end.isInvalid()) return std::nullopt;
  return clang::FixItHint::CreateReplacement(clang::CharSourceRange::getCharRange(begin, end), edit.replacement);
}

std::string diagnostic_text(llvm::StringRef message) {
  std::string out;
  out.reserve(message.size());
  for (char c : message) {
    out += c;
    if (c == '%') out += '%';
  }
  return out;
}

clang::DiagnosticIDs::Level diagnostic_level(severity s) {
  switch (s) {
    case severity::error: return clang::DiagnosticIDs::Error;
    case severity::warning: return clang::DiagnosticIDs::Warning;
    case severity::note:
    case severity::remark: return clang::DiagnosticIDs::Remark;
  }
  return clang::DiagnosticIDs::Warning;
}

void report_finding(const clang::SourceManager& sm, const finding& f, clang::DiagnosticIDs::Level level,
                    diagnostic_emitter emit) {
  clang::SourceLocation at = source_location(sm, f.loc);
  if (at.isInvalid()) return;
  {
    clang::DiagnosticBuilder d = emit(at, f.message, level);
    for (const text_edit& e : f.fixes)
      if (std::optional<clang::FixItHint> hint = fix_it(sm, e)) d << *hint;
  }
  for (const finding_note& n : f.notes) {
    clang::SourceLocation nat = source_location(sm, n.loc);
    emit(nat.isValid() ? nat : at, n.message, clang::DiagnosticIDs::Note);
  }
}

}  // namespace gocxx::integrations
