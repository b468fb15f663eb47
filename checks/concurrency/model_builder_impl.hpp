// The builder of one body of the concurrency model (model_builder.hpp),
// shared by its files: model_builder.cpp reads a CFG's statements,
// model_objects.cpp fields, flags, constructors and globals,
// model_deferred.cpp go::defer and mutex guards, model_calls.cpp calls and
// spawns, model_passes.cpp what is computed once a body is read.
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/ExprCXX.h>
#include <clang/Analysis/CFG.h>
#include <llvm/ADT/BitVector.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "escape/unit_summaries.hpp"
#include "handle_exprs.hpp"
#include "sync_model.hpp"

namespace gocxx::concurrency::model_detail {

using namespace clang;

// Spawns nested deeper than this are not followed (what they are given
// escapes, and so do the globals).
constexpr int max_spawn_depth = 6;
// Calls nested deeper than this, or that would grow a body past
// max_spliced_blocks, are not followed (their arguments escape).
constexpr int max_call_depth = 4;
constexpr size_t max_spliced_blocks = 1500;

// The vocabulary of objects (model_objects.cpp).
bool is_flag_type(clang::QualType t);
// The handle fields (and, with_flags, the bool fields) of the object a
// value, reference or pointer of type t holds or denotes (direct fields).
std::vector<const clang::FieldDecl*> handle_fields(clang::QualType t, bool with_flags = true);
// The variable, or *this (null), whose object an expression denotes when it
// has handle fields: `m`, `&m`, `p`, `this`.
std::optional<const clang::ValueDecl*> object_base(const clang::Expr* e);
// Whether f is a coroutine of the runtime (go::task<T>).
bool returns_task(const clang::FunctionDecl* f);
bool is_callable(clang::QualType t);

struct shared_build {
  std::map<const Decl*, int> index;
  std::set<const Decl*> in_progress;              // bodies being built: a call to one is recursion
  escape::summary_exchange* summaries = nullptr;  // other units' (sync_free.hpp)
};

class body_builder {
 public:
  body_builder(ASTContext& ctx, program& prog, shared_build& shared, int depth, int call_depth)
      : ctx_(ctx), prog_(prog), shared_(shared), depth_(depth), call_depth_(call_depth) {}

  int build(const FunctionDecl* fn);

 private:
  // --- model_builder.cpp: reading a body's statements ------------------------
  void fail(std::string why);
  void find_entry(body& b, const FunctionDecl* fn) const;
  void find_statements(const Stmt* s);
  op cond_init_op(const Expr* e, int slot, SourceLocation loc);
  void describe_as_case(const CoawaitExpr* a, const CXXMemberCallExpr* call, op& o) const;
  std::string describe(const FunctionDecl* fn) const;
  int slot_of(const ValueDecl* d) { return body_->slot(slot_key{d}, var_name(d)); }
  int field_slot(const ValueDecl* base, const FieldDecl* f);
  int result_slot() { return body_->slot(slot_key{nullptr, nullptr, true}, "the result"); }
  int slot_for(const Expr* e);
  op make_op(op_kind k, SourceLocation loc, int slot = -1);
  void emit(op o) { body_->blocks[cur_].ops.push_back(std::move(o)); }
  void note_use(const Expr* e, int slot);
  void note_object_use(const Expr* e, const ValueDecl* base);
  void consume(const Expr* e);
  void read_cfg(const CFG& cfg, const FunctionDecl* fn);
  bool runs_user_code(QualType t) const;
  void read_stmt(const Stmt* s);
  void read_member(const MemberExpr* m);
  void read_return(const Expr* value, SourceLocation loc);
  void read_var_init(const VarDecl* v);
  op init_op(sync_type t, const Expr* init, int slot, SourceLocation loc);
  static bool is_new_of_default(const Expr* e);
  static bool is_default_construction(const Expr* e);
  void read_await(const CoawaitExpr* a);
  void read_select(const CXXConstructExpr* sel, SourceLocation loc);
  static std::optional<op_kind> handle_method(sync_type on, llvm::StringRef name);
  void read_method_call(const CXXMemberCallExpr* call);
  void read_operator_call(const CXXOperatorCallExpr* call);
  void read_call(const CallExpr* call);
  void settle_uses();

  // --- model_objects.cpp: fields, flags, constructors, globals, shared state ---
  int flag_slot_for(const Expr* e);
  int flag_value(const Expr* e) const;
  op make_flag_op(int slot, const Expr* init, SourceLocation loc, int if_none);
  void read_flag_test(const CFGBlock& b, block& out);
  void read_object_init(const VarDecl* v);
  static const CXXConstructExpr* constructs(const VarDecl* v);
  op field_init_op(const VarDecl* v, const FieldDecl* f, SourceLocation loc);
  op member_init_op(const VarDecl* v, const FieldDecl* f, const CXXConstructorDecl& ctor);
  static bool refers_to_declarations(const Stmt* s);
  void make_globals();
  void read_assumption(const CFGBlock& b, block& out);
  static bool reads_shared_state(const Stmt* s, int depth);

  // --- model_deferred.cpp: go::defer and mutex guards ------------------------
  static const Expr* guarded_mutex(const VarDecl* v);
  void settle_guards();
  void read_guard(const VarDecl* v);
  void find_deferred(const Stmt* s);
  void read_deferred(const VarDecl* v);
  void run_deferred(const VarDecl* v);

  // --- model_contexts.cpp: go::with_cancel and friends ----------------------
  void find_cancellers(const Stmt* body);
  bool read_context(const DecompositionDecl* d);
  static bool is_background(const Expr* e);
  int cancel_slot(const CXXOperatorCallExpr* call) const;

  // --- model_calls.cpp: calls, go::run, go::spawn ----------------------------
  static bool has_callable_argument(const CallExpr* call);
  void read_user_call(const CallExpr* call);
  void emit_call(op o);
  op call_op(const Expr* site, const FunctionDecl* def, int idx, const std::vector<const Expr*>& args,
             std::optional<const ValueDecl*> base);
  int splice_target(const Expr* call, const FunctionDecl* def);
  int build_for_splice(const FunctionDecl* fn);
  bool fits(size_t blocks);
  static bool copies_handles(QualType t);
  static int callee_slot(const body& cb, const slot_key& key);
  static bool writes(const body& cb, int slot);
  void bind_argument(op& o, const body& cb, const FunctionDecl* def, const ParmVarDecl* p, const Expr* arg);
  std::vector<std::pair<slot_key, int>> captured(const LambdaExpr* lambda, const body& cb);
  void read_run(const CallExpr* call);
  void read_once_call(const CXXMemberCallExpr* call);
  void read_spawn(const CallExpr* call);

  // --- model_passes.cpp: once a body is read ---------------------------------
  static void find_arms(body& b);
  static void note_arm_op(block& bl, const op& o);
  static std::vector<llvm::BitVector> post_dominators(const body& b);
  static void forget_single_tests(body& b);

  struct pending_use {
    int block;
    size_t index;
    const Expr* expr;
    int slot;
    const ValueDecl* base;  // an object use: its variable, null for this
    bool object;
  };
  struct pending_call {
    int block;
    size_t index;
    const CXXMemberCallExpr* call;
    int slot;
  };

  ASTContext& ctx_;
  program& prog_;
  shared_build& shared_;
  int depth_;       // of spawns
  int call_depth_;  // of calls being spliced
  body* body_ = nullptr;
  const FunctionDecl* fn_ = nullptr;
  const Stmt* fn_body_ = nullptr;
  int cur_ = 0;
  size_t spliced_blocks_ = 0;
  std::vector<pending_use> uses_;
  std::set<const Expr*> consumed_;
  std::vector<pending_call> unawaited_;
  std::set<const CXXMemberCallExpr*> awaited_calls_;
  std::set<const Expr*> awaited_task_calls_;          // `co_await f(...)`
  std::set<const CXXConstructExpr*> var_constructs_;  // what constructs a variable
  std::map<const Expr*, int> call_results_;           // a spliced call -> the slot of its value
  std::map<const VarDecl*, std::vector<op>> deferred_;
  std::map<const VarDecl*, int> guards_;  // guard -> its mutex's slot
  std::set<const ValueDecl*> guard_refs_;
  std::map<const VarDecl*, op> guard_unlock_;
  std::map<const BindingDecl*, int> cancellers_;  // a context's cancel function -> the context's slot
  std::set<const VarDecl*> loop_indices_;         // counted loops' indices (branch_reader)
  std::set<const Stmt*> statements_;              // expressions that are statements of their own
};

}  // namespace gocxx::concurrency::model_detail
