// gocxx-layout-report: size, alignment, field offsets, holes, tail padding
// and cache lines of every record, as `gocxx layout` prints them.
// docs/checks/gocxx-layout-report.md
#include <algorithm>
#include <optional>

#include "layout/layout_check_base.hpp"
#include "layout/layout_checks.hpp"
#include "layout/layout_model.hpp"
#include "runtime_model/runtime_model.hpp"

using namespace clang;

namespace gocxx::layout {

namespace {

class report_check : public layout_check_base {
 public:
  report_check(llvm::StringRef id, check_context& context) : layout_check_base(id, context) {}

  void on_end_of_translation_unit(ASTContext& ctx) override {
    runtime_model::pointer_model ptrs(ctx);
    PrintingPolicy policy = name_policy(ctx);
    for (const RecordDecl* rd : sorted_records(ctx)) {
      record_layout l = describe(ctx, rd, ptrs, policy, cache_line_);
      bool exact = true;
      std::optional<uint64_t> optimal = optimal_size(ctx, l, exact);
      nlohmann::json data = to_json(l, optimal);
      if (!optimal) data["optimal_size_known"] = false;
      if (!exact) data["optimal_size_exact"] = false;
      diag(ctx.getSourceManager(), report_loc(ctx, rd), render(l, optimal, cache_line_), severity::remark)
          .data(std::move(data));
    }
  }

 private:
  // The size under the best field order; nullopt when the model cannot
  // reproduce the record; `exact` false when the search stopped early.
  static std::optional<uint64_t> optimal_size(ASTContext& ctx, const record_layout& l, bool& exact) {
    if (l.is_union) return l.size;
    layout_model m(ctx, l);
    if (!m.valid()) return std::nullopt;
    if (m.size_lower_bound() >= l.size) return l.size;
    auto b = m.best_order(max_search_nodes, /*size_only=*/true);
    exact = b.exact;
    return std::min(b.size, l.size);
  }
};

}  // namespace

std::unique_ptr<check> make_report_check(llvm::StringRef id, check_context& c) {
  return make_check<report_check>(id, c);
}

}  // namespace gocxx::layout
