// The fix-it of gocxx-escape-heap-to-stack: a go::new_ whose object does
// not escape becomes a go::local in the scope of the statement that makes
// it, and the handle is taken from it (runtime-api.md, "What the
// stack-allocation rewrite produces"):
//
//   auto p = go::new_<T>(args);    ->   go::local<T> p_obj(args);
//                                       auto p = p_obj.ptr();
//
// A go::make_slice<T>(len[, cap]) with a constant capacity (the analysis
// keeps larger arrays than 64 KiB, and non-constant sizes, on the heap)
// becomes a go::local_array in the same place:
//
//   auto s = go::make_slice<T>(n, 16);   ->   go::local_array<T, 16> s_array;
//                                             auto s = s_array.slice(n);
//
// The same for a spelled type (`go::ptr<T> p = ...`) and for an assignment
// statement (`p = go::new_<T>(args);`). The analysis' "does not escape"
// says the object outlives no location of a shallower scope than the
// statement, so a local declared just before the statement lives long
// enough: in a loop body it is a fresh object each iteration, as the
// allocation was.
#pragma once
#include "escape/location_graph.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Expr.h>
#include <llvm/ADT/DenseSet.h>

#include <cstdint>

#include <map>
#include <set>
#include <string>

namespace gocxx::escape {

struct stack_rewrite {
  bool possible = false;
  std::string why_not;              // when not possible
  bool allocates = true;            // false: a make of capacity 0 (nothing to move)
  clang::SourceLocation insert_at;  // the start of the statement
  std::string declaration;          // `go::local<T> p_obj(args);` and a line break with the indentation
  clang::CharSourceRange call;      // the go::new_ call
  std::string replacement;          // `p_obj.ptr()`
};

// What the plans of one run share. Two fixes in one function must not both
// declare `p_obj`. And the stack they may spend: Go's stacks grow, a C++
// thread's does not, so a fix stops where the moved objects of one function
// would exceed 64 KiB together (each is at most 64 KiB, the analysis' limit,
// as Go's), or at an object over 256 bytes in a recursive function, or one
// that calls through a function pointer, a virtual function or
// std::function, which may call it again (each live call keeps its own). A plan over budget is no fix, with the reason.
struct rewrite_run {
  rewrite_run(const llvm::DenseSet<const clang::FunctionDecl*>& recursive,
              const llvm::DenseSet<const clang::FunctionDecl*>& reentrant)
      : recursive(recursive), reentrant(reentrant) {}
  const llvm::DenseSet<const clang::FunctionDecl*>& recursive;
  const llvm::DenseSet<const clang::FunctionDecl*>& reentrant;
  std::map<const clang::DeclContext*, std::set<std::string>> names;  // handed out, per function
  std::map<const clang::DeclContext*, uint64_t> bytes;               // spent, per function
};

// Shared with the plain C++ rewrite (owner_rewrite.hpp).

// The statement that holds an allocation (a variable's declaration or an
// assignment to a variable, in a block) and that variable; or why not.
struct holding_statement {
  const clang::ValueDecl* var = nullptr;
  const clang::Stmt* statement = nullptr;
  const clang::CompoundStmt* block = nullptr;
  std::string why_not;
};
holding_statement find_holding_statement(clang::ASTContext& ctx, const clang::Expr* alloc);

// The source text of a range.
std::string text_of(clang::CharSourceRange r, const clang::ASTContext& ctx);
// An expression's text as written, outside macro expansions; empty if not.
std::string written_expr(clang::ASTContext& ctx, const clang::Expr* e);
// The first object declared before `statement` in `block` whose destructor
// may run the program's code (it is destroyed after a local declared just
// before the statement), or null.
const clang::VarDecl* destroyed_later_with_user_code(clang::ASTContext& ctx, const clang::CompoundStmt* block,
                                                     const clang::Stmt* statement);
// `base`, or base2, base3...: a name `var`'s function neither declares nor
// uses, nor another plan of the run handed out there.
std::string unused_name(const clang::ValueDecl* var, const std::string& base, rewrite_run& run);
// The spaces before the statement's first column.
std::string indentation_of(const clang::Stmt* statement, const clang::SourceManager& sm);
// A call's `(args)` as written after the callee, empty without written
// arguments; false when unreadable.
bool written_arguments(clang::ASTContext& ctx, const clang::CallExpr* call, std::string& args);
// Why `bytes` more on the stack of `fn` is over the run's budget, or empty
// (and then they are spent).
std::string over_stack_budget(const clang::DeclContext* fn, uint64_t bytes, rewrite_run& run);

stack_rewrite plan_stack_rewrite(clang::ASTContext& ctx, const clang::CallExpr* call, alloc_kind kind,
                                 rewrite_run& run);

}  // namespace gocxx::escape
