#include "layout/layout_check_base.hpp"

#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/ASTMatchers/ASTMatchers.h>

#include <algorithm>
#include <utility>

#include "layout/layout_model.hpp"

using namespace clang;
using namespace clang::ast_matchers;

namespace gocxx::layout {

const RecordDecl* canonical_record(QualType t) {
  if (t.isNull()) return nullptr;
  const RecordDecl* rd = t.getCanonicalType()->getAsRecordDecl();
  return rd ? cast<RecordDecl>(rd->getCanonicalDecl()) : nullptr;
}

const RecordDecl* written_record(const RecordDecl* rd) {
  if (const auto* crd = dyn_cast<CXXRecordDecl>(rd))
    if (const CXXRecordDecl* p = crd->getTemplateInstantiationPattern()) return p;
  return rd;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

layout_check_base::layout_check_base(llvm::StringRef id, check_context& context) : check(id, context) {
  cache_line_ = static_cast<unsigned>(options().get_int("CacheLineSize", 64, /*min=*/8));
}

void layout_check_base::store_options(option_map& out) const { options().store(out, "CacheLineSize", cache_line_); }

void layout_check_base::register_matchers(MatchFinder& finder) {
  records_.clear();
  seen_.clear();
  finder.addMatcher(recordDecl(isDefinition()).bind("record"), this);
  register_more(finder);
}

void layout_check_base::run(const MatchFinder::MatchResult& result) {
  if (const auto* rd = result.Nodes.getNodeAs<RecordDecl>("record")) {
    if (eligible(*result.Context, rd) && seen_.insert(rd).second) records_.push_back(rd);
    return;
  }
  run_more(result);
}

bool layout_check_base::eligible(const ASTContext& ctx, const RecordDecl* rd) const {
  if (rd->isInvalidDecl() || !rd->isCompleteDefinition() || rd->isDependentType()) return false;
  if (rd->isAnonymousStructOrUnion()) return false;  // part of the enclosing record
  if (const auto* crd = dyn_cast<CXXRecordDecl>(rd)) {
    if (crd->isLambda()) return false;
    if (isa<ClassTemplatePartialSpecializationDecl>(crd)) return false;
  }
  if (rd->getDeclContext()->isDependentContext()) return false;
  const SourceManager& sm = ctx.getSourceManager();
  SourceLocation loc = sm.getExpansionLoc(rd->getLocation());
  if (loc.isInvalid()) return false;
  // Records whose findings the header filter would drop are not laid out at
  // all; with no filter (a host that filters itself), system headers' are not.
  header_filter* filter = context().filter();
  return filter ? filter->allows(sm, loc) : !sm.isInSystemHeader(loc);
}

std::vector<const RecordDecl*> layout_check_base::sorted_records(const ASTContext& ctx) const {
  const SourceManager& sm = ctx.getSourceManager();
  std::vector<std::pair<std::pair<SourceLocation, std::string>, const RecordDecl*>> keyed;
  keyed.reserve(records_.size());
  for (const RecordDecl* rd : records_)
    keyed.push_back({{sm.getExpansionLoc(rd->getLocation()), record_name(ctx, rd)}, rd});
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
    if (a.first.first != b.first.first) return sm.isBeforeInTranslationUnit(a.first.first, b.first.first);
    return a.first.second < b.first.second;
  });
  std::vector<const RecordDecl*> out;
  out.reserve(keyed.size());
  for (auto& k : keyed) out.push_back(k.second);
  return out;
}

SourceLocation layout_check_base::report_loc(const ASTContext& ctx, const RecordDecl* rd) const {
  SourceLocation loc = written_record(rd)->getLocation();
  if (loc.isMacroID()) loc = ctx.getSourceManager().getExpansionLoc(loc);
  return loc;
}

void extern_c_uses::register_matchers(MatchFinder& finder, MatchFinder::MatchCallback* callback) {
  uses_.clear();
  finder.addMatcher(functionDecl(isExternC(), unless(isExpansionInSystemHeader())).bind("externc"), callback);
  finder.addMatcher(varDecl(isExternC(), unless(isExpansionInSystemHeader())).bind("externcvar"), callback);
}

bool extern_c_uses::run(const MatchFinder::MatchResult& r) {
  if (const auto* f = r.Nodes.getNodeAs<FunctionDecl>("externc")) {
    note(f->getReturnType(), f);
    for (const ParmVarDecl* p : f->parameters()) note(p->getType(), f);
    return true;
  }
  if (const auto* v = r.Nodes.getNodeAs<VarDecl>("externcvar")) {
    note(v->getType(), v);
    return true;
  }
  return false;
}

const Decl* extern_c_uses::find(const RecordDecl* rd) const {
  auto it = uses_.find(rd);
  return it == uses_.end() ? nullptr : it->second;
}

void extern_c_uses::note(QualType t, const Decl* d) {
  for (int i = 0; i < 8 && !t.isNull(); ++i) {
    t = t.getCanonicalType();
    if (t->isPointerType() || t->isReferenceType())
      t = t->getPointeeType();
    else if (t->isArrayType())
      t = QualType(t->getPointeeOrArrayElementType(), 0);
    else
      break;
  }
  if (const RecordDecl* rd = canonical_record(t)) uses_.emplace(rd, d);
}

}  // namespace gocxx::layout
