#include "escape/written_source.hpp"

#include <clang/AST/ExprCXX.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>

namespace gocxx::escape {

using namespace clang;

std::string written_template_args(const ASTContext& ctx, const CallExpr* ce, unsigned shown) {
  const auto* dre = dyn_cast<DeclRefExpr>(ce->getCallee()->IgnoreImplicit());
  if (!dre || dre->getNumTemplateArgs() == 0) return {};
  const SourceManager& sm = ctx.getSourceManager();
  std::string out;
  for (unsigned i = 0; i < dre->getNumTemplateArgs() && i < shown; ++i) {
    SourceRange r = dre->getTemplateArgs()[i].getSourceRange();
    CharSourceRange chars = CharSourceRange::getTokenRange(r);
    // `pair<int, long>>`: the lexer split `>>`, and the first `>` of the
    // two is spelled in its scratch space; it is the one character written
    // where `>>` starts.
    if (r.getEnd().isMacroID() && sm.isWrittenInScratchSpace(sm.getSpellingLoc(r.getEnd())))
      chars = CharSourceRange::getCharRange(r.getBegin(), sm.getExpansionLoc(r.getEnd()).getLocWithOffset(1));
    if (r.isInvalid() || r.getBegin().isMacroID() || chars.getEnd().isMacroID()) return {};
    llvm::StringRef text = Lexer::getSourceText(chars, sm, ctx.getLangOpts());
    if (text.empty()) return {};
    if (!out.empty()) out += ", ";
    out += text.str();
  }
  return out;
}

}  // namespace gocxx::escape
