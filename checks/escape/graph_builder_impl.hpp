// The graph builder's inside, shared by the files that implement it and
// included by nothing outside checks/escape/. The builder is one object
// with one state (the function being walked, the scope depth, the
// locations of the batch); its methods are spread over the files the way
// Go spreads its escape analysis (src/cmd/compile/internal/escape/):
//
//   graph_builder.cpp  entry point, per-function set-up, locations, closures  escape.go
//   stmt.cpp           statements, declarations, scope depth                   stmt.go
//   expr.cpp           the value and the address of an expression              expr.go
//   assign.cpp         stores, initialisation, constructors                    assign.go
//   call.cpp           calls, arguments, the summaries of callees              call.go
//   runtime_calls.cpp  the go:: runtime API (new_, make_slice, spawn, send...) Go's builtins
//   fields.cpp         local aggregates split into one location per field    (Go: none)
#pragma once
#include "escape/graph_builder.hpp"
#include "runtime_model/escape_model.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/Expr.h>
#include <clang/AST/ExprCXX.h>
#include <clang/Basic/SourceLocation.h>
#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/STLFunctionalExtras.h>
#include <llvm/ADT/SmallVector.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace gocxx::escape {

// Where a value goes (Go: hole): into location `loc` after `derefs`
// dereferences (-1: its address), or nowhere (a discarded value). `where`
// and `why` say which expression makes the flow, for the -m=2 notes.
struct hole {
  int loc = -1;  // -1: discard
  int derefs = 0;
  clang::SourceLocation where;
  const char* why = "";

  bool discard() const { return loc < 0; }
  hole shift(int n) const {
    hole h = *this;
    h.derefs += n;
    return h;
  }
  hole addr() const { return shift(-1); }
  hole deref() const { return shift(1); }
  hole note(clang::SourceLocation w, const char* y) const {
    hole h = *this;
    h.where = w;
    h.why = y;
    return h;
  }
};

inline const hole discard_hole{};

// `s` (an expression, a default member initialiser) names `this`.
bool mentions_this(const clang::Stmt* s);

// A defaulted (or trivial, or implicit) copy or move constructor or
// assignment: a plain copy of the object, not a call to look into.
bool is_defaulted_copy_or_move(const clang::FunctionDecl* fd);

// What a cast does with what its operand holds: the one table the value of
// a cast, the address of a cast glvalue and a store through a cast all read.
enum class cast_flow {
  load,         // lvalue-to-rvalue: the value stored in the operand's object
  decay,        // array-to-pointer: the array's address
  same_object,  // no-op, derived-to-base, base-to-derived: the operand's object under another static type
  conversion,   // dynamic_cast, address-space and atomic conversions, to-union, conversion functions and
                // converting constructors: what the operand holds carries over, but a store into the
                // result is not taken for a store into the operand's variable
  bit_cast,     // a pointer as another pointer type: followed only when implicit
  opaque,       // pointer to integer and back, member pointer and lvalue reinterpretation: lost track
  dependent,    // a cast in uninstantiated code
  no_address,   // arithmetic, to bool, to void, null and function pointers: no address survives
};
cast_flow classify_cast(clang::CastKind ck);

// The types an aggregate initialisation of `rd` pairs its initialisers
// with, in order: the direct bases (with `with_bases`), then the fields.
// Empty when `rd` is null (the type initialised is not a record).
llvm::SmallVector<clang::QualType, 8> element_types(const clang::RecordDecl* rd, bool with_bases);

class graph_builder::impl {
 public:
  impl(clang::ASTContext& ctx, location_graph& g, const summary_table& sums,
       const std::vector<const clang::FunctionDecl*>& batch, bool joined_spawns);

  llvm::DenseMap<const clang::FunctionDecl*, function_locations> functions;

  void build();

 private:
  clang::ASTContext& ctx_;
  location_graph& g_;
  const summary_table& sums_;
  const std::vector<const clang::FunctionDecl*>& batch_;
  bool joined_spawns_;
  llvm::DenseMap<const clang::FunctionDecl*, unsigned> joined_sinks_;  // with joined_spawns_: per spawning function

  // Per-batch state.
  llvm::DenseMap<const clang::ValueDecl*, unsigned> vars_;
  // Local aggregates used only field by field: one location per field
  // (fields.cpp), so that what one field holds does not make its
  // siblings' targets escape.
  llvm::DenseMap<const clang::VarDecl*, bool> split_;
  std::map<std::pair<const clang::VarDecl*, const clang::FieldDecl*>, unsigned> field_locs_;
  llvm::DenseMap<const clang::VarDecl*, unsigned> globals_;

  // Per-function state while walking. fn_ and cur_ are set for the whole
  // walk_function: every visitor below runs inside it, so they need no test.
  const clang::FunctionDecl* fn_ = nullptr;
  function_locations* cur_ = nullptr;
  const clang::CXXRecordDecl* lambda_ = nullptr;  // the closure type when fn_ is a lambda's operator()
  unsigned depth_ = 1;
  std::set<const clang::LabelDecl*> looping_labels_;  // of fn_: targets of a goto that comes after them
  void find_looping_labels(const clang::Stmt* body);

  // ---- graph_builder.cpp: locations, functions, closures ----

  unsigned new_loc(loc_kind k, std::string name, clang::SourceLocation pos, unsigned depth);
  unsigned temp(clang::SourceLocation pos, const char* name = "{temp}");
  hole root_hole(root_kind k, clang::SourceLocation where, const char* why);
  hole unknown(clang::SourceLocation where, const char* why);
  // Where a goroutine's captures and arguments go (graph_builder.hpp).
  hole spawn_hole(clang::SourceLocation where);
  hole loc_hole(unsigned l, clang::SourceLocation where, const char* why);
  void flow(const hole& k, unsigned src, int extra = 0);
  unsigned global_loc(const clang::VarDecl* vd);
  unsigned var_loc(const clang::ValueDecl* vd);

  void prepare(const clang::FunctionDecl* fd);
  void walk_function(const clang::FunctionDecl* fd);
  bool is_ctor() const;
  hole result_hole(clang::SourceLocation at);

  void lambda(const hole& k, const clang::LambdaExpr* le);
  // What one capture of a lambda-expression puts into its field: the value,
  // or the address of what is captured by reference.
  void capture_init(const hole& k, const clang::LambdaCapture& cap, const clang::Expr* init);
  // Each capture of `le` with an initialiser into the hole `field` gives
  // for its field.
  void init_captures(const clang::LambdaExpr* le, llvm::function_ref<hole(const clang::FieldDecl*)> field);
  const clang::LambdaCapture* capture_of(const clang::ValueDecl* vd);
  // In fn_ (a lambda's operator()): the location holding the address of
  // the field of `cap`, one of lambda_'s captures.
  unsigned capture_slot(const clang::LambdaCapture* cap) const;
  // For a call of a lambda's operator() on `object`: per field of the
  // closure, a temporary holding that field's address, when the closure is
  // seen field by field (a split variable, or the lambda-expression itself
  // called on the spot); empty otherwise, and every field is at the
  // closure's address. `evaluated` says whether the object's own
  // evaluation is done (the lambda-expression's captures).
  llvm::SmallVector<int, 4> capture_args(const clang::Expr* object, const clang::CXXMethodDecl* method,
                                         bool& evaluated);

  // ---- fields.cpp: local aggregates, one location per field ----

  bool split(const clang::VarDecl* vd);
  unsigned field_loc(const clang::VarDecl* vd, const clang::FieldDecl* f);
  // `s.f` of a split `s` (through nested members: `s.f.g` is in `s.f`): its
  // field's location, or -1.
  int split_field(const clang::MemberExpr* m);
  void init_fields(const clang::VarDecl* vd, const clang::Expr* init);

  // ---- stmt.cpp: statements, declarations ----

  void stmt(const clang::Stmt* s);
  void decl(const clang::Decl* d);
  void destructor_call(const clang::VarDecl* vd, unsigned l);
  void destructor_call(clang::QualType type, unsigned l, clang::SourceLocation at, unsigned depth);
  // The destructor of a `type` object whose address `self` holds.
  void destructor_on(clang::QualType type, unsigned self, clang::SourceLocation at, unsigned depth);
  void subobject_destructors(const clang::CXXRecordDecl* rd, unsigned self, clang::SourceLocation at, unsigned depth);
  void temporary(const hole& k, const clang::CXXBindTemporaryExpr* bt);
  void held_destructors(const clang::CXXRecordDecl* rd, unsigned self, clang::SourceLocation at);
  void delete_expr(const clang::CXXDeleteExpr* d);

  // ---- expr.cpp: values and addresses ----

  using visitor = void (impl::*)(hole, const clang::Expr*);  // value or address
  bool pass_through(const hole& k, const clang::Expr* e, visitor visit);
  void any(const hole& k, const clang::Expr* e);
  void value(hole k, const clang::Expr* e);
  void cast_value(const hole& k, const clang::CastExpr* c);
  void binary(const clang::BinaryOperator* b);
  void address(hole k, const clang::Expr* e);
  void unhandled(const clang::Expr* e);
  void decl_address(const hole& k, const clang::ValueDecl* d, clang::SourceLocation at);
  void this_value(const hole& k, const clang::CXXThisExpr*);
  void cxx_new(const hole& k, const clang::CXXNewExpr* n);

  // ---- assign.cpp: stores, initialisation, constructors ----

  void init_into(const hole& k, clang::QualType t, const clang::Expr* init);
  hole store_hole(const clang::Expr* lhs, clang::SourceLocation at);
  hole store_through(const clang::Expr* p, clang::SourceLocation at);
  bool points_into_gc_heap(const clang::Expr* p);
  void assign(const clang::Expr* lhs, const clang::Expr* rhs, clang::SourceLocation at);
  void construct_value(const hole& k, const clang::CXXConstructExpr* ce);
  void construct_into(const hole& k, const clang::Expr* e);

  // ---- call.cpp: calls ----

  void call(const hole& k, const clang::CallExpr* ce);
  void apply_callee(const hole& k, const clang::FunctionDecl* callee, bool virtual_call, int this_temp,
                    llvm::ArrayRef<const clang::Expr*> args, int object, clang::SourceLocation at,
                    llvm::ArrayRef<int> captures = {});
  // The parameters' temporaries (`temps`, -1 where an argument went to the
  // heap) linked to the callee's parameters: directly in the batch, by
  // summary, or to the heap. `captures` (capture_args) are the addresses of
  // a closure's fields; when empty, every field is at `this_temp`.
  void link_callee(const hole& k, const clang::FunctionDecl* callee, bool virtual_call, int this_temp,
                   llvm::ArrayRef<int> temps, int object, clang::SourceLocation at, llvm::ArrayRef<int> captures = {});

  // ---- runtime_calls.cpp: the go:: runtime API ----

  void to_root(root_kind r, const clang::Expr* a, const char* why);
  void invoke_callables(llvm::ArrayRef<const clang::Expr*> args, clang::SourceLocation at);
  void invoke_callable(const clang::Expr* a, clang::SourceLocation at);
  void runtime_call(const hole& k, const clang::CallExpr* ce, const clang::FunctionDecl* callee,
                    runtime_model::escape_api api, const clang::Expr* object, bool object_is_pointer,
                    llvm::ArrayRef<const clang::Expr*> args);
  void runtime_construct(const hole& k, const clang::CXXConstructExpr* ce, runtime_model::escape_api api,
                         llvm::ArrayRef<const clang::Expr*> args);
  void new_args(unsigned a, const clang::FunctionDecl* callee, llvm::ArrayRef<const clang::Expr*> args,
                clang::SourceLocation at);
  void candidate_ctor(unsigned a, const clang::CXXConstructorDecl* c, llvm::ArrayRef<const clang::Expr*> args,
                      clang::SourceLocation at);
  // A field's default member initialiser run on the new object `a`.
  void member_initialiser(unsigned a, const clang::FieldDecl* f, clang::SourceLocation at);
  void default_construct(unsigned a, const clang::CXXRecordDecl* rd, clang::SourceLocation at);
  unsigned alloc_site(const clang::CallExpr* ce, alloc_kind kind, const clang::FunctionDecl* callee);
  unsigned alloc_site(const clang::Expr* e, alloc_kind kind, std::string name, clang::QualType elem);
  std::string type_name(clang::QualType t);
};

}  // namespace gocxx::escape
