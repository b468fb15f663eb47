// gocxx-layout-report, -padding, -empty-member, -false-sharing.
//
// All four collect the record definitions of the translation unit with one
// matcher and do their work at the end of the unit, so that findings come
// out in source order and the padding check sees every initialiser of a
// record before deciding whether its fix-it is safe.
#include "layout/layout_checks.hpp"

#include <clang/AST/Attr.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/ASTMatchers/ASTMatchers.h>
#include <clang/Lex/Lexer.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "layout/layout_model.hpp"
#include "layout/layout_source.hpp"
#include "runtime_model/runtime_model.hpp"

using namespace clang;
using namespace clang::ast_matchers;

namespace clang::ast_matchers {
// Not among Clang 19's matchers.
const internal::VariadicDynCastAllOfMatcher<Stmt, CXXParenListInitExpr> layoutParenListInitExpr;
}  // namespace clang::ast_matchers

namespace gocxx::layout {

namespace {

constexpr uint64_t kMaxSearchNodes = 200000;

const RecordDecl* canonical_record(QualType t) {
  if (t.isNull()) return nullptr;
  const RecordDecl* rd = t.getCanonicalType()->getAsRecordDecl();
  return rd ? cast<RecordDecl>(rd->getCanonicalDecl()) : nullptr;
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

// The record definitions of the unit that the layout checks look at.
class layout_check_base : public check {
 public:
  layout_check_base(llvm::StringRef id, check_context& context) : check(id, context) {
    system_headers_ = options().get_bool("SystemHeaders", false);
    cache_line_ = static_cast<unsigned>(options().get_int("CacheLineSize", 64, 8));
  }

  void store_options(option_map& out) const override {
    options().store(out, "SystemHeaders", system_headers_);
    options().store(out, "CacheLineSize", cache_line_);
  }

  void register_matchers(MatchFinder& finder) override {
    records_.clear();
    seen_.clear();
    if (system_headers_)
      finder.addMatcher(recordDecl(isDefinition()).bind("record"), this);
    else
      finder.addMatcher(recordDecl(isDefinition(), unless(isExpansionInSystemHeader())).bind("record"), this);
    register_more(finder);
  }

  void run(const MatchFinder::MatchResult& result) override {
    if (const auto* rd = result.Nodes.getNodeAs<RecordDecl>("record")) {
      if (eligible(*result.Context, rd) && seen_.insert(rd).second) records_.push_back(rd);
      return;
    }
    run_more(result);
  }

 protected:
  virtual void register_more(MatchFinder&) {}
  virtual void run_more(const MatchFinder::MatchResult&) {}

  bool eligible(const ASTContext& ctx, const RecordDecl* rd) const {
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
    if (!system_headers_ && sm.isInSystemHeader(loc)) return false;
    return true;
  }

  // The records in source order; instantiations of one template by name.
  std::vector<const RecordDecl*> sorted_records(const ASTContext& ctx) {
    const SourceManager& sm = ctx.getSourceManager();
    std::vector<std::pair<std::pair<SourceLocation, std::string>, const RecordDecl*>> keyed;
    for (const RecordDecl* rd : records_)
      keyed.push_back({{sm.getExpansionLoc(rd->getLocation()), record_name(ctx, rd)}, rd});
    std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
      if (a.first.first != b.first.first) return sm.isBeforeInTranslationUnit(a.first.first, b.first.first);
      return a.first.second < b.first.second;
    });
    std::vector<const RecordDecl*> out;
    for (auto& k : keyed) out.push_back(k.second);
    return out;
  }

  SourceLocation report_loc(const ASTContext& ctx, const RecordDecl* rd) const {
    const RecordDecl* pattern = rd;
    if (const auto* crd = dyn_cast<CXXRecordDecl>(rd))
      if (const CXXRecordDecl* p = crd->getTemplateInstantiationPattern()) pattern = p;
    SourceLocation loc = pattern->getLocation();
    if (loc.isMacroID()) loc = ctx.getSourceManager().getExpansionLoc(loc);
    return loc;
  }

  bool system_headers_ = false;
  unsigned cache_line_ = 64;
  std::vector<const RecordDecl*> records_;
  std::set<const RecordDecl*> seen_;
};

// ---------------------------------------------------------------------------
// gocxx-layout-report

class report_check : public layout_check_base {
 public:
  report_check(llvm::StringRef id, check_context& context) : layout_check_base(id, context) {}

  void on_end_of_translation_unit(ASTContext& ctx) override {
    runtime_model::pointer_model ptrs(ctx);
    PrintingPolicy policy = name_policy(ctx);
    for (const RecordDecl* rd : sorted_records(ctx)) {
      record_layout l = describe(ctx, rd, ptrs, policy, cache_line_);
      std::optional<uint64_t> optimal;
      bool exact = true;
      if (l.is_union) {
        optimal = l.size;
      } else {
        layout_model m(ctx, l);
        if (m.valid()) {
          if (m.size_lower_bound() >= l.size) {
            optimal = l.size;
          } else {
            auto b = m.best_order(kMaxSearchNodes, /*size_only=*/true);
            optimal = std::min(b.size, l.size);
            exact = b.exact;
          }
        }
      }
      nlohmann::json data = to_json(l, optimal);
      if (!optimal) data["optimal_size_known"] = false;
      if (!exact) data["optimal_size_exact"] = false;
      diag(ctx.getSourceManager(), report_loc(ctx, rd), render(l, optimal, cache_line_), severity::remark)
          .data(std::move(data));
    }
  }
};

// ---------------------------------------------------------------------------
// gocxx-layout-padding

// Fields an initialiser reads through `this`, and whether it calls a member
// function (which may read any of them).
class init_reads : public RecursiveASTVisitor<init_reads> {
 public:
  explicit init_reads(const RecordDecl* rd) : rd_(rd) {}
  bool VisitMemberExpr(MemberExpr* e) {
    if (const auto* f = dyn_cast<FieldDecl>(e->getMemberDecl()))
      if (isa<CXXThisExpr>(e->getBase()->IgnoreParenImpCasts()) && f->getParent()->getCanonicalDecl() == rd_->getCanonicalDecl())
        fields.insert(f->getFieldIndex());
    return true;
  }
  bool VisitCXXDependentScopeMemberExpr(CXXDependentScopeMemberExpr* e) {
    if (e->isImplicitAccess() || (e->getBase() && isa<CXXThisExpr>(e->getBase()->IgnoreParenImpCasts()))) {
      std::string name = e->getMember().getAsString();
      for (const FieldDecl* f : rd_->fields())
        if (f->getName() == name) fields.insert(f->getFieldIndex());
    }
    return true;
  }
  bool VisitCXXMemberCallExpr(CXXMemberCallExpr* e) {
    if (const Expr* obj = e->getImplicitObjectArgument())
      if (isa<CXXThisExpr>(obj->IgnoreParenImpCasts())) calls_member = true;
    return true;
  }
  bool VisitUnresolvedMemberExpr(UnresolvedMemberExpr* e) {
    if (e->isImplicitAccess()) calls_member = true;
    return true;
  }
  std::set<unsigned> fields;
  bool calls_member = false;

 private:
  const RecordDecl* rd_;
};

class padding_check : public layout_check_base {
 public:
  padding_check(llvm::StringRef id, check_context& context) : layout_check_base(id, context) {
    min_bytes_ = static_cast<uint64_t>(options().get_int("MinBytes", 1, 1));
  }

  void store_options(option_map& out) const override {
    layout_check_base::store_options(out);
    options().store(out, "MinBytes", min_bytes_);
  }

  void register_more(MatchFinder& finder) override {
    inits_.clear();
    paren_inits_.clear();
    bindings_.clear();
    extern_c_.clear();
    finder.addMatcher(initListExpr(unless(isExpansionInSystemHeader())).bind("init"), this);
    finder.addMatcher(layoutParenListInitExpr(unless(isExpansionInSystemHeader())).bind("paren"), this);
    finder.addMatcher(decompositionDecl(unless(isExpansionInSystemHeader())).bind("binding"), this);
    finder.addMatcher(functionDecl(isExternC(), unless(isExpansionInSystemHeader())).bind("externc"), this);
    finder.addMatcher(varDecl(isExternC(), unless(isExpansionInSystemHeader())).bind("externcvar"), this);
  }

  void run_more(const MatchFinder::MatchResult& r) override {
    if (const auto* e = r.Nodes.getNodeAs<InitListExpr>("init")) {
      const InitListExpr* syn = e->isSemanticForm() && e->getSyntacticForm() ? e->getSyntacticForm() : e;
      if (const RecordDecl* rd = canonical_record(e->getType())) inits_[rd].insert(syn);
    } else if (const auto* p = r.Nodes.getNodeAs<CXXParenListInitExpr>("paren")) {
      if (const RecordDecl* rd = canonical_record(p->getType())) paren_inits_[rd].push_back(p);
    } else if (const auto* d = r.Nodes.getNodeAs<DecompositionDecl>("binding")) {
      QualType t = d->getType().getNonReferenceType();
      if (const RecordDecl* rd = canonical_record(t)) {
        auto bs = d->bindings();
        if (!bs.empty() && bs.front()->getBinding() &&
            isa<MemberExpr>(bs.front()->getBinding()->IgnoreParenImpCasts()))
          bindings_[rd].push_back(d);
      }
    } else if (const auto* f = r.Nodes.getNodeAs<FunctionDecl>("externc")) {
      note_extern_c(f->getReturnType(), f);
      for (const ParmVarDecl* p : f->parameters()) note_extern_c(p->getType(), f);
    } else if (const auto* v = r.Nodes.getNodeAs<VarDecl>("externcvar")) {
      note_extern_c(v->getType(), v);
    }
  }

  void on_end_of_translation_unit(ASTContext& ctx) override;

 private:
  void note_extern_c(QualType t, const Decl* d) {
    for (int i = 0; i < 8 && !t.isNull(); ++i) {
      t = t.getCanonicalType();
      if (t->isPointerType() || t->isReferenceType()) t = t->getPointeeType();
      else if (t->isArrayType()) t = QualType(t->getPointeeOrArrayElementType(), 0);
      else break;
    }
    if (const RecordDecl* rd = canonical_record(t)) extern_c_.emplace(rd, d);
  }

  struct analysis {
    const RecordDecl* rd;
    record_layout l;
    std::unique_ptr<layout_model> model;
    layout_model::best b;
  };

  uint64_t min_bytes_ = 1;
  std::map<const RecordDecl*, std::set<const InitListExpr*>> inits_;
  std::map<const RecordDecl*, std::vector<const CXXParenListInitExpr*>> paren_inits_;
  std::map<const RecordDecl*, std::vector<const DecompositionDecl*>> bindings_;
  std::multimap<const RecordDecl*, const Decl*> extern_c_;
};

void padding_check::on_end_of_translation_unit(ASTContext& ctx) {
  const SourceManager& sm = ctx.getSourceManager();
  runtime_model::pointer_model ptrs(ctx);
  PrintingPolicy policy = name_policy(ctx);
  // Analyse, then group instantiations of one template: they share the text
  // a fix-it rewrites.
  std::vector<std::unique_ptr<analysis>> all;
  std::map<const RecordDecl*, std::vector<analysis*>> by_pattern;
  for (const RecordDecl* rd : sorted_records(ctx)) {
    if (rd->isUnion()) continue;
    auto a = std::make_unique<analysis>();
    a->rd = rd;
    a->l = describe(ctx, rd, ptrs, policy, cache_line_);
    const RecordDecl* pattern = rd;
    if (const auto* crd = dyn_cast<CXXRecordDecl>(rd))
      if (const CXXRecordDecl* p = crd->getTemplateInstantiationPattern()) pattern = p;
    by_pattern[pattern].push_back(a.get());
    if (a->l.padding >= min_bytes_) {
      a->model = std::make_unique<layout_model>(ctx, a->l);
      if (a->model->valid() && a->model->size_lower_bound() + min_bytes_ <= a->l.size) {
        a->b = a->model->best_order(kMaxSearchNodes);
      } else {
        a->model.reset();
      }
    }
    all.push_back(std::move(a));
  }

  for (auto& [pattern, group] : by_pattern) {
    // The instantiation (or record) whose best order the fix-it applies.
    analysis* lead = nullptr;
    for (analysis* a : group)
      if (a->model && a->b.size + min_bytes_ <= a->l.size && (!lead || a->l.size - a->b.size > lead->l.size - lead->b.size))
        lead = a;
    if (!lead) continue;
    const std::vector<unit>& units = lead->model->units();
    const std::vector<unsigned> new_fields = lead->model->fields_of(lead->b.unit_order);
    std::vector<unsigned> new_pos(new_fields.size());
    for (unsigned k = 0; k < new_fields.size(); ++k) new_pos[new_fields[k]] = k;

    // Why the fix-it would not be safe (first reason wins), with where.
    std::string why;
    SourceLocation why_loc;
    auto unsafe = [&](std::string w, SourceLocation loc = {}) {
      if (why.empty()) {
        why = std::move(w);
        why_loc = loc;
      }
    };
    if (pattern->hasAttr<PackedAttr>() || pattern->hasAttr<MaxFieldAlignmentAttr>()) unsafe("the record is packed");
    if (has_abi_mark(ctx, pattern)) unsafe("the record carries a 'gocxx:abi' mark");
    if (pattern->isExternCContext()) unsafe("the record is declared in an extern \"C\" block");
    // The other instantiations must not grow under the same order.
    for (analysis* a : group) {
      if (a == lead) continue;
      layout_model m(ctx, a->l);
      if (!m.valid() || m.units().size() != units.size()) {
        unsafe("instantiation '" + a->l.name + "' cannot be modelled");
        continue;
      }
      if (m.simulate(m.fields_of(lead->b.unit_order)).size > a->l.size)
        unsafe("the order would make instantiation '" + a->l.name + "' larger");
    }
    std::vector<edit> edits;
    for (analysis* a : group) {
      const RecordDecl* key = cast<RecordDecl>(a->rd->getCanonicalDecl());
      if (auto it = extern_c_.find(key); it != extern_c_.end())
        unsafe("'" + a->l.name + "' is used across an extern \"C\" boundary", it->second->getLocation());
      for (const DecompositionDecl* d : bindings_[key])
        unsafe("a structured binding depends on the field order", d->getLocation());
      for (const CXXParenListInitExpr* p : paren_inits_[key])
        unsafe("'" + a->l.name + "' is initialised positionally", p->getBeginLoc());
      unsigned nbases = 0;
      if (const auto* crd = dyn_cast<CXXRecordDecl>(a->rd)) nbases = crd->getNumBases();
      for (const InitListExpr* ile : inits_[key]) {
        unsigned n = ile->getNumInits();
        if (n == 0) continue;
        bool designated = false, plain = false;
        for (unsigned i = 0; i < n; ++i) (isa<DesignatedInitExpr>(ile->getInit(i)) ? designated : plain) = true;
        if (!designated) {
          // `S s = {other}` copies; positional otherwise (fields beyond the bases).
          if (n == 1 && canonical_record(ile->getInit(0)->IgnoreImplicit()->getType()) == key) continue;
          if (n <= nbases) continue;
          unsafe("'" + a->l.name + "' is initialised positionally", ile->getBeginLoc());
          continue;
        }
        if (plain) {
          unsafe("an initialiser mixes designators and positions", ile->getBeginLoc());
          continue;
        }
        // Designated: reorder the designators.
        std::vector<std::pair<unsigned, unsigned>> slots;
        std::vector<unsigned> idx;
        FileID fid;
        bool ok = true;
        for (unsigned i = 0; i < n && ok; ++i) {
          const auto* die = cast<DesignatedInitExpr>(ile->getInit(i));
          if (die->size() != 1 || !die->getDesignator(0)->isFieldDesignator() || !die->getDesignator(0)->getFieldDecl()) {
            ok = false;
            break;
          }
          auto r = token_range_offsets(ctx, die->getSourceRange(), fid);
          if (!r) ok = false;
          else {
            slots.push_back(*r);
            idx.push_back(die->getDesignator(0)->getFieldDecl()->getFieldIndex());
          }
        }
        if (!ok) {
          unsafe("a designated initialiser cannot be rewritten", ile->getBeginLoc());
          continue;
        }
        std::vector<unsigned> order(slots.size());
        for (unsigned k = 0; k < order.size(); ++k) order[k] = k;
        std::stable_sort(order.begin(), order.end(), [&](unsigned x, unsigned y) { return new_pos[idx[x]] < new_pos[idx[y]]; });
        bool changed = false;
        for (unsigned k = 0; k < order.size(); ++k) changed |= order[k] != k;
        if (changed) edits.push_back(permute_slots(sm, fid, slots, order));
      }
    }
    // Constructors of the pattern: member-initializer lists follow the new
    // order; no initialiser may come to read a field initialised after it.
    std::map<unsigned, std::vector<const Expr*>> init_exprs;
    for (const FieldDecl* f : pattern->fields())
      if (f->hasInClassInitializer() && f->getInClassInitializer()) init_exprs[f->getFieldIndex()].push_back(f->getInClassInitializer());
    if (const auto* crd = dyn_cast<CXXRecordDecl>(pattern)) {
      std::vector<const CXXConstructorDecl*> ctors;
      for (const Decl* d : crd->decls()) {
        const Decl* inner = d;
        if (const auto* ft = dyn_cast<FunctionTemplateDecl>(d)) inner = ft->getTemplatedDecl();
        if (const auto* c = dyn_cast<CXXConstructorDecl>(inner)) {
          const FunctionDecl* def = nullptr;
          if (c->isThisDeclarationADefinition() || (c->hasBody(def) && def)) {
            const auto* cd = cast<CXXConstructorDecl>(def ? def : c);
            if (!cd->isImplicit()) ctors.push_back(cd);
          }
        }
      }
      std::set<unsigned> done;
      for (const CXXConstructorDecl* c : ctors) {
        std::vector<std::pair<unsigned, unsigned>> slots;
        std::vector<unsigned> idx;
        FileID fid;
        bool ok = true;
        for (const CXXCtorInitializer* init : c->inits()) {
          if (!init->isWritten()) continue;
          if (init->isIndirectMemberInitializer()) {
            ok = false;
            break;
          }
          if (!init->isMemberInitializer()) continue;
          init_exprs[init->getMember()->getFieldIndex()].push_back(init->getInit());
          auto r = token_range_offsets(ctx, init->getSourceRange(), fid);
          if (!r) {
            ok = false;
            break;
          }
          slots.push_back(*r);
          idx.push_back(init->getMember()->getFieldIndex());
        }
        if (!ok) {
          unsafe("a constructor's initialiser list cannot be rewritten", c->getLocation());
          continue;
        }
        if (slots.size() < 2 || !done.insert(slots.front().first).second) continue;
        std::vector<unsigned> order(slots.size());
        for (unsigned k = 0; k < order.size(); ++k) order[k] = k;
        std::sort(order.begin(), order.end(), [&](unsigned x, unsigned y) { return slots[x].first < slots[y].first; });
        std::vector<std::pair<unsigned, unsigned>> sorted_slots;
        std::vector<unsigned> sorted_idx;
        for (unsigned k : order) {
          sorted_slots.push_back(slots[k]);
          sorted_idx.push_back(idx[k]);
        }
        std::vector<unsigned> perm(sorted_slots.size());
        for (unsigned k = 0; k < perm.size(); ++k) perm[k] = k;
        std::stable_sort(perm.begin(), perm.end(),
                         [&](unsigned x, unsigned y) { return new_pos[sorted_idx[x]] < new_pos[sorted_idx[y]]; });
        bool changed = false;
        for (unsigned k = 0; k < perm.size(); ++k) changed |= perm[k] != k;
        if (changed) edits.push_back(permute_slots(sm, fid, sorted_slots, perm));
      }
    }
    for (auto& [fi, exprs] : init_exprs)
      for (const Expr* e : exprs) {
        if (!e) continue;
        init_reads reads(pattern);
        reads.TraverseStmt(const_cast<Expr*>(e));
        if (reads.calls_member) unsafe("the initialiser of a field calls a member function", e->getBeginLoc());
        for (unsigned other : reads.fields)
          if (other != fi && other < fi && new_pos[other] > new_pos[fi]) {
            auto fields = std::vector<const FieldDecl*>(pattern->field_begin(), pattern->field_end());
            unsafe("the initialiser of '" + fields[fi]->getNameAsString() + "' reads '" +
                       fields[other]->getNameAsString() + "', which the new order initialises later",
                   e->getBeginLoc());
          }
      }
    // The fields themselves.
    std::vector<std::vector<unsigned>> unit_fields;
    for (const unit& u : units) unit_fields.push_back(u.fields);
    std::string slot_why;
    std::optional<field_slots> slots = find_field_slots(ctx, pattern, unit_fields, slot_why);
    if (!slots) unsafe(slot_why);
    else edits.insert(edits.begin(), permute_slots(sm, slots->file, slots->slots, lead->b.unit_order));

    // Edits must not overlap (a constructor defined between the fields).
    std::sort(edits.begin(), edits.end(), [](const edit& x, const edit& y) {
      return std::tie(x.file, x.begin) < std::tie(y.file, y.begin);
    });
    edits.erase(std::unique(edits.begin(), edits.end(),
                            [](const edit& x, const edit& y) {
                              return x.file == y.file && x.begin == y.begin && x.end == y.end && x.text == y.text;
                            }),
                edits.end());
    for (size_t k = 0; k + 1 < edits.size(); ++k)
      if (edits[k].file == edits[k + 1].file && edits[k].end > edits[k + 1].begin)
        unsafe("a constructor's initialiser list lies between the fields");

    // Report each record of the group that gets smaller; the fix-it goes
    // with the first.
    bool fix_given = false;
    for (analysis* a : group) {
      if (!a->model || a->b.size + min_bytes_ > a->l.size) continue;
      const record_layout& l = a->l;
      std::vector<std::string> order_names;
      for (unsigned fi : a->model->fields_of(a->b.unit_order)) order_names.push_back(l.fields[fi].name);
      std::string msg = l.kind + " '" + l.name + "' is " + std::to_string(l.size) + " bytes with " +
                        std::to_string(l.padding) + " bytes of padding; reordering its fields makes it " +
                        std::to_string(a->b.size) + " bytes (saves " + std::to_string(l.size - a->b.size) + ")";
      nlohmann::json data = to_json(l, a->b.size);
      data["optimal_order"] = order_names;
      data["optimal_order_exact"] = a->b.exact;
      data["fix"] = why.empty() && a == lead;
      if (!why.empty()) data["no_fix_reason"] = why;
      auto fb = diag(sm, report_loc(ctx, a->rd), msg);
      fb.note(report_loc(ctx, a->rd), "best order: " + join(order_names));
      if (!why.empty()) {
        fb.note(why_loc.isValid() ? why_loc : report_loc(ctx, a->rd), "no fix-it: " + why);
      } else if (a == lead && !fix_given) {
        fix_given = true;
        for (const edit& e : edits) {
          SourceLocation b = sm.getComposedLoc(e.file, e.begin);
          SourceLocation en = sm.getComposedLoc(e.file, e.end);
          fb.fix_replace(CharSourceRange::getCharRange(b, en), e.text);
        }
      } else if (a != lead) {
        fb.note(report_loc(ctx, a->rd), "the fix-it is given with '" + lead->l.name + "'");
      }
      fb.data(std::move(data));
    }
  }
}

// ---------------------------------------------------------------------------
// gocxx-layout-empty-member

class empty_member_check : public layout_check_base {
 public:
  empty_member_check(llvm::StringRef id, check_context& context) : layout_check_base(id, context) {}

  void register_more(MatchFinder& finder) override {
    extern_c_.clear();
    finder.addMatcher(functionDecl(isExternC(), unless(isExpansionInSystemHeader())).bind("externc"), this);
  }
  void run_more(const MatchFinder::MatchResult& r) override {
    if (const auto* f = r.Nodes.getNodeAs<FunctionDecl>("externc")) {
      auto add = [&](QualType t) {
        t = t.getCanonicalType();
        while (t->isPointerType() || t->isReferenceType()) t = t->getPointeeType().getCanonicalType();
        if (const RecordDecl* rd = canonical_record(t)) extern_c_.insert(rd);
      };
      add(f->getReturnType());
      for (const ParmVarDecl* p : f->parameters()) add(p->getType());
    }
  }

  void on_end_of_translation_unit(ASTContext& ctx) override {
    const SourceManager& sm = ctx.getSourceManager();
    runtime_model::pointer_model ptrs(ctx);
    PrintingPolicy policy = name_policy(ctx);
    std::set<unsigned> fixed_at;  // one fix per written declaration (templates)
    for (const RecordDecl* rd : sorted_records(ctx)) {
      if (rd->isUnion()) continue;
      record_layout l = describe(ctx, rd, ptrs, policy, cache_line_);
      bool any = false;
      for (const field_desc& f : l.fields) any |= f.empty_class && !f.nua && !f.bitfield;
      if (!any) continue;
      layout_model m(ctx, l);
      if (!m.valid()) continue;
      const RecordDecl* pattern = rd;
      if (const auto* crd = dyn_cast<CXXRecordDecl>(rd))
        if (const CXXRecordDecl* p = crd->getTemplateInstantiationPattern()) pattern = p;
      std::vector<unsigned> identity(l.fields.size());
      for (unsigned i = 0; i < identity.size(); ++i) identity[i] = i;
      for (const field_desc& f : l.fields) {
        if (!f.empty_class || f.nua || f.bitfield) continue;
        uint64_t with = m.simulate(identity, static_cast<int>(f.index)).size;
        if (with >= l.size) continue;
        std::string msg = "empty member '" + f.name + "' of type '" + f.type + "' costs " +
                          std::to_string(l.size - with) + " byte" + (l.size - with == 1 ? "" : "s") + ": '" + l.name +
                          "' is " + std::to_string(l.size) + " bytes, " + std::to_string(with) +
                          " with [[no_unique_address]]";
        SourceLocation loc = sm.getExpansionLoc(f.decl->getLocation());
        auto fb = diag(sm, loc, msg);
        nlohmann::json data = to_json(l, std::nullopt);
        data["member"] = f.name;
        data["size_with_no_unique_address"] = with;
        // The fix-it: the attribute before the declaration.
        std::string why;
        if (pattern->hasAttr<PackedAttr>() || pattern->hasAttr<MaxFieldAlignmentAttr>()) why = "the record is packed";
        else if (has_abi_mark(ctx, pattern)) why = "the record carries a 'gocxx:abi' mark";
        else if (pattern->isExternCContext() || extern_c_.count(cast<RecordDecl>(rd->getCanonicalDecl())))
          why = "the record is used across an extern \"C\" boundary";
        else if (!ctx.getLangOpts().CPlusPlus20) why = "[[no_unique_address]] needs C++20";
        std::optional<field_slots> slots;
        unsigned unit_index = 0;
        if (why.empty()) {
          std::vector<std::vector<unsigned>> unit_fields;
          for (unsigned ui = 0; ui < m.units().size(); ++ui) {
            unit_fields.push_back(m.units()[ui].fields);
            for (unsigned fi : m.units()[ui].fields)
              if (fi == f.index) unit_index = ui;
          }
          if (m.units()[unit_index].fields.size() != 1) why = "the declaration declares more than one member";
          else slots = find_field_slots(ctx, pattern, unit_fields, why);
        }
        if (slots) {
          unsigned off = slots->decl_begin[unit_index];
          if (fixed_at.insert(off).second)
            fb.fix_insert(sm.getComposedLoc(slots->file, off), "[[no_unique_address]] ");
        } else {
          fb.note(loc, "no fix-it: " + why);
          data["no_fix_reason"] = why;
        }
        fb.data(std::move(data));
      }
    }
  }

 private:
  std::set<const RecordDecl*> extern_c_;
};

// ---------------------------------------------------------------------------
// gocxx-layout-false-sharing

class false_sharing_check : public layout_check_base {
 public:
  false_sharing_check(llvm::StringRef id, check_context& context) : layout_check_base(id, context) {
    assume_shared_ = options().get_bool("AssumeShared", false);
  }

  void store_options(option_map& out) const override {
    layout_check_base::store_options(out);
    options().store(out, "AssumeShared", assume_shared_);
  }

  void register_more(MatchFinder& finder) override {
    shared_.clear();
    finder.addMatcher(callExpr(callee(functionDecl(hasName("::go::spawn")))).bind("spawn"), this);
    finder.addMatcher(
        cxxConstructExpr(hasDeclaration(cxxConstructorDecl(ofClass(hasAnyName("::std::thread", "::std::jthread")))))
            .bind("thread"),
        this);
  }

  void run_more(const MatchFinder::MatchResult& r) override {
    if (const auto* call = r.Nodes.getNodeAs<CallExpr>("spawn")) {
      for (const Expr* arg : call->arguments()) examine(arg, call->getBeginLoc());
    } else if (const auto* ctor = r.Nodes.getNodeAs<CXXConstructExpr>("thread")) {
      for (const Expr* arg : ctor->arguments()) examine(arg, ctor->getBeginLoc());
    }
  }

  void on_end_of_translation_unit(ASTContext& ctx) override {
    const SourceManager& sm = ctx.getSourceManager();
    runtime_model::pointer_model ptrs(ctx);
    PrintingPolicy policy = name_policy(ctx);
    for (const RecordDecl* rd : sorted_records(ctx)) {
      if (rd->isUnion()) continue;
      std::vector<const FieldDecl*> sync;
      for (const FieldDecl* f : rd->fields())
        if (!f->isBitField() && runtime_model::is_sync_type(f->getType())) sync.push_back(f);
      if (sync.size() < 2) continue;
      auto it = shared_.find(cast<RecordDecl>(rd->getCanonicalDecl()));
      if (it == shared_.end() && !assume_shared_) continue;
      record_layout l = describe(ctx, rd, ptrs, policy, cache_line_);
      // Sync fields by cache line (record-relative, as pahole shows them).
      std::map<uint64_t, std::vector<const field_desc*>> lines;
      for (const field_desc& f : l.fields) {
        if (f.bitfield || !runtime_model::is_sync_type(f.decl->getType())) continue;
        uint64_t first = f.offset_bits / 8 / cache_line_;
        uint64_t last = (f.offset_bits / 8 + std::max<uint64_t>(f.size, 1) - 1) / cache_line_;
        for (uint64_t ln = first; ln <= last; ++ln) lines[ln].push_back(&f);
      }
      for (auto& [ln, fs] : lines) {
        if (fs.size() < 2) continue;
        std::vector<std::string> names;
        for (const field_desc* f : fs) names.push_back("'" + f->name + "'");
        std::string msg = "fields " + join(names) + " of '" + l.name + "' synchronise goroutines and share " +
                          std::to_string(cache_line_) + "-byte cache line " + std::to_string(ln) +
                          " (false sharing); give each its own line with alignas(" + std::to_string(cache_line_) +
                          ") or padding";
        auto fb = diag(sm, sm.getExpansionLoc(fs[1]->decl->getLocation()), msg);
        for (const field_desc* f : fs)
          fb.note(sm.getExpansionLoc(f->decl->getLocation()),
                  "'" + f->name + "' (" + f->type + ") at offset " + std::to_string(f->offset_bits / 8) + ", size " +
                      std::to_string(f->size));
        for (size_t k = 1; k < fs.size(); ++k)
          fb.note(sm.getExpansionLoc(fs[k]->decl->getLocation()),
                  "suggestion: declare it 'alignas(" + std::to_string(cache_line_) + ") " + fs[k]->type + " " +
                      fs[k]->name + ";'");
        if (it != shared_.end()) fb.note(it->second, "'" + l.name + "' is shared with a goroutine here");
        nlohmann::json data = to_json(l, std::nullopt);
        data["cache_line"] = ln;
        data["cache_line_size"] = cache_line_;
        std::vector<std::string> plain;
        for (const field_desc* f : fs) plain.push_back(f->name);
        data["sync_fields"] = plain;
        fb.data(std::move(data));
        break;  // one finding per record
      }
    }
  }

 private:
  void mark(QualType t, SourceLocation where) {
    if (t.isNull()) return;
    if (const RecordDecl* rd = canonical_record(t)) shared_.emplace(rd, where);
  }
  // A record shared through this argument of go::spawn / std::thread.
  void examine(const Expr* arg, SourceLocation where) {
    if (!arg) return;
    const Expr* e = arg->IgnoreImplicit();
    while (true) {
      if (const auto* m = dyn_cast<MaterializeTemporaryExpr>(e)) e = m->getSubExpr()->IgnoreImplicit();
      else if (const auto* b = dyn_cast<CXXBindTemporaryExpr>(e)) e = b->getSubExpr()->IgnoreImplicit();
      else if (const auto* c = dyn_cast<CXXConstructExpr>(e); c && c->getNumArgs() == 1 && !isa<CXXTemporaryObjectExpr>(c))
        e = c->getArg(0)->IgnoreImplicit();
      else if (const auto* f = dyn_cast<CXXFunctionalCastExpr>(e)) e = f->getSubExpr()->IgnoreImplicit();
      else break;
    }
    if (const auto* lambda = dyn_cast<LambdaExpr>(e)) {
      for (const LambdaCapture& c : lambda->captures()) {
        if (c.capturesThis()) {
          const DeclContext* dc = lambda->getLambdaClass()->getDeclContext();
          while (dc && !isa<CXXMethodDecl>(dc)) dc = dc->getParent();
          if (const auto* md = dyn_cast_or_null<CXXMethodDecl>(dc)) shared_.emplace(cast<RecordDecl>(md->getParent()->getCanonicalDecl()), where);
        } else if (c.capturesVariable()) {
          const auto* v = dyn_cast<VarDecl>(c.getCapturedVar());
          if (!v) continue;
          QualType t = v->getType();
          if (c.getCaptureKind() == LCK_ByRef || t->isReferenceType()) mark(t.getNonReferenceType(), where);
          else pointee(t, where);
        }
      }
      return;
    }
    pointee(e->getType(), where);
    if (e->isGLValue() && e->getType()->isRecordType()) {
      // std::ref(x) -> reference_wrapper<R>; go::ptr<R>
    }
  }
  void pointee(QualType t, SourceLocation where) {
    if (t.isNull()) return;
    t = t.getCanonicalType();
    if (t->isPointerType()) {
      mark(t->getPointeeType(), where);
      return;
    }
    if (const auto* spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(runtime_model::record_of(t))) {
      llvm::StringRef n = runtime_model::record_or_template_name(spec);
      bool wrapper = (n == "reference_wrapper" && runtime_model::in_top_namespace(spec, "std")) ||
                     (n == "ptr" && runtime_model::in_top_namespace(spec, "go"));
      if (wrapper && spec->getTemplateArgs().size() >= 1 &&
          spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type)
        mark(spec->getTemplateArgs()[0].getAsType(), where);
    }
  }

  bool assume_shared_ = false;
  std::map<const RecordDecl*, SourceLocation> shared_;
};

}  // namespace

std::unique_ptr<check> make_report_check(llvm::StringRef id, check_context& c) {
  return std::make_unique<report_check>(id, c);
}
std::unique_ptr<check> make_padding_check(llvm::StringRef id, check_context& c) {
  return std::make_unique<padding_check>(id, c);
}
std::unique_ptr<check> make_empty_member_check(llvm::StringRef id, check_context& c) {
  return std::make_unique<empty_member_check>(id, c);
}
std::unique_ptr<check> make_false_sharing_check(llvm::StringRef id, check_context& c) {
  return std::make_unique<false_sharing_check>(id, c);
}

}  // namespace gocxx::layout
