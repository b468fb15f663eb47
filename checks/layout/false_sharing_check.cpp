// gocxx-layout-false-sharing: two synchronising fields of a record shared
// between goroutines (go::spawn, std::thread) in one cache line.
// docs/checks/gocxx-layout-false-sharing.md
#include <clang/AST/DeclTemplate.h>
#include <clang/AST/ExprCXX.h>
#include <clang/ASTMatchers/ASTMatchers.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "layout/layout_check_base.hpp"
#include "layout/layout_checks.hpp"
#include "layout/layout_model.hpp"
#include "runtime_model/runtime_model.hpp"

using namespace clang;
using namespace clang::ast_matchers;

namespace gocxx::layout {

namespace {

class false_sharing_check : public layout_check_base {
 public:
  false_sharing_check(llvm::StringRef id, check_context& context)
      : layout_check_base(id, context), assume_shared_(options().get_bool("AssumeShared", false)) {}

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
    runtime_model::pointer_model ptrs(ctx);
    PrintingPolicy policy = name_policy(ctx);
    for (const RecordDecl* rd : sorted_records(ctx)) {
      if (rd->isUnion()) continue;
      unsigned sync = 0;
      for (const FieldDecl* f : rd->fields())
        if (!f->isBitField() && runtime_model::is_sync_type(f->getType())) ++sync;
      if (sync < 2) continue;
      auto it = shared_.find(cast<RecordDecl>(rd->getCanonicalDecl()));
      if (it == shared_.end() && !assume_shared_) continue;
      record_layout l = describe(ctx, rd, ptrs, policy, cache_line_);
      report_first_shared_line(ctx, l, it == shared_.end() ? nullptr : &it->second);
    }
  }

 private:
  // The synchronising fields of the record by cache line (record-relative,
  // as pahole shows them).
  std::map<uint64_t, std::vector<const field_desc*>> sync_fields_by_line(const record_layout& l) const {
    std::map<uint64_t, std::vector<const field_desc*>> lines;
    for (const field_desc& f : l.fields) {
      if (f.bitfield || !runtime_model::is_sync_type(f.decl->getType())) continue;
      uint64_t first = f.offset_bits / 8 / cache_line_;
      uint64_t last = (f.offset_bits / 8 + std::max<uint64_t>(f.size, 1) - 1) / cache_line_;
      for (uint64_t ln = first; ln <= last; ++ln) lines[ln].push_back(&f);
    }
    return lines;
  }

  // One finding per record: the first line holding two or more of them.
  void report_first_shared_line(const ASTContext& ctx, const record_layout& l, const SourceLocation* shared_at) {
    const SourceManager& sm = ctx.getSourceManager();
    for (auto& [ln, fs] : sync_fields_by_line(l)) {
      if (fs.size() < 2) continue;
      std::vector<std::string> names;
      for (const field_desc* f : fs) names.push_back("'" + f->name + "'");
      std::string msg = "fields " + join(names) + " of '" + l.name + "' synchronise goroutines and share " +
                        std::to_string(cache_line_) + "-byte cache line " + std::to_string(ln) +
                        " (false sharing); give each its own line with alignas(" + std::to_string(cache_line_) +
                        ") or padding";
      auto fb = diag(sm, sm.getExpansionLoc(fs[1]->decl->getLocation()), msg);
      for (const field_desc* f : fs)
        fb.note(sm.getExpansionLoc(f->decl->getLocation()), "'" + f->name + "' (" + f->type + ") at offset " +
                                                                std::to_string(f->offset_bits / 8) + ", size " +
                                                                std::to_string(f->size));
      for (size_t k = 1; k < fs.size(); ++k)
        fb.note(sm.getExpansionLoc(fs[k]->decl->getLocation()), "suggestion: declare it 'alignas(" +
                                                                    std::to_string(cache_line_) + ") " + fs[k]->type +
                                                                    " " + fs[k]->name + ";'");
      if (shared_at) fb.note(*shared_at, "'" + l.name + "' is shared with a goroutine here");
      nlohmann::json data = to_json(l, std::nullopt);
      data["cache_line"] = ln;
      data["cache_line_size"] = cache_line_;
      std::vector<std::string> plain;
      for (const field_desc* f : fs) plain.push_back(f->name);
      data["sync_fields"] = plain;
      fb.data(std::move(data));
      return;
    }
  }

  void mark(QualType t, SourceLocation where) {
    if (t.isNull()) return;
    if (const RecordDecl* rd = canonical_record(t)) shared_.emplace(rd, where);
  }

  // A record shared through this argument of go::spawn / std::thread.
  void examine(const Expr* arg, SourceLocation where) {
    if (!arg) return;
    const Expr* e = strip_conversions(arg);
    if (const auto* lambda = dyn_cast<LambdaExpr>(e)) {
      examine_captures(lambda, where);
      return;
    }
    pointee(e->getType(), where);
  }

  // The argument under temporaries, copies and functional casts.
  static const Expr* strip_conversions(const Expr* arg) {
    const Expr* e = arg->IgnoreImplicit();
    while (true) {
      if (const auto* m = dyn_cast<MaterializeTemporaryExpr>(e))
        e = m->getSubExpr()->IgnoreImplicit();
      else if (const auto* b = dyn_cast<CXXBindTemporaryExpr>(e))
        e = b->getSubExpr()->IgnoreImplicit();
      else if (const auto* c = dyn_cast<CXXConstructExpr>(e);
               c && c->getNumArgs() == 1 && !isa<CXXTemporaryObjectExpr>(c))
        e = c->getArg(0)->IgnoreImplicit();
      else if (const auto* f = dyn_cast<CXXFunctionalCastExpr>(e))
        e = f->getSubExpr()->IgnoreImplicit();
      else
        break;
    }
    return e;
  }

  // `this` and variables a lambda captures by reference or as pointers.
  void examine_captures(const LambdaExpr* lambda, SourceLocation where) {
    for (const LambdaCapture& c : lambda->captures()) {
      if (c.capturesThis()) {
        const DeclContext* dc = lambda->getLambdaClass()->getDeclContext();
        while (dc && !isa<CXXMethodDecl>(dc)) dc = dc->getParent();
        if (const auto* md = dyn_cast_or_null<CXXMethodDecl>(dc))
          shared_.emplace(cast<RecordDecl>(md->getParent()->getCanonicalDecl()), where);
      } else if (c.capturesVariable()) {
        const auto* v = dyn_cast<VarDecl>(c.getCapturedVar());
        if (!v) continue;
        QualType t = v->getType();
        if (c.getCaptureKind() == LCK_ByRef || t->isReferenceType())
          mark(t.getNonReferenceType(), where);
        else
          pointee(t, where);
      }
    }
  }

  // The record a pointer, std::reference_wrapper or go::ptr points to.
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

std::unique_ptr<check> make_false_sharing_check(llvm::StringRef id, check_context& c) {
  return make_check<false_sharing_check>(id, c);
}

}  // namespace gocxx::layout
