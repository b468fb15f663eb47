// gocxx-layout-finalizer-header: a record allocated with go::new_ that
// carries the collector's 16-byte finalizer header (and a destructor call
// per freed object) although its destructor does nothing the collector
// needs -- it only releases GC handles. The fix-it declares it
// go::trivially_collectable. docs/checks/gocxx-layout-finalizer-header.md
//
// The runtime cannot tell an implicit destructor from a user-written one (an
// aggregate may have either), so it asks the user; the analyzer can, and
// says which records qualify.
#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/Lex/Lexer.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "layout/layout_checks.hpp"
#include "runtime_model/runtime_model.hpp"

using namespace clang;
using namespace clang::ast_matchers;

namespace gocxx::layout {

namespace {

// What the runtime's go::new_ puts before an object with a finalizer
// (runtime/src/gc/mspan.hpp, object_header).
constexpr unsigned finalizer_header_bytes = 16;

// Whether destroying an object of type `t` does nothing the collector needs:
// trivially destructible, a handle the runtime's trivially_collectable lists
// (ptr, slice, map; not chan, whose handle holds a reference count), or a
// class whose destructor is not user-provided and whose bases and members
// all qualify (std::pair, std::tuple and std::array among them; std::string
// and std::vector have user-provided destructors and do not).
class destruction_model {
 public:
  bool redundant(QualType t) {
    t = t.getCanonicalType();
    if (const auto* at = dyn_cast<ConstantArrayType>(t.getTypePtr())) return redundant(at->getElementType());
    if (t->isReferenceType()) return true;
    const CXXRecordDecl* rd = runtime_model::record_of(t);
    if (!rd) return t.isDestructedType() == QualType::DK_none;
    return redundant(rd);
  }

  bool redundant(const CXXRecordDecl* rd) {
    rd = rd->getDefinition();
    if (!rd) return false;
    if (auto it = memo_.find(rd); it != memo_.end()) return it->second;
    memo_[rd] = false;  // a cycle through a by-value member cannot exist; be safe anyway
    bool ok = compute(rd);
    memo_[rd] = ok;
    return ok;
  }

 private:
  bool compute(const CXXRecordDecl* rd) {
    if (rd->hasTrivialDestructor()) return true;
    if (runtime_model::is_go_handle_type(QualType(rd->getTypeForDecl(), 0))) {
      llvm::StringRef name = runtime_model::record_or_template_name(rd);
      return name == "ptr" || name == "slice" || name == "map";
    }
    if (rd->isUnion()) return false;  // a union's destructor is written by hand
    if (const CXXDestructorDecl* d = rd->getDestructor(); d && d->isUserProvided()) return false;
    for (const CXXBaseSpecifier& b : rd->bases())
      if (!redundant(b.getType())) return false;
    for (const CXXBaseSpecifier& b : rd->vbases())
      if (!redundant(b.getType())) return false;
    for (const FieldDecl* f : rd->fields())
      if (!redundant(f->getType())) return false;
    return true;
  }

  std::map<const CXXRecordDecl*, bool> memo_;
};

class finalizer_header_check : public check {
 public:
  finalizer_header_check(llvm::StringRef id, check_context& context) : check(id, context) {}

  void register_matchers(MatchFinder& finder) override {
    finder.addMatcher(
        callExpr(callee(functionDecl(hasName("::go::new_"))), unless(isExpansionInSystemHeader())).bind("new"), this);
  }

  void run(const MatchFinder::MatchResult& r) override {
    const auto* call = r.Nodes.getNodeAs<CallExpr>("new");
    const auto* fn = call ? call->getDirectCallee() : nullptr;
    const TemplateArgumentList* args = fn ? fn->getTemplateSpecializationArgs() : nullptr;
    if (!args || args->size() == 0 || args->get(0).getKind() != TemplateArgument::Type) return;
    const CXXRecordDecl* rd = runtime_model::record_of(args->get(0).getAsType());
    if (!rd || !(rd = rd->getDefinition())) return;
    allocations_.try_emplace(rd, call->getBeginLoc());  // the first in traversal order
    if (!collectable_) collectable_ = trivially_collectable_template(fn);
  }

  void on_end_of_translation_unit(ASTContext& ctx) override {
    if (!collectable_) return;  // a runtime without go::trivially_collectable
    const SourceManager& sm = ctx.getSourceManager();
    std::vector<std::pair<const CXXRecordDecl*, SourceLocation>> found(allocations_.begin(), allocations_.end());
    std::sort(found.begin(), found.end(), [&](const auto& a, const auto& b) {
      return sm.isBeforeInTranslationUnit(a.first->getLocation(), b.first->getLocation());
    });
    destruction_model model;
    for (const auto& [rd, at] : found) {
      if (!eligible(rd, sm) || already_collectable(rd) || !model.redundant(rd)) continue;
      report(ctx, rd, at);
    }
  }

 private:
  // go::trivially_collectable, looked up in the namespace of the go::new_
  // that was called (all of its redeclarations).
  static const ClassTemplateDecl* trivially_collectable_template(const FunctionDecl* new_fn) {
    const DeclContext* go_ns = new_fn->getDeclContext()->getRedeclContext();
    IdentifierInfo& name = new_fn->getASTContext().Idents.get("trivially_collectable");
    for (const NamedDecl* d : go_ns->lookup(&name))
      if (const auto* ctd = dyn_cast<ClassTemplateDecl>(d)) return ctd->getCanonicalDecl();
    return nullptr;
  }

  // A plain class at namespace scope, written in a file findings may name:
  // templates and their instantiations, local and nested classes are left
  // alone (the specialisation would need a template, or a name the fix
  // cannot write at namespace scope).
  static bool eligible(const CXXRecordDecl* rd, const SourceManager& sm) {
    if (rd->isLambda() || rd->isUnion() || isa<ClassTemplateSpecializationDecl>(rd) ||
        rd->getDescribedClassTemplate() || rd->isDependentContext() || !rd->getIdentifier())
      return false;
    if (sm.isInSystemHeader(sm.getExpansionLoc(rd->getLocation()))) return false;
    for (const DeclContext* dc = rd->getDeclContext(); !dc->isTranslationUnit(); dc = dc->getParent())
      if (!isa<NamespaceDecl>(dc)) return false;
    return !rd->hasTrivialDestructor();
  }

  // trivially_collectable<rd> is true already: declared by the user (an
  // explicit or partial specialisation), or derived by the runtime. The
  // value is read off its std::integral_constant base.
  bool already_collectable(const CXXRecordDecl* rd) const {
    QualType t = rd->getASTContext().getRecordType(rd);
    void* pos = nullptr;
    TemplateArgument arg(t);
    auto* spec = const_cast<ClassTemplateDecl*>(collectable_)->findSpecialization(arg, pos);
    if (!spec) return true;  // never instantiated for rd: say nothing
    if (spec->getSpecializationKind() == TSK_ExplicitSpecialization) return true;
    if (!spec->hasDefinition()) return true;
    for (const CXXBaseSpecifier& b : spec->bases()) {
      const auto* ic = dyn_cast_or_null<ClassTemplateSpecializationDecl>(runtime_model::record_of(b.getType()));
      if (!ic || ic->getTemplateArgs().size() < 2) continue;
      const TemplateArgument& v = ic->getTemplateArgs()[1];
      if (v.getKind() == TemplateArgument::Integral) return v.getAsIntegral().getBoolValue();
    }
    return true;
  }

  void report(ASTContext& ctx, const CXXRecordDecl* rd, SourceLocation at) {
    const SourceManager& sm = ctx.getSourceManager();
    const uint64_t size = ctx.getTypeSizeInChars(ctx.getRecordType(rd)).getQuantity();
    std::string name = rd->getName().str();
    std::string msg =
        "'" + name + "' is allocated with go::new_ and carries a " + std::to_string(finalizer_header_bytes) +
        "-byte finalizer header, though its destructor only releases GC handles: declare it "
        "go::trivially_collectable (" +
        std::to_string(size) + " bytes per object instead of " + std::to_string(size + finalizer_header_bytes) + ")";
    auto fb = diag(sm, sm.getExpansionLoc(rd->getLocation()), msg);
    fb.note(sm.getExpansionLoc(at), "allocated with go::new_ here");
    fb.data({{"record", rd->getQualifiedNameAsString()}, {"size", size}, {"header", finalizer_header_bytes}});
    std::string why;
    SourceLocation after = insertion_point(ctx, rd, why);
    if (after.isInvalid()) {
      fb.note(sm.getExpansionLoc(rd->getLocation()), "no fix-it: " + why);
      return;
    }
    fb.fix_insert(after, specialisation_text(rd));
  }

  // Just after the `;` that ends the record's definition.
  static SourceLocation insertion_point(ASTContext& ctx, const CXXRecordDecl* rd, std::string& why) {
    const SourceManager& sm = ctx.getSourceManager();
    SourceLocation close = rd->getBraceRange().getEnd();
    if (close.isInvalid() || close.isMacroID()) {
      why = "the definition is written by a macro";
      return {};
    }
    SourceLocation semi = Lexer::findLocationAfterToken(close, tok::semi, sm, ctx.getLangOpts(),
                                                        /*SkipTrailingWhitespaceAndNewLine=*/false);
    if (semi.isInvalid()) {
      why = "the definition also declares something (no ';' after its '}')";
      return {};
    }
    for (const DeclContext* dc = rd->getDeclContext(); !dc->isTranslationUnit(); dc = dc->getParent()) {
      const auto* ns = cast<NamespaceDecl>(dc);
      if (ns->isInline() && ns->isAnonymousNamespace()) {
        why = "the record is in an inline anonymous namespace";
        return {};
      }
    }
    return semi;
  }

  // The specialisation, at global scope: the record's namespaces are closed
  // before it and reopened after it (explicit specialisations of a template
  // of namespace go belong to a scope that encloses go).
  static std::string specialisation_text(const CXXRecordDecl* rd) {
    std::vector<const NamespaceDecl*> nss;  // innermost first
    for (const DeclContext* dc = rd->getDeclContext(); !dc->isTranslationUnit(); dc = dc->getParent())
      nss.push_back(cast<NamespaceDecl>(dc));
    std::string qualified;
    for (auto it = nss.rbegin(); it != nss.rend(); ++it)
      if (!(*it)->isAnonymousNamespace()) qualified += (*it)->getName().str() + "::";
    qualified += rd->getName().str();
    std::string text = "\n";
    for (const NamespaceDecl* ns : nss)
      text += "}  // namespace" + (ns->isAnonymousNamespace() ? std::string() : " " + ns->getName().str()) + "\n";
    if (!nss.empty()) text += "\n";
    text += "// " + rd->getName().str() +
            "'s destructor only releases GC handles: the collector frees it without one.\n"
            "template <>\nstruct go::trivially_collectable<" +
            qualified + "> : std::true_type {};\n";
    if (!nss.empty()) text += "\n";
    for (auto it = nss.rbegin(); it != nss.rend(); ++it) {
      const NamespaceDecl* ns = *it;
      text += std::string(ns->isInline() ? "inline " : "") + "namespace" +
              (ns->isAnonymousNamespace() ? std::string() : " " + ns->getName().str()) + " {\n";
    }
    return text;
  }

  const ClassTemplateDecl* collectable_ = nullptr;
  std::map<const CXXRecordDecl*, SourceLocation> allocations_;
};

}  // namespace

std::unique_ptr<check> make_finalizer_header_check(llvm::StringRef id, check_context& c) {
  return make_check<finalizer_header_check>(id, c);
}

}  // namespace gocxx::layout
