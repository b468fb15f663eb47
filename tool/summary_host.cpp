#include "summary_host.hpp"

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>

#include "unit_exports.hpp"
#include "summary_store.hpp"

namespace gocxx {

unit_summary_host::unit_summary_host(std::string dir, bool read) : dir_(std::move(dir)), read_(read) {
  llvm::SmallString<256> absolute(dir_);
  if (!llvm::sys::fs::make_absolute(absolute)) dir_ = std::string(absolute);
}

void unit_summary_host::prepare(check_context& context) {
  escape::summary_exchange& exchange = context.unit_data<escape::summary_exchange>();
  exchange.record = true;
  if (!read_) return;
  std::vector<std::string> dropped;  // out of date: not used, and not a problem
  std::vector<unit_summaries> valid = read_valid_units(dir_, problems_, dropped);
  exchange.imported = std::make_shared<const escape::summary_index>(merge_units(valid).index);
}

bool unit_summary_host::finish(clang::ASTContext& ctx, check_context& context, bool wanted, std::string& error) {
  if (!wanted) return true;
  compute_unit_summaries(ctx, context);
  unit_summaries mine = collect_unit_summaries(ctx.getSourceManager(), context.unit_data<escape::summary_exchange>());
  if (mine.unit.empty()) return true;  // no main file (a buffer): nothing another unit could name it by
  return write_unit_summaries(dir_, mine, error);
}

}  // namespace gocxx
