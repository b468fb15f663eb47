// The checks of the escape family, reporting what checks/escape/analysis.cpp
// finds: the -m report (gocxx-escape-report), heap allocations that can
// live on the stack (gocxx-escape-heap-to-stack) and addresses of locals
// that outlive them (gocxx-escape-dangling).
#include "escape/escape_checks.hpp"

#include "concurrency/join_proof.hpp"
#include "escape/analysis.hpp"
#include "escape/heap_move.hpp"
#include "escape/owner_rewrite.hpp"
#include "escape/stack_rewrite.hpp"

#include <clang/Basic/SourceManager.h>

namespace gocxx::escape {

namespace {

const char* verdict_name(item_kind kind, bool escapes, const std::string& message) {
  if (llvm::StringRef(message).starts_with("moved to heap")) return "moved-to-heap";
  if (kind == item_kind::param) {
    return llvm::StringRef(message).starts_with("leaking param") ? "leaking-param" : "param-does-not-escape";
  }
  if (kind == item_kind::alloc) return escapes ? "escapes" : "does-not-escape";
  return escapes ? "moved-to-heap" : "does-not-escape";
}

std::string dangling_reason(root_kind k, const std::string& function) {
  switch (k) {
    case root_kind::result: return "it is returned from '" + function + "'";
    case root_kind::global: return "it is stored in a global variable";
    case root_kind::gc_heap: return "it is stored in the GC heap";
    case root_kind::chan_send: return "it is sent on a channel";
    case root_kind::spawn: return "a spawned goroutine can reach it";
    default: return "it escapes";
  }
}

// A plan's edits as the finding's fix-its (an empty character range inserts).
void add_edits(finding_builder& b, const std::vector<std::pair<clang::CharSourceRange, std::string>>& edits) {
  for (const auto& [range, text] : edits) {
    if (range.getBegin() == range.getEnd() && range.isCharRange())
      b.fix_insert(range.getBegin(), text);
    else
      b.fix_replace(range, text);
  }
}

}  // namespace

report_check::report_check(llvm::StringRef id, check_context& context)
    : check(id, context), level_(static_cast<int>(options().get_int("Level", 1, 0))) {}

void report_check::store_options(option_map& out) const { options().store(out, "Level", level_); }

void report_check::on_end_of_translation_unit(clang::ASTContext& ctx) {
  int m = level_;
  if (m <= 0) return;
  const escape_result& result = analyse(ctx, context());
  const clang::SourceManager& sm = ctx.getSourceManager();
  for (const escape_item& item : result.items) {
    std::vector<std::string> lines;
    switch (item.kind) {
      case item_kind::param: lines = describe_leaks(item.leaks, item.name); break;
      case item_kind::variable:
        if (item.escapes && !item.is_temporary) lines.push_back("moved to heap: " + item.name);
        break;
      case item_kind::alloc:
        // Go's -m speaks of Go's allocations: std::make_unique and new are
        // gocxx-escape-unique-to-stack's.
        if (item.alloc == alloc_kind::make_unique || item.alloc == alloc_kind::cxx_new) break;
        lines.push_back(item.name + (item.escapes || item.forced_heap ? " escapes to heap" : " does not escape"));
        break;
    }
    for (const std::string& line : lines) {
      auto b = diag(sm, item.pos, line, severity::remark);
      b.data({{"verdict", verdict_name(item.kind, item.escapes || item.forced_heap, line)}, {"name", item.name}});
      if (m >= 2) {
        if (item.forced_heap) b.note(item.pos, "too large for the stack, or a non-constant size");
        for (const flow_step& f : item.flow) b.note(f.where.isValid() ? f.where : item.pos, f.text);
      }
    }
  }
}

void heap_to_stack_check::on_end_of_translation_unit(clang::ASTContext& ctx) {
  const escape_result& result = analyse(ctx, context());
  const clang::SourceManager& sm = ctx.getSourceManager();
  rewrite_run run(result.recursive, result.reentrant);
  for (const escape_item& item : result.items) {
    if (item.kind != item_kind::alloc || item.escapes || item.forced_heap) continue;
    if (item.alloc != alloc_kind::new_ && item.alloc != alloc_kind::make_slice) continue;
    const auto* call = llvm::dyn_cast_or_null<clang::CallExpr>(item.expr);
    stack_rewrite plan;
    if (call) plan = plan_stack_rewrite(ctx, call, item.alloc, run);
    if (!plan.allocates) continue;
    auto b = diag(sm, item.pos, item.name + " does not escape; it can live on the stack");
    b.data({{"verdict", "does-not-escape"}, {"name", item.name}});
    if (!call) continue;
    if (!plan.possible) {
      b.note(item.pos, "no fix-it: " + plan.why_not);
      continue;
    }
    b.fix_insert(plan.insert_at, plan.declaration);
    b.fix_replace(plan.call, plan.replacement);
  }
}

void unique_to_stack_check::on_end_of_translation_unit(clang::ASTContext& ctx) {
  const escape_result& result = analyse(ctx, context());
  const clang::SourceManager& sm = ctx.getSourceManager();
  rewrite_run run(result.recursive, result.reentrant);
  for (const escape_item& item : result.items) {
    if (item.kind != item_kind::alloc || item.escapes || item.forced_heap || !item.expr) continue;
    if (item.alloc != alloc_kind::make_unique && item.alloc != alloc_kind::cxx_new) continue;
    owner_rewrite plan = plan_owner_rewrite(ctx, item.expr, item.alloc, run);
    if (!plan.report) continue;
    auto b = diag(sm, item.pos, item.name + " does not escape; it can live on the stack");
    b.data({{"verdict", "does-not-escape"}, {"name", item.name}});
    if (!plan.possible) {
      b.note(plan.why_not_at.isValid() ? plan.why_not_at : item.pos, "no fix-it: " + plan.why_not);
      continue;
    }
    add_edits(b, plan.edits);
  }
}

dangling_check::dangling_check(llvm::StringRef id, check_context& context)
    : check(id, context), latch_option_(options().get("LatchTypes", "")) {
  llvm::SmallVector<llvm::StringRef, 4> names;
  llvm::StringRef(latch_option_).split(names, ';', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef n : names)
    if (!n.trim().empty()) latch_types_.push_back(n.trim().str());
}

void dangling_check::store_options(option_map& out) const { options().store(out, "LatchTypes", latch_option_); }

bool dangling_check::joined(clang::ASTContext& ctx, concurrency::join_prover& joins, const escape_result& result,
                            const escape_item& item, std::string& why, clang::SourceLocation& where) const {
  if (item.escapes_unless_joined || item.instances.empty()) return false;
  for (auto [var, fn] : item.instances) {
    // The goroutines keep nothing they are given beyond their own run.
    for (const clang::FunctionDecl* g : concurrency::spawned_bodies(ctx, fn)) {
      auto it = result.summaries.find(g);
      bool keeps = it == result.summaries.end();
      if (!keeps) {
        const function_summary& s = it->second;
        keeps = s.has_this && s.receiver().heap_definite != no_leak;
        for (const param_leaks& p : s.params) keeps = keeps || p.heap_definite != no_leak;
      }
      if (keeps) {
        why = "the goroutine keeps an address it is given beyond its own run";
        where = g->getLocation();
        return false;
      }
    }
    concurrency::join_verdict v = joins.prove(fn, var);
    if (!v.proven) {
      why = v.why_not;
      where = v.where;
      return false;
    }
  }
  return true;
}

void dangling_check::on_end_of_translation_unit(clang::ASTContext& ctx) {
  const escape_result& result = analyse(ctx, context());
  const clang::SourceManager& sm = ctx.getSourceManager();
  concurrency::join_prover joins(ctx, latch_types_);
  for (const escape_item& item : result.items) {
    bool moved = item.escapes &&
                 (item.kind == item_kind::variable || (item.kind == item_kind::param && item.leaks.moved_to_heap));
    // Temporaries are left to Clang's own -Wdangling diagnostics.
    if (!moved || !is_definite(item.root) || item.is_temporary) continue;
    std::string what = item.is_temporary ? "a temporary object"
                       : item.is_param   ? "parameter '" + item.name + "'"
                                         : "local variable '" + item.name + "'";
    std::string why_not_joined;
    clang::SourceLocation not_joined_at;
    if (item.root == root_kind::spawn && joined(ctx, joins, result, item, why_not_joined, not_joined_at)) continue;
    std::string msg = "address of " + what + " outlives it: " + dangling_reason(item.root, item.function);
    auto b = diag(sm, item.pos, msg);
    b.data({{"name", item.name}, {"reason", root_description(item.root)}});
    for (const flow_step& f : item.flow) b.note(f.where.isValid() ? f.where : item.pos, f.text);
    if (!why_not_joined.empty())
      b.note(not_joined_at.isValid() ? not_joined_at : item.pos, "no join before the scope ends: " + why_not_joined);
    // What a goroutine reaches can move to the GC heap, the goroutine
    // holding a handle; a raw address returned, stored or sent cannot.
    if (item.root != root_kind::spawn || item.is_param || item.instances.size() != 1) continue;
    heap_move plan = plan_heap_move(ctx, item.instances.front().first, result.summaries);
    if (!plan.possible) {
      b.note(plan.why_not_at.isValid() ? plan.why_not_at : item.pos, "no fix-it: " + plan.why_not);
      continue;
    }
    add_edits(b, plan.edits);
  }
}

}  // namespace gocxx::escape
