#include "layout/padding_fix.hpp"

#include <clang/AST/Attr.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/AST/RecursiveASTVisitor.h>

#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>

using namespace clang;

namespace gocxx::layout {

namespace {

// Fields an initialiser reads through `this`, and whether it calls a member
// function (which may read any of them).
class init_reads : public RecursiveASTVisitor<init_reads> {
 public:
  explicit init_reads(const RecordDecl* rd) : rd_(rd) {}
  bool VisitMemberExpr(MemberExpr* e) {
    if (const auto* f = dyn_cast<FieldDecl>(e->getMemberDecl()))
      if (isa<CXXThisExpr>(e->getBase()->IgnoreParenImpCasts()) &&
          f->getParent()->getCanonicalDecl() == rd_->getCanonicalDecl())
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

// The constructors of the record defined in the unit and written by hand.
std::vector<const CXXConstructorDecl*> written_constructors(const RecordDecl* rd) {
  std::vector<const CXXConstructorDecl*> ctors;
  const auto* crd = dyn_cast<CXXRecordDecl>(rd);
  if (!crd) return ctors;
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
  return ctors;
}

using slot = std::pair<unsigned, unsigned>;  // [begin, end) in one file

class fix_planner {
 public:
  fix_planner(ASTContext& ctx, const RecordDecl* pattern, const std::vector<padding_analysis*>& group,
              const padding_analysis& lead, const record_uses& uses)
      : ctx_(ctx), sm_(ctx.getSourceManager()), pattern_(pattern), group_(group), lead_(lead), uses_(uses) {
    const std::vector<unsigned> new_fields = lead.model->fields_of(lead.b.unit_order);
    new_pos_.resize(new_fields.size());
    for (unsigned k = 0; k < new_fields.size(); ++k) new_pos_[new_fields[k]] = k;
  }

  padding_fix plan() {
    check_record();
    check_other_instantiations();
    for (const padding_analysis* a : group_) check_uses(*a);
    collect_default_initialisers();
    rewrite_constructors();
    check_initialiser_reads();
    reorder_fields();
    check_edits_disjoint();
    return std::move(fix_);
  }

 private:
  // The first reason wins.
  void unsafe(std::string why, SourceLocation loc = {}) {
    if (!fix_.why.empty()) return;
    fix_.why = std::move(why);
    fix_.why_loc = loc;
  }

  // What the record's declaration says.
  void check_record() {
    if (pattern_->hasAttr<PackedAttr>() || pattern_->hasAttr<MaxFieldAlignmentAttr>()) unsafe("the record is packed");
    if (has_abi_mark(ctx_, pattern_)) unsafe("the record carries a 'gocxx:abi' mark");
    if (pattern_->isExternCContext()) unsafe("the record is declared in an extern \"C\" block");
  }

  // The other instantiations must not grow under the same order.
  void check_other_instantiations() {
    for (const padding_analysis* a : group_) {
      if (a == &lead_) continue;
      layout_model m(ctx_, a->l);
      if (!m.valid() || m.units().size() != lead_.model->units().size()) {
        unsafe("instantiation '" + a->l.name + "' cannot be modelled");
        continue;
      }
      if (m.simulate(m.fields_of(lead_.b.unit_order)).size > a->l.size)
        unsafe("the order would make instantiation '" + a->l.name + "' larger");
    }
  }

  // Uses of one record of the group in the unit: C linkage, structured
  // bindings, positional initialisers; designated initialisers are rewritten.
  void check_uses(const padding_analysis& a) {
    const RecordDecl* key = cast<RecordDecl>(a.rd->getCanonicalDecl());
    if (const Decl* d = uses_.extern_c.find(key))
      unsafe("'" + a.l.name + "' is used across an extern \"C\" boundary", d->getLocation());
    if (auto it = uses_.bindings.find(key); it != uses_.bindings.end())
      for (const DecompositionDecl* d : it->second)
        unsafe("a structured binding depends on the field order", d->getLocation());
    if (auto it = uses_.paren_inits.find(key); it != uses_.paren_inits.end())
      for (const CXXParenListInitExpr* p : it->second)
        unsafe("'" + a.l.name + "' is initialised positionally", p->getBeginLoc());
    unsigned nbases = 0;
    if (const auto* crd = dyn_cast<CXXRecordDecl>(a.rd)) nbases = crd->getNumBases();
    if (auto it = uses_.inits.find(key); it != uses_.inits.end())
      for (const InitListExpr* ile : it->second) check_init_list(a, key, ile, nbases);
  }

  void check_init_list(const padding_analysis& a, const RecordDecl* key, const InitListExpr* ile, unsigned nbases) {
    unsigned n = ile->getNumInits();
    if (n == 0) return;
    bool designated = false, plain = false;
    for (unsigned i = 0; i < n; ++i) (isa<DesignatedInitExpr>(ile->getInit(i)) ? designated : plain) = true;
    if (!designated) {
      // `S s = {other}` copies; positional otherwise (fields beyond the bases).
      if (n == 1 && canonical_record(ile->getInit(0)->IgnoreImplicit()->getType()) == key) return;
      if (n <= nbases) return;
      unsafe("'" + a.l.name + "' is initialised positionally", ile->getBeginLoc());
      return;
    }
    if (plain) {
      unsafe("an initialiser mixes designators and positions", ile->getBeginLoc());
      return;
    }
    // Designated: reorder the designators.
    std::vector<slot> slots;
    std::vector<unsigned> idx;
    FileID fid;
    for (unsigned i = 0; i < n; ++i) {
      const auto* die = cast<DesignatedInitExpr>(ile->getInit(i));
      std::optional<slot> r;
      if (die->size() == 1 && die->getDesignator(0)->isFieldDesignator() && die->getDesignator(0)->getFieldDecl())
        r = token_range_offsets(ctx_, die->getSourceRange(), fid);
      if (!r) {
        unsafe("a designated initialiser cannot be rewritten", ile->getBeginLoc());
        return;
      }
      slots.push_back(*r);
      idx.push_back(die->getDesignator(0)->getFieldDecl()->getFieldIndex());
    }
    reorder_slots(fid, slots, idx);
  }

  // Member-initializer lists follow the new order; their initialisers are
  // collected.
  void rewrite_constructors() {
    std::set<unsigned> done;
    for (const CXXConstructorDecl* c : written_constructors(pattern_)) {
      std::vector<slot> slots;
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
        initialisers_[init->getMember()->getFieldIndex()].push_back(init->getInit());
        auto r = token_range_offsets(ctx_, init->getSourceRange(), fid);
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
      reorder_slots(fid, slots, idx);
    }
  }

  // Default member initialisers (the constructors' are added as they are
  // rewritten).
  void collect_default_initialisers() {
    for (const FieldDecl* f : pattern_->fields())
      if (f->hasInClassInitializer() && f->getInClassInitializer())
        initialisers_[f->getFieldIndex()].push_back(f->getInClassInitializer());
  }

  // No initialiser may come to read a field initialised after it.
  void check_initialiser_reads() {
    std::vector<const FieldDecl*> fields(pattern_->field_begin(), pattern_->field_end());
    for (auto& [fi, exprs] : initialisers_)
      for (const Expr* e : exprs) {
        if (!e) continue;
        init_reads reads(pattern_);
        reads.TraverseStmt(const_cast<Expr*>(e));
        if (reads.calls_member) unsafe("the initialiser of a field calls a member function", e->getBeginLoc());
        for (unsigned other : reads.fields)
          if (other != fi && other < fi && new_pos_[other] > new_pos_[fi])
            unsafe("the initialiser of '" + fields[fi]->getNameAsString() + "' reads '" +
                       fields[other]->getNameAsString() + "', which the new order initialises later",
                   e->getBeginLoc());
      }
  }

  // The field declarations themselves (the first edit).
  void reorder_fields() {
    std::vector<std::vector<unsigned>> unit_fields;
    for (const unit& u : lead_.model->units()) unit_fields.push_back(u.fields);
    std::string why;
    std::optional<field_slots> slots = find_field_slots(ctx_, pattern_, unit_fields, why);
    if (!slots)
      unsafe(why);
    else
      fix_.edits.insert(fix_.edits.begin(), permute_slots(sm_, slots->file, slots->slots, lead_.b.unit_order));
  }

  // Edits must not overlap (a constructor defined between the fields).
  void check_edits_disjoint() {
    std::vector<edit>& edits = fix_.edits;
    std::sort(edits.begin(), edits.end(),
              [](const edit& x, const edit& y) { return std::tie(x.file, x.begin) < std::tie(y.file, y.begin); });
    edits.erase(std::unique(edits.begin(), edits.end(),
                            [](const edit& x, const edit& y) {
                              return x.file == y.file && x.begin == y.begin && x.end == y.end && x.text == y.text;
                            }),
                edits.end());
    for (size_t k = 0; k + 1 < edits.size(); ++k)
      if (edits[k].file == edits[k + 1].file && edits[k].end > edits[k + 1].begin)
        unsafe("a constructor's initialiser list lies between the fields");
  }

  // One edit putting the slots (initialisers of fields `idx`, in any order
  // in the file) into the new order of their fields, if that differs.
  void reorder_slots(FileID fid, const std::vector<slot>& slots, const std::vector<unsigned>& idx) {
    std::vector<unsigned> by_position(slots.size());
    for (unsigned k = 0; k < by_position.size(); ++k) by_position[k] = k;
    std::sort(by_position.begin(), by_position.end(),
              [&](unsigned x, unsigned y) { return slots[x].first < slots[y].first; });
    std::vector<slot> sorted_slots;
    std::vector<unsigned> sorted_idx;
    for (unsigned k : by_position) {
      sorted_slots.push_back(slots[k]);
      sorted_idx.push_back(idx[k]);
    }
    std::vector<unsigned> perm(sorted_slots.size());
    for (unsigned k = 0; k < perm.size(); ++k) perm[k] = k;
    std::stable_sort(perm.begin(), perm.end(),
                     [&](unsigned x, unsigned y) { return new_pos_[sorted_idx[x]] < new_pos_[sorted_idx[y]]; });
    bool changed = false;
    for (unsigned k = 0; k < perm.size(); ++k) changed |= perm[k] != k;
    if (changed) fix_.edits.push_back(permute_slots(sm_, fid, sorted_slots, perm));
  }

  ASTContext& ctx_;
  const SourceManager& sm_;
  const RecordDecl* pattern_;
  const std::vector<padding_analysis*>& group_;
  const padding_analysis& lead_;
  const record_uses& uses_;
  std::vector<unsigned> new_pos_;                              // by field index: its position in the new order
  std::map<unsigned, std::vector<const Expr*>> initialisers_;  // by field index
  padding_fix fix_;
};

}  // namespace

padding_fix plan_padding_fix(ASTContext& ctx, const RecordDecl* pattern, const std::vector<padding_analysis*>& group,
                             const padding_analysis& lead, const record_uses& uses) {
  return fix_planner(ctx, pattern, group, lead, uses).plan();
}

}  // namespace gocxx::layout
