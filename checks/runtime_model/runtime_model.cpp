#include "runtime_model/runtime_model.hpp"

#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/AST/RecordLayout.h>

#include <algorithm>

using namespace clang;

namespace gocxx::runtime_model {

const CXXRecordDecl* record_of(QualType t) {
  if (t.isNull()) return nullptr;
  return t.getCanonicalType()->getAsCXXRecordDecl();
}

bool in_top_namespace(const Decl* d, llvm::StringRef ns) {
  const DeclContext* dc = d->getDeclContext();
  while (dc && dc->isInlineNamespace()) dc = dc->getParent();
  const auto* nd = dyn_cast_or_null<NamespaceDecl>(dc);
  if (!nd || !nd->getIdentifier() || nd->getName() != ns) return false;
  const DeclContext* p = nd->getParent();
  while (p && p->isInlineNamespace()) p = p->getParent();
  return p && p->isTranslationUnit();
}

bool within_namespace(const Decl* d, llvm::StringRef ns) {
  const NamespaceDecl* top = nullptr;
  for (const DeclContext* dc = d->getDeclContext(); dc && !dc->isTranslationUnit(); dc = dc->getParent())
    if (const auto* nd = dyn_cast<NamespaceDecl>(dc); nd && !nd->isInline()) top = nd;
  return top && top->getIdentifier() && top->getName() == ns;
}

llvm::StringRef record_or_template_name(const CXXRecordDecl* rd) {
  if (const auto* spec = dyn_cast<ClassTemplateSpecializationDecl>(rd)) {
    const auto* tmpl = spec->getSpecializedTemplate();
    return tmpl->getIdentifier() ? tmpl->getName() : llvm::StringRef();
  }
  return rd->getIdentifier() ? rd->getName() : llvm::StringRef();
}

bool is_std_string(const CXXRecordDecl* rd) {
  return record_or_template_name(rd) == "basic_string" && within_namespace(rd, "std");
}

const ClassTemplateSpecializationDecl* std_unique_ptr(QualType t) {
  const auto* spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(record_of(t));
  if (!spec || record_or_template_name(spec) != "unique_ptr" || !in_top_namespace(spec, "std")) return nullptr;
  const TemplateArgumentList& args = spec->getTemplateArgs();
  if (args.size() != 2 || args[1].getKind() != TemplateArgument::Type) return nullptr;
  const CXXRecordDecl* deleter = record_of(args[1].getAsType());
  if (!deleter || record_or_template_name(deleter) != "default_delete" || !in_top_namespace(deleter, "std"))
    return nullptr;
  return spec;
}

static bool named_in(const CXXRecordDecl* rd, llvm::StringRef ns, std::initializer_list<llvm::StringRef> names) {
  if (!rd) return false;
  llvm::StringRef n = record_or_template_name(rd);
  if (n.empty()) return false;
  if (std::find(names.begin(), names.end(), n) == names.end()) return false;
  return in_top_namespace(rd, ns);
}

bool is_go_handle_type(QualType t) {
  const CXXRecordDecl* rd = record_of(t);
  if (named_in(rd, "go", {"ptr", "slice", "map", "chan", "send_chan", "recv_chan"})) return true;
  // go::detail::chan_ref<T>, the base of the channel views.
  if (rd && record_or_template_name(rd) == "chan_ref") {
    const auto* ns = dyn_cast_or_null<NamespaceDecl>(rd->getDeclContext());
    if (ns && ns->getIdentifier() && ns->getName() == "detail" && in_top_namespace(ns, "go")) return true;
  }
  return false;
}

bool is_sync_type(QualType t) {
  const CXXRecordDecl* rd = record_of(t);
  if (!rd) return false;
  if (named_in(rd, "std",
               {"atomic", "atomic_flag", "mutex", "shared_mutex", "recursive_mutex", "timed_mutex",
                "shared_timed_mutex", "recursive_timed_mutex"}))
    return true;
  return named_in(rd, "go", {"mutex", "rwmutex", "wait_group", "once"});
}

uint64_t pointer_model::pointer_bytes(QualType t) {
  if (t.isNull()) return 0;
  QualType c = t.getCanonicalType();
  const Type* key = c.getTypePtr();
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  uint64_t ptr_size = ctx_.getTypeSize(ctx_.VoidPtrTy) / 8;
  uint64_t result = 0;
  if (c->isDependentType() || c->isIncompleteType()) {
    result = 0;
  } else if (c->isPointerType() || c->isReferenceType() || c->isBlockPointerType() || c->isObjCObjectPointerType()) {
    result = ptr_size;
  } else if (const auto* arr = dyn_cast<ConstantArrayType>(c.getTypePtr())) {
    uint64_t n = arr->getSize().getZExtValue();
    uint64_t elem = pointer_bytes(arr->getElementType());
    if (n > 0 && elem > 0) result = (n - 1) * (ctx_.getTypeSize(arr->getElementType()) / 8) + elem;
  } else if (const RecordDecl* rd = c->getAsRecordDecl(); rd && rd->getDefinition() && !rd->isInvalidDecl()) {
    rd = rd->getDefinition();
    if (depth_ < 16) {
      ++depth_;
      const ASTRecordLayout& layout = ctx_.getASTRecordLayout(rd);
      unsigned i = 0;
      for (const FieldDecl* f : rd->fields()) {
        uint64_t off = layout.getFieldOffset(i++) / 8;
        if (f->isBitField()) continue;
        uint64_t p = pointer_bytes(f->getType());
        if (p) result = std::max(result, off + p);
      }
      if (const auto* crd = dyn_cast<CXXRecordDecl>(rd)) {
        for (const CXXBaseSpecifier& b : crd->bases()) {
          const CXXRecordDecl* brd = record_of(b.getType());
          if (!brd || !brd->getDefinition()) continue;
          uint64_t p = pointer_bytes(b.getType());
          if (!p) continue;
          uint64_t off = b.isVirtual() ? layout.getVBaseClassOffset(brd).getQuantity()
                                       : layout.getBaseClassOffset(brd).getQuantity();
          result = std::max(result, off + p);
        }
      }
      --depth_;
    }
    if (is_go_handle_type(c))
      result = std::max<uint64_t>(result, std::min<uint64_t>(ptr_size, ctx_.getTypeSize(c) / 8));
  }
  cache_[key] = result;
  return result;
}

}  // namespace gocxx::runtime_model
