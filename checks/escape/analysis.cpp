#include "escape/analysis.hpp"

#include "escape/call_graph.hpp"
#include "escape/graph_builder.hpp"
#include "escape/unit_summaries.hpp"

#include <clang/AST/DeclCXX.h>
#include <clang/Basic/SourceManager.h>

#include <map>
#include <optional>
#include <tuple>

using namespace clang;

namespace gocxx::escape {

namespace {

int strength(root_kind k) { return k == root_kind::none ? 0 : is_definite(k) ? 2 : 1; }

class collector {
 public:
  collector(ASTContext& ctx, summary_exchange& exchange)
      : ctx_(ctx), sm_(ctx.getSourceManager()), exchange_(exchange) {}

  void run() {
    // Other units' summaries for the functions this one has no body of.
    import_summaries(ctx_, exchange_, summaries_);
    call_graph cg = build_call_graph(ctx_);
    for (const std::vector<const FunctionDecl*>& comp : bottom_up_components(cg)) {
      note_recursion(cg, comp);
      batch(cg, comp);
    }
    for (auto& [key, item] : merged_) found.items.push_back(std::move(item));
    found.summaries = std::move(summaries_);
  }

  escape_result found;

 private:
  // A component of several functions, or one that calls itself: each call
  // may be live on the stack at once.
  void note_recursion(const call_graph& cg, const std::vector<const FunctionDecl*>& comp) {
    bool recursive = comp.size() > 1;
    if (!recursive && !comp.empty()) {
      auto it = cg.index.find(comp[0]);
      if (it != cg.index.end())
        for (unsigned callee : cg.callees[it->second]) recursive = recursive || callee == it->second;
    }
    if (recursive) found.recursive.insert(comp.begin(), comp.end());
    // Through an indirect call, here or in a callee (components come callees
    // first), the component may run again before it returns.
    bool reentrant = false;
    for (const FunctionDecl* fd : comp) {
      auto it = cg.index.find(fd);
      if (it == cg.index.end()) continue;
      reentrant = reentrant || cg.calls_indirectly[it->second];
      for (unsigned callee : cg.callees[it->second])
        reentrant = reentrant || found.reentrant.contains(cg.nodes[callee]);
    }
    if (reentrant) found.reentrant.insert(comp.begin(), comp.end());
  }

  void batch(const call_graph& cg, const std::vector<const FunctionDecl*>& comp) {
    location_graph g;
    graph_builder builder(ctx_, g, summaries_, comp);
    builder.build();
    llvm::DenseSet<const FunctionDecl*> reported;
    for (const FunctionDecl* fd : comp) {
      auto it = cg.index.find(fd);
      // Defaulted and implicit functions are not the user's code: no report.
      if (fd->isDefaulted() || fd->isImplicit()) continue;
      if (it != cg.index.end() && cg.in_main_file[it->second]) reported.insert(fd);
    }
    for (unsigned i = 0; i < g.size(); ++i)
      if (g.at(i).fn && reported.count(g.at(i).fn)) g.at(i).explain = true;
    solution sol = solve(g);
    note_joined_escapes(g, comp, reported);
    for (const auto& [fd, fl] : builder.functions()) {
      function_summary s;
      for (unsigned p : fl.params) s.params.push_back(sol.leaks[p]);
      for (unsigned c : fl.captures) s.captures.push_back(sol.leaks[c]);
      if (fl.result >= 0 && g.at(static_cast<unsigned>(fl.result)).escapes) s.result_escapes = true;
      if (fl.this_obj >= 0 && g.at(static_cast<unsigned>(fl.this_obj)).escapes) s.result_escapes = true;
      if (fl.this_loc >= 0) {
        s.has_this = true;
        s.this_param = sol.leaks[static_cast<unsigned>(fl.this_loc)];
      }
      summaries_[fd] = std::move(s);
    }
    if (reported.empty()) return;
    for (unsigned i = 0; i < g.size(); ++i) {
      const location& l = g.at(i);
      if (!l.fn || !reported.count(l.fn)) continue;
      switch (l.kind) {
        case loc_kind::param: param_item(g, sol, i); break;
        case loc_kind::variable: variable_item(g, i); break;
        case loc_kind::alloc: alloc_item(g, i); break;
        case loc_kind::temporary:
          if (l.expr && l.escapes && is_definite(final_root(g, i))) variable_item(g, i);
          break;
        default: break;
      }
    }
  }

  // For the variables a goroutine can reach: whether they escape even when
  // the goroutines their own functions spawn are joined (the same batch
  // built again with joined spawns; its summaries are not kept).
  void note_joined_escapes(const location_graph& g, const std::vector<const FunctionDecl*>& comp,
                           const llvm::DenseSet<const FunctionDecl*>& reported) {
    joined_escape_.clear();
    bool any = false;
    for (unsigned i = 0; i < g.size() && !any; ++i) {
      const location& l = g.at(i);
      any = (l.kind == loc_kind::variable || l.kind == loc_kind::param) && l.escapes &&
            final_root(g, i) == root_kind::spawn && reported.count(l.fn);
    }
    if (!any) return;
    location_graph joined;
    graph_builder builder(ctx_, joined, summaries_, comp, /*joined_spawns=*/true);
    builder.build();
    solve(joined);
    for (unsigned i = 0; i < joined.size(); ++i) {
      const location& l = joined.at(i);
      if ((l.kind != loc_kind::variable && l.kind != loc_kind::param) || !l.decl) continue;
      bool& escapes = joined_escape_[l.decl];  // over a split variable's fields
      escapes = escapes || (l.escapes && is_definite(final_root(joined, i)));
    }
  }

  bool reportable_pos(SourceLocation pos) const { return pos.isValid() && sm_.isInMainFile(sm_.getExpansionLoc(pos)); }

  escape_item& slot(item_kind kind, SourceLocation pos, const std::string& name, bool& fresh) {
    SourceLocation at = sm_.getExpansionLoc(pos);
    auto key = std::make_tuple(sm_.getFileOffset(at), static_cast<int>(kind), name);
    auto it = merged_.find(key);
    fresh = it == merged_.end();
    escape_item& item = merged_[key];
    if (fresh) {
      item.kind = kind;
      item.pos = at;
      item.name = name;
    }
    return item;
  }

  static std::string function_name(const FunctionDecl* fd) {
    if (const auto* md = dyn_cast<CXXMethodDecl>(fd); md && md->getParent()->isLambda()) return "lambda";
    return fd->getNameAsString();
  }

  void note_escape(escape_item& item, const location_graph& g, unsigned i) {
    const location& l = g.at(i);
    if (!l.escapes) return;
    root_kind k = final_root(g, i);
    if (!item.escapes || strength(k) > strength(item.root)) {
      item.root = k;
      item.flow = explain(g, i);
    }
    item.escapes = true;
  }

  void param_item(const location_graph& g, const solution& sol, unsigned i) {
    const location& l = g.at(i);
    if (!reportable_pos(l.pos)) return;
    if (l.is_this) {
      const auto* md = dyn_cast<CXXMethodDecl>(l.fn);
      if (!md || md->getParent()->isLambda()) return;
    } else {
      const auto* p = dyn_cast_or_null<ParmVarDecl>(l.decl);
      if (!p || !p->getIdentifier()) return;
    }
    bool has_ptr = l.is_this || has_pointers(cast<ValueDecl>(l.decl)->getType());
    bool fresh = false;
    escape_item& item = slot(item_kind::param, l.pos, l.name, fresh);
    item.function = function_name(l.fn);
    item.leaks.merge(sol.leaks[i]);
    item.is_param = true;
    note_escape(item, g, i);
    if (!l.is_this) note_instance(item, g, i);
    // A parameter without pointers says nothing unless it is moved to the heap.
    if (!has_ptr && !item.escapes) item.kind = item_kind::variable;
    if (!has_ptr) item.kind = item_kind::variable;
  }

  void variable_item(const location_graph& g, unsigned i) {
    const location& l = g.at(i);
    if (!reportable_pos(l.pos)) return;
    if (l.kind == loc_kind::variable) {
      const auto* vd = dyn_cast_or_null<VarDecl>(l.decl);
      if (!vd || vd->isImplicit() || !vd->getIdentifier()) return;
    }
    if (!l.escapes) return;  // only the variables moved to the heap are reported
    bool fresh = false;
    escape_item& item = slot(item_kind::variable, l.pos, l.kind == loc_kind::temporary ? "temporary" : l.name, fresh);
    item.function = function_name(l.fn);
    item.is_temporary = l.kind == loc_kind::temporary;
    note_escape(item, g, i);
    if (l.kind == loc_kind::variable) note_instance(item, g, i);
  }

  // A variable or by-value parameter that a goroutine reaches: this
  // instance, and whether it escapes even with its function's goroutines
  // joined.
  void note_instance(escape_item& item, const location_graph& g, unsigned i) {
    const location& l = g.at(i);
    if (!l.escapes || final_root(g, i) != root_kind::spawn) return;
    const auto* vd = dyn_cast_or_null<VarDecl>(l.decl);
    auto it = joined_escape_.find(l.decl);
    // A variable split into fields (fields.cpp) has a location per field.
    if (vd && std::find(item.instances.begin(), item.instances.end(), std::make_pair(vd, l.fn)) == item.instances.end())
      item.instances.emplace_back(vd, l.fn);
    item.escapes_unless_joined = item.escapes_unless_joined || !vd || it == joined_escape_.end() || it->second;
  }

  void alloc_item(const location_graph& g, unsigned i) {
    const location& l = g.at(i);
    if (!reportable_pos(l.pos)) return;
    bool fresh = false;
    escape_item& item = slot(item_kind::alloc, l.pos, l.name, fresh);
    item.function = function_name(l.fn);
    item.alloc = l.alloc;
    item.expr = l.expr;
    item.forced_heap = item.forced_heap || l.forced_heap;
    note_escape(item, g, i);
  }

  ASTContext& ctx_;
  const SourceManager& sm_;
  summary_exchange& exchange_;
  summary_table summaries_;
  llvm::DenseMap<const ValueDecl*, bool> joined_escape_;  // note_joined_escapes, for the current batch
  std::map<std::tuple<unsigned, int, std::string>, escape_item> merged_;
};

// The unit's result, in its check_context (check_context::unit_data).
struct unit_result {
  std::optional<escape_result> result;
};

}  // namespace

const escape_result& analyse(ASTContext& ctx, check_context& unit) {
  unit_result& slot = unit.unit_data<unit_result>();
  if (!slot.result) {
    summary_exchange& exchange = unit.unit_data<summary_exchange>();
    collector c(ctx, exchange);
    c.run();
    slot.result = std::move(c.found);
    export_summaries(ctx, *slot.result, exchange);
  }
  return *slot.result;
}

}  // namespace gocxx::escape
