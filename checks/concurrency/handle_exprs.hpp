// Which expressions denote the runtime's synchronisation objects (channels,
// wait groups, mutexes) and the operations on them: the vocabulary the
// model builder reads a body with.
#pragma once
#include <clang/AST/Decl.h>
#include <clang/AST/Expr.h>
#include <clang/AST/ExprCXX.h>
#include <clang/Basic/SourceManager.h>

#include <optional>
#include <string>

namespace gocxx::concurrency {

// The kind of synchronisation object a type denotes.
// A go::context is followed as the channel its done() returns.
// A go::timer or go::ticker is followed as the channel its c() returns.
enum class sync_type { none, chan, wait_group, mutex, rwmutex, context, cond, timer, ticker, once };

// The synchronisation object a value, reference or pointer of type t holds
// or denotes (a `go::mutex*` parameter denotes the caller's mutex).
sync_type type_of(clang::QualType t);

// f is go::<name> (the runtime's namespace, any overload).
bool is_go_function(const clang::FunctionDecl* f, llvm::StringRef name);

// Looks through parentheses, implicit casts, temporaries and functional
// casts: what never changes the value (`go::select(a)` with one case is a
// functional cast, with several a temporary object).
const clang::Expr* strip_temporaries(const clang::Expr* e);

// Looks through what does not change which object a handle expression
// denotes: the above, addresses, copies and conversions between handle types.
const clang::Expr* strip(const clang::Expr* e);

// The variable reference a handle expression comes down to, if any.
const clang::DeclRefExpr* as_ref(const clang::Expr* e);

// The variable of a handle expression, if it is one the model follows.
const clang::ValueDecl* tracked_var(const clang::Expr* e);

// The method called, with `on` the kind of object it is called on; null
// when that object is not a synchronisation handle.
const clang::CXXMethodDecl* method_of(const clang::CXXMemberCallExpr* call, sync_type& on);

// Whether the method is one the runtime makes a coroutine wait on.
bool is_blocking_method(sync_type on, llvm::StringRef name);

// go::select(...) as constructed (class template argument deduction).
const clang::CXXConstructExpr* as_select(const clang::Expr* e);

// `e` as a co_await (IgnoreImplicit also looks through ExprWithCleanups).
const clang::CoawaitExpr* as_await(const clang::Expr* e);

// The awaited expression of a co_await, as written.
const clang::Expr* awaited(const clang::CoawaitExpr* e);

// Functions the model knows do not run the user's code: the runtime's and
// the system headers' -- unless given something callable.
bool is_library(const clang::SourceManager& sm, const clang::FunctionDecl* f);

// The body a callable argument runs (go::spawn's, go::run's, once::call's):
// a lambda's operator() (`lambda` set) or a function named directly; null
// when there is no body the unit defines.
const clang::FunctionDecl* callable_body(const clang::Expr* fn_expr, const clang::LambdaExpr*& lambda);

// How messages name a variable.
std::string var_name(const clang::ValueDecl* d);

// e as a constant that fits in an int.
std::optional<int> constant_int(const clang::Expr* e, const clang::ASTContext& ctx);

// `for (T i = from; i OP bound; ...)` with OP one of <, <=, !=: the loop
// forms the model counts. `steps_by_one`: the increment is ++i or i++ and the
// body leaves i alone, so the loop runs bound - from times (<) or one more
// (<=).
struct counted_loop {
  const clang::VarDecl* index;
  const clang::Expr* from;
  const clang::Expr* bound;
  clang::BinaryOperatorKind op;
  bool steps_by_one;
};
std::optional<counted_loop> as_counted_loop(const clang::ForStmt& f);

// Whether s assigns v, increments or decrements it, or takes its address
// (after which it may change behind the model's back).
bool assigned_in(const clang::Stmt* s, const clang::VarDecl* v);

}  // namespace gocxx::concurrency
