// A small model of the gocxx runtime's types, shared by the checks: which
// types are handles the collector traces, which synchronise goroutines, how
// many bytes of a type hold pointers. The names are those of the runtime's
// public headers (runtime/include/gocxx/, docs/runtime.md).
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/AST/Expr.h>
#include <llvm/ADT/DenseMap.h>

#include <cstdint>
#include <string>

namespace gocxx::runtime_model {

// The record behind `t` (through typedefs, cv-qualifiers, elaborated types).
const clang::CXXRecordDecl* record_of(clang::QualType t);

// `d` is declared in namespace `ns` directly below the translation unit
// (inline namespaces such as std::__1 are looked through).
bool in_top_namespace(const clang::Decl* d, llvm::StringRef ns);

// `d` is declared anywhere inside top-level namespace `ns`: in a nested
// namespace, a class, a function of it.
bool within_namespace(const clang::Decl* d, llvm::StringRef ns);

// The record's name, or for a template specialisation its template's name.
llvm::StringRef record_or_template_name(const clang::CXXRecordDecl* rd);

// std::basic_string<...> (std::string and its siblings).
bool is_std_string(const clang::CXXRecordDecl* rd);

// std::unique_ptr<T> with std::default_delete (its destructor deletes what
// it holds and nothing else sees the pointer): the one owning pointer the
// escape analysis models as a handle (escape_model.md). Null otherwise.
const clang::ClassTemplateSpecializationDecl* std_unique_ptr(clang::QualType t);

// go::ptr<T>, go::slice<T>, go::map<K,V>, go::chan<T> and its send/recv views.
bool is_go_handle_type(clang::QualType t);

// std::atomic<T>, std::atomic_flag, std::mutex and friends, go::mutex,
// go::rwmutex, go::wait_group, go::once.
bool is_sync_type(clang::QualType t);

// Go's "ptrdata": the number of bytes from the start of an object of type
// `t` up to the end of its last pointer word (0: no pointers). Memoised per
// ASTContext; one instance per translation unit.
class pointer_model {
 public:
  explicit pointer_model(const clang::ASTContext& ctx) : ctx_(ctx) {}
  uint64_t pointer_bytes(clang::QualType t);

 private:
  const clang::ASTContext& ctx_;
  llvm::DenseMap<const clang::Type*, uint64_t> cache_;
  unsigned depth_ = 0;
};

}  // namespace gocxx::runtime_model
