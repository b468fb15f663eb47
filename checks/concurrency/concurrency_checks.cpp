#include "concurrency_checks.hpp"

#include <algorithm>

#include "analysis.hpp"

namespace gocxx::concurrency {

void concurrency_check::on_end_of_translation_unit(clang::ASTContext& ctx) {
  const unit_result& r = analyse_unit(context(), ctx);
  const clang::SourceManager& sm = ctx.getSourceManager();
  for (const finding& f : r.findings) {
    if (std::find(kinds_.begin(), kinds_.end(), f.kind) == kinds_.end()) continue;
    finding_builder b = diag(sm, f.loc, f.message);
    for (const path_step& p : f.path) b.note(p.loc, p.text);
    if (f.fix_range.isValid())
      b.fix_replace(clang::CharSourceRange::getTokenRange(f.fix_range), f.fix_text);
    else if (f.fix_at.isValid())
      b.fix_insert(f.fix_at, f.fix_text);
  }
}

void not_analysed_check::on_end_of_translation_unit(clang::ASTContext& ctx) {
  const unit_result& r = analyse_unit(context(), ctx);
  const clang::SourceManager& sm = ctx.getSourceManager();
  for (const function_result& f : r.functions) {
    if (f.result.complete) continue;
    diag(sm, f.fn->getLocation(), f.name + " was not analysed for leaks and channel misuse: " + f.result.why_incomplete,
         severity::remark);
  }
}

}  // namespace gocxx::concurrency
