#include "escape/written_source.hpp"

#include <clang/AST/ExprCXX.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>

namespace gocxx::escape {

using namespace clang;

std::string written_template_args(const ASTContext& ctx, const CallExpr* ce, unsigned shown) {
  const auto* dre = dyn_cast<DeclRefExpr>(ce->getCallee()->IgnoreImplicit());
  if (!dre || dre->getNumTemplateArgs() == 0) return {};
  std::string out;
  for (unsigned i = 0; i < dre->getNumTemplateArgs() && i < shown; ++i) {
    SourceRange r = dre->getTemplateArgs()[i].getSourceRange();
    if (r.isInvalid() || r.getBegin().isMacroID() || r.getEnd().isMacroID()) return {};
    llvm::StringRef text =
        Lexer::getSourceText(CharSourceRange::getTokenRange(r), ctx.getSourceManager(), ctx.getLangOpts());
    if (text.empty()) return {};
    if (!out.empty()) out += ", ";
    out += text.str();
  }
  return out;
}

}  // namespace gocxx::escape
