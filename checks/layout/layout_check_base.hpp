// What the four gocxx-layout-* checks share (docs/checks/gocxx-layout-*.md).
//
// All four collect the record definitions of the translation unit with one
// matcher and do their work at the end of the unit, so that findings come
// out in source order and the padding check sees every initialiser of a
// record before deciding whether its fix-it is safe.
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/ASTMatchers/ASTMatchFinder.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "check.hpp"

namespace gocxx::layout {

// Nodes the best-order search may visit per record.
inline constexpr uint64_t max_search_nodes = 200000;

// The canonical declaration of the record type `t` names, or nullptr.
const clang::RecordDecl* canonical_record(clang::QualType t);
// The record as written: the pattern of a template instantiation, else `rd`.
const clang::RecordDecl* written_record(const clang::RecordDecl* rd);
std::string join(const std::vector<std::string>& v, const char* sep = ", ");

// The record definitions of the unit that the layout checks look at.
class layout_check_base : public check {
 public:
  layout_check_base(llvm::StringRef id, check_context& context);

  void store_options(option_map& out) const override;

  void register_matchers(clang::ast_matchers::MatchFinder& finder) override;
  void run(const clang::ast_matchers::MatchFinder::MatchResult& result) override;

 protected:
  // A check's own matchers and their matches.
  virtual void register_more(clang::ast_matchers::MatchFinder&) {}
  virtual void run_more(const clang::ast_matchers::MatchFinder::MatchResult&) {}

  // The records in source order; instantiations of one template by name.
  std::vector<const clang::RecordDecl*> sorted_records(const clang::ASTContext& ctx) const;
  // Where a finding about the record goes (the template, for instantiations).
  clang::SourceLocation report_loc(const clang::ASTContext& ctx, const clang::RecordDecl* rd) const;

  unsigned cache_line_ = 64;

 private:
  bool eligible(const clang::ASTContext& ctx, const clang::RecordDecl* rd) const;

  std::vector<const clang::RecordDecl*> records_;
  std::set<const clang::RecordDecl*> seen_;
};

// Records used across an extern "C" boundary in the unit: a parameter or the
// return of a C-linkage function, or a C-linkage variable, by value, pointer,
// reference or array; with the declaration that uses each.
class extern_c_uses {
 public:
  void register_matchers(clang::ast_matchers::MatchFinder& finder,
                         clang::ast_matchers::MatchFinder::MatchCallback* callback);
  // True when the match was one of these matchers'.
  bool run(const clang::ast_matchers::MatchFinder::MatchResult& r);
  // A declaration using the record (its canonical declaration), or nullptr.
  const clang::Decl* find(const clang::RecordDecl* rd) const;

 private:
  void note(clang::QualType t, const clang::Decl* d);
  std::multimap<const clang::RecordDecl*, const clang::Decl*> uses_;
};

}  // namespace gocxx::layout
