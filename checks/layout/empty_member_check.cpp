// gocxx-layout-empty-member: an empty class member that costs bytes where
// [[no_unique_address]] would not; the fix-it adds the attribute.
// docs/checks/gocxx-layout-empty-member.md
#include <clang/AST/Attr.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "layout/layout_check_base.hpp"
#include "layout/layout_checks.hpp"
#include "layout/layout_model.hpp"
#include "layout/layout_source.hpp"
#include "runtime_model/runtime_model.hpp"

using namespace clang;
using namespace clang::ast_matchers;

namespace gocxx::layout {

namespace {

class empty_member_check : public layout_check_base {
 public:
  empty_member_check(llvm::StringRef id, check_context& context) : layout_check_base(id, context) {}

  void register_more(MatchFinder& finder) override { extern_c_.register_matchers(finder, this); }
  void run_more(const MatchFinder::MatchResult& r) override { extern_c_.run(r); }

  void on_end_of_translation_unit(ASTContext& ctx) override {
    runtime_model::pointer_model ptrs(ctx);
    PrintingPolicy policy = name_policy(ctx);
    std::set<unsigned> fixed_at;  // one fix per written declaration (templates)
    for (const RecordDecl* rd : sorted_records(ctx)) {
      if (rd->isUnion()) continue;
      record_layout l = describe(ctx, rd, ptrs, policy, cache_line_);
      bool any = false;
      for (const field_desc& f : l.fields) any |= costly_candidate(f);
      if (!any) continue;
      layout_model m(ctx, l);
      if (!m.valid()) continue;
      for (const field_desc& f : l.fields)
        if (costly_candidate(f)) examine_member(ctx, rd, l, m, f, fixed_at);
    }
  }

 private:
  // An empty member without the attribute (bit-fields cannot have it).
  static bool costly_candidate(const field_desc& f) { return f.empty_class && !f.nua && !f.bitfield; }

  // Reports `f` if the record gets smaller with [[no_unique_address]] on it.
  void examine_member(ASTContext& ctx, const RecordDecl* rd, const record_layout& l, const layout_model& m,
                      const field_desc& f, std::set<unsigned>& fixed_at) {
    const SourceManager& sm = ctx.getSourceManager();
    std::vector<unsigned> identity(l.fields.size());
    for (unsigned i = 0; i < identity.size(); ++i) identity[i] = i;
    uint64_t with = m.simulate(identity, static_cast<int>(f.index)).size;
    if (with >= l.size) return;
    std::string msg = "empty member '" + f.name + "' of type '" + f.type + "' costs " + std::to_string(l.size - with) +
                      " byte" + (l.size - with == 1 ? "" : "s") + ": '" + l.name + "' is " + std::to_string(l.size) +
                      " bytes, " + std::to_string(with) + " with [[no_unique_address]]";
    SourceLocation loc = sm.getExpansionLoc(f.decl->getLocation());
    auto fb = diag(sm, loc, msg);
    nlohmann::json data = to_json(l, std::nullopt);
    data["member"] = f.name;
    data["size_with_no_unique_address"] = with;
    // The fix-it: the attribute before the declaration.
    const RecordDecl* pattern = written_record(rd);
    std::string why = why_no_fix(ctx, rd, pattern);
    std::optional<field_slots> slots;
    unsigned unit_index = 0;
    if (why.empty()) {
      std::vector<std::vector<unsigned>> unit_fields;
      for (unsigned ui = 0; ui < m.units().size(); ++ui) {
        unit_fields.push_back(m.units()[ui].fields);
        for (unsigned fi : m.units()[ui].fields)
          if (fi == f.index) unit_index = ui;
      }
      if (m.units()[unit_index].fields.size() != 1)
        why = "the declaration declares more than one member";
      else
        slots = find_field_slots(ctx, pattern, unit_fields, why);
    }
    if (slots) {
      unsigned off = slots->decl_begin[unit_index];
      if (fixed_at.insert(off).second) fb.fix_insert(sm.getComposedLoc(slots->file, off), "[[no_unique_address]] ");
    } else {
      fb.note(loc, "no fix-it: " + why);
      data["no_fix_reason"] = why;
    }
    fb.data(std::move(data));
  }

  // Why the record's members may not change their layout ("": they may).
  std::string why_no_fix(const ASTContext& ctx, const RecordDecl* rd, const RecordDecl* pattern) const {
    if (pattern->hasAttr<PackedAttr>() || pattern->hasAttr<MaxFieldAlignmentAttr>()) return "the record is packed";
    if (has_abi_mark(ctx, pattern)) return "the record carries a 'gocxx:abi' mark";
    if (pattern->isExternCContext() || extern_c_.find(cast<RecordDecl>(rd->getCanonicalDecl())))
      return "the record is used across an extern \"C\" boundary";
    if (!ctx.getLangOpts().CPlusPlus20) return "[[no_unique_address]] needs C++20";
    return "";
  }

  extern_c_uses extern_c_;
};

}  // namespace

std::unique_ptr<check> make_empty_member_check(llvm::StringRef id, check_context& c) {
  return make_check<empty_member_check>(id, c);
}

}  // namespace gocxx::layout
