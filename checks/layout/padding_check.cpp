// gocxx-layout-padding: a record that gets smaller under another order of
// its fields; the fix-it (padding_fix.hpp) reorders them.
// docs/checks/gocxx-layout-padding.md
#include <clang/ASTMatchers/ASTMatchers.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "layout/layout_check_base.hpp"
#include "layout/layout_checks.hpp"
#include "layout/layout_model.hpp"
#include "layout/padding_fix.hpp"
#include "runtime_model/runtime_model.hpp"

using namespace clang;
using namespace clang::ast_matchers;

namespace clang::ast_matchers {
// Not among Clang 19's matchers.
const internal::VariadicDynCastAllOfMatcher<Stmt, CXXParenListInitExpr> paren_list_init_expr;
}  // namespace clang::ast_matchers

namespace gocxx::layout {

namespace {

class padding_check : public layout_check_base {
 public:
  padding_check(llvm::StringRef id, check_context& context)
      : layout_check_base(id, context), min_bytes_(static_cast<uint64_t>(options().get_int("MinBytes", 1, 1))) {}

  void store_options(option_map& out) const override {
    layout_check_base::store_options(out);
    options().store(out, "MinBytes", min_bytes_);
  }

  // The initialisers, structured bindings and C-linkage uses of records.
  void register_more(MatchFinder& finder) override {
    uses_.inits.clear();
    uses_.paren_inits.clear();
    uses_.bindings.clear();
    // System headers too: std::make_unique<T>(a, b) initialises an
    // aggregate T positionally in <memory>, which no fix can rewrite.
    finder.addMatcher(initListExpr().bind("init"), this);
    finder.addMatcher(paren_list_init_expr().bind("paren"), this);
    finder.addMatcher(decompositionDecl().bind("binding"), this);
    uses_.extern_c.register_matchers(finder, this);
  }

  void run_more(const MatchFinder::MatchResult& r) override {
    if (const auto* e = r.Nodes.getNodeAs<InitListExpr>("init")) {
      const InitListExpr* syn = e->isSemanticForm() && e->getSyntacticForm() ? e->getSyntacticForm() : e;
      if (const RecordDecl* rd = canonical_record(e->getType())) uses_.inits[rd].insert(syn);
    } else if (const auto* p = r.Nodes.getNodeAs<CXXParenListInitExpr>("paren")) {
      if (const RecordDecl* rd = canonical_record(p->getType())) uses_.paren_inits[rd].push_back(p);
    } else if (const auto* d = r.Nodes.getNodeAs<DecompositionDecl>("binding")) {
      QualType t = d->getType().getNonReferenceType();
      if (const RecordDecl* rd = canonical_record(t)) {
        auto bs = d->bindings();
        if (!bs.empty() && bs.front()->getBinding() && isa<MemberExpr>(bs.front()->getBinding()->IgnoreParenImpCasts()))
          uses_.bindings[rd].push_back(d);
      }
    } else {
      uses_.extern_c.run(r);
    }
  }

  void on_end_of_translation_unit(ASTContext& ctx) override {
    std::vector<std::unique_ptr<padding_analysis>> all;
    for (auto& [pattern, group] : analyse_records(ctx, all)) {
      const padding_analysis* lead = largest_saving(group);
      if (!lead) continue;
      padding_fix fix = plan_padding_fix(ctx, pattern, group, *lead, uses_);
      report(ctx, group, *lead, fix);
    }
  }

 private:
  // The layout and best order of every record, grouped by written record:
  // the instantiations of one template share the text a fix-it rewrites.
  std::map<const RecordDecl*, std::vector<padding_analysis*>> analyse_records(
      ASTContext& ctx, std::vector<std::unique_ptr<padding_analysis>>& all) const {
    runtime_model::pointer_model ptrs(ctx);
    PrintingPolicy policy = name_policy(ctx);
    std::map<const RecordDecl*, std::vector<padding_analysis*>> by_pattern;
    for (const RecordDecl* rd : sorted_records(ctx)) {
      if (rd->isUnion()) continue;
      auto a = std::make_unique<padding_analysis>();
      a->rd = rd;
      a->l = describe(ctx, rd, ptrs, policy, cache_line_);
      by_pattern[written_record(rd)].push_back(a.get());
      find_best_order(ctx, *a);
      all.push_back(std::move(a));
    }
    return by_pattern;
  }

  // Leaves `a.model` set only when some order saves at least MinBytes.
  void find_best_order(ASTContext& ctx, padding_analysis& a) const {
    if (a.l.padding < min_bytes_) return;
    a.model = std::make_unique<layout_model>(ctx, a.l);
    if (a.model->valid() && a.model->size_lower_bound() + min_bytes_ <= a.l.size)
      a.b = a.model->best_order(max_search_nodes);
    else
      a.model.reset();
  }

  bool saves_enough(const padding_analysis& a) const { return a.model && a.b.size + min_bytes_ <= a.l.size; }

  // The record of the group whose best order the fix-it applies: the one
  // that saves most.
  const padding_analysis* largest_saving(const std::vector<padding_analysis*>& group) const {
    const padding_analysis* lead = nullptr;
    for (const padding_analysis* a : group)
      if (saves_enough(*a) && (!lead || a->l.size - a->b.size > lead->l.size - lead->b.size)) lead = a;
    return lead;
  }

  // Each record of the group that gets smaller; the fix-it goes with the lead.
  void report(const ASTContext& ctx, const std::vector<padding_analysis*>& group, const padding_analysis& lead,
              const padding_fix& fix) {
    const SourceManager& sm = ctx.getSourceManager();
    bool fix_given = false;
    for (const padding_analysis* a : group) {
      if (!saves_enough(*a)) continue;
      const record_layout& l = a->l;
      std::vector<std::string> order_names;
      for (unsigned fi : a->model->fields_of(a->b.unit_order)) order_names.push_back(l.fields[fi].name);
      std::string msg = l.kind + " '" + l.name + "' is " + std::to_string(l.size) + " bytes with " +
                        std::to_string(l.padding) + " bytes of padding" + base_tail_padding(l, a->b.size) +
                        "; reordering its fields makes it " + std::to_string(a->b.size) + " bytes (saves " +
                        std::to_string(l.size - a->b.size) + ")";
      nlohmann::json data = to_json(l, a->b.size);
      data["optimal_order"] = order_names;
      data["optimal_order_exact"] = a->b.exact;
      data["fix"] = fix.why.empty() && a == &lead;
      if (!fix.why.empty()) data["no_fix_reason"] = fix.why;
      auto fb = diag(sm, report_loc(ctx, a->rd), msg);
      fb.note(report_loc(ctx, a->rd), "best order: " + join(order_names));
      if (!fix.why.empty()) {
        fb.note(fix.why_loc.isValid() ? fix.why_loc : report_loc(ctx, a->rd), "no fix-it: " + fix.why);
      } else if (a == &lead && !fix_given) {
        fix_given = true;
        for (const edit& e : fix.edits)
          fb.fix_replace(
              CharSourceRange::getCharRange(sm.getComposedLoc(e.file, e.begin), sm.getComposedLoc(e.file, e.end)),
              e.text);
      } else if (a != &lead) {
        fb.note(report_loc(ctx, a->rd), "the fix-it is given with '" + lead.l.name + "'");
      }
      fb.data(std::move(data));
    }
  }

  // A saving larger than the record's own padding comes from the tail
  // padding of its bases, which the fields can fill: " (and N bytes of tail
  // padding inside 'Base')".
  static std::string base_tail_padding(const record_layout& l, uint64_t best) {
    if (l.size - best <= l.padding) return "";
    std::vector<std::string> parts;
    for (const base_desc& b : l.bases)
      if (b.inner_tail_padding && !b.tail_reused_from)
        parts.push_back(std::to_string(b.inner_tail_padding) + " bytes of tail padding inside '" + b.name + "'");
    return parts.empty() ? "" : " (and " + join(parts) + ")";
  }

  uint64_t min_bytes_ = 1;
  record_uses uses_;
};

}  // namespace

std::unique_ptr<check> make_padding_check(llvm::StringRef id, check_context& c) {
  return make_check<padding_check>(id, c);
}

}  // namespace gocxx::layout
