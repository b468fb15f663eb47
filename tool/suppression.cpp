#include "suppression.hpp"

#include <clang/Basic/LangOptions.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>
#include <llvm/ADT/SmallVector.h>

#include "check_filter.hpp"

namespace gocxx {

namespace {

clang::LangOptions lexing_options() {
  clang::LangOptions lo;
  lo.CPlusPlus = lo.CPlusPlus11 = lo.CPlusPlus14 = lo.CPlusPlus17 = lo.CPlusPlus20 = true;
  lo.LineComment = true;
  return lo;
}

}  // namespace

const suppressions::markers& suppressions::of(const std::string& file) {
  auto [it, inserted] = files_.try_emplace(file);
  if (!inserted) return it->second;
  markers& found = it->second;
  const clang::SourceManager* sm = sources_.source_manager(file);
  if (!sm) return found;
  static constexpr llvm::StringLiteral marker = "gocxx:ignore[";
  static const clang::LangOptions lo = lexing_options();
  clang::FileID fid = sm->getMainFileID();
  // Raw mode: no preprocessor, every comment kept as a token.
  clang::Lexer lexer(fid, sm->getBufferOrFake(fid), *sm, lo);
  lexer.SetCommentRetentionState(true);
  clang::Token token;
  do {
    lexer.LexFromRawLexer(token);
    if (!token.is(clang::tok::comment)) continue;
    unsigned start = sm->getFileOffset(token.getLocation());
    llvm::StringRef text = sm->getBufferData(fid).substr(start, token.getLength());
    for (size_t at = text.find(marker); at != llvm::StringRef::npos; at = text.find(marker, at + 1)) {
      size_t from = at + marker.size();
      size_t close = text.find(']', from);
      if (close == llvm::StringRef::npos) break;
      llvm::SmallVector<llvm::StringRef, 4> ids;
      text.slice(from, close).split(ids, ',', -1, false);
      std::vector<std::string>& on_line = found[sm->getLineNumber(fid, static_cast<unsigned>(start + at))];
      for (llvm::StringRef id : ids)
        if (!id.trim().empty()) on_line.push_back(id.trim().str());
    }
  } while (token.isNot(clang::tok::eof));
  return found;
}

bool suppressions::suppressed(const finding& f) {
  if (f.loc.file.empty() || f.loc.line == 0) return false;
  const markers& m = of(f.loc.file);
  for (unsigned line : {f.loc.line, f.loc.line - 1}) {
    auto it = m.find(line);
    if (it == m.end()) continue;
    for (const std::string& glob : it->second)
      if (glob_match(glob, f.check)) return true;
  }
  return false;
}

}  // namespace gocxx
