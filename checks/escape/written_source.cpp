#include "escape/written_source.hpp"

#include <clang/AST/ExprCXX.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>

namespace gocxx::escape {

using namespace clang;

namespace {

// In a template's instantiation the callee `go::new_<pair<K, V>>` keeps its
// written range but not the ranges of its explicit arguments: the text between the name
// and the end, `<pair<K, V>>`, is the argument list as written.
std::string written_argument_list(const ASTContext& ctx, const DeclRefExpr* dre, unsigned shown) {
  const SourceManager& sm = ctx.getSourceManager();
  SourceLocation name_end = dre->getNameInfo().getEndLoc(), end = dre->getEndLoc();
  if (shown == 0 || name_end.isMacroID() || end.isMacroID() || name_end == end) return {};
  SourceLocation after_name = Lexer::getLocForEndOfToken(name_end, 0, sm, ctx.getLangOpts());
  llvm::StringRef text = Lexer::getSourceText(CharSourceRange::getTokenRange(after_name, end), sm, ctx.getLangOpts());
  text = text.trim();
  if (!text.consume_front("<") || !text.consume_back(">")) return {};
  // One argument only: a comma outside brackets separates two.
  int depth = 0;
  for (char c : text) {
    if (c == '<' || c == '(' || c == '[' || c == '{') ++depth;
    if (c == '>' || c == ')' || c == ']' || c == '}') --depth;
    if (c == ',' && depth == 0) return {};
  }
  return text.trim().str();
}

}  // namespace

std::string written_template_args(const ASTContext& ctx, const CallExpr* ce, unsigned shown) {
  const auto* dre = dyn_cast<DeclRefExpr>(ce->getCallee()->IgnoreImplicit());
  if (!dre) return {};
  if (dre->getNumTemplateArgs() == 0) return written_argument_list(ctx, dre, shown);
  const SourceManager& sm = ctx.getSourceManager();
  std::string out;
  for (unsigned i = 0; i < dre->getNumTemplateArgs() && i < shown; ++i) {
    SourceRange r = dre->getTemplateArgs()[i].getSourceRange();
    if (r.isInvalid() && dre->getNumTemplateArgs() == 1) return written_argument_list(ctx, dre, shown);
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
