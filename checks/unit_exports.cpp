#include "unit_exports.hpp"

#include "concurrency/sync_free.hpp"
#include "escape/analysis.hpp"
#include "escape/unit_summaries.hpp"

namespace gocxx {

bool reads_summaries(llvm::StringRef check_id) {
  return check_id.starts_with("gocxx-escape-") || check_id.starts_with("gocxx-leak-") ||
         check_id.starts_with("gocxx-chan-");
}

void compute_unit_summaries(clang::ASTContext& ctx, check_context& context) {
  escape::analyse(ctx, context);  // once per unit: a no-op when an escape check ran it
  concurrency::mark_sync_free(ctx, context.unit_data<escape::summary_exchange>());
}

}  // namespace gocxx
