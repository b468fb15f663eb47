#include "analysis.hpp"

#include <clang/AST/RecursiveASTVisitor.h>

#include <set>

#include "model_builder.hpp"

namespace gocxx::concurrency {

namespace {

class function_collector : public clang::RecursiveASTVisitor<function_collector> {
 public:
  bool shouldVisitLambdaBody() const { return true; }
  bool shouldVisitTemplateInstantiations() const { return false; }
  bool VisitFunctionDecl(clang::FunctionDecl* fn) {
    if (fn->doesThisDeclarationHaveABody() && !fn->isDependentContext()) functions.push_back(fn);
    return true;
  }
  bool VisitLambdaExpr(clang::LambdaExpr* lambda) {
    clang::CXXMethodDecl* op = lambda->getCallOperator();
    if (op && !op->isDependentContext() && op->hasBody()) functions.push_back(op);
    return true;
  }
  std::vector<const clang::FunctionDecl*> functions;
};

}  // namespace

const unit_result& analyse_unit(check_context& context, clang::ASTContext& ast) {
  unit_result& out = context.unit_data<unit_result>();
  if (out.computed) return out;
  out.computed = true;
  function_collector collect;
  collect.TraverseDecl(ast.getTranslationUnitDecl());
  const clang::SourceManager& sm = ast.getSourceManager();
  std::set<const clang::FunctionDecl*> seen;
  std::set<std::pair<int, unsigned>> reported;
  for (const clang::FunctionDecl* fn : collect.functions) {
    if (!seen.insert(fn).second) continue;
    // Only the user's functions (header_filter.hpp); with no filter, none of
    // the system headers'.
    header_filter* filter = context.filter();
    if (filter ? !filter->allows(sm, fn->getLocation()) : sm.isInSystemHeader(fn->getLocation())) continue;
    if (!creates_sync_objects(fn)) continue;
    program prog = build_program(ast, fn, &context.unit_data<escape::summary_exchange>());
    function_result r{fn, prog.bodies.empty() ? fn->getNameAsString() : prog.bodies[0].name, explore(prog)};
    if (!prog.usable) r.result.why_incomplete = prog.why_not;
    for (const finding& f : r.result.findings)
      if (reported.insert({static_cast<int>(f.kind), f.loc.getRawEncoding()}).second) out.findings.push_back(f);
    out.functions.push_back(std::move(r));
  }
  return out;
}

}  // namespace gocxx::concurrency
