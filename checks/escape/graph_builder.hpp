// The graph builder (Go: escape.go, expr.go, stmt.go, assign.go, call.go):
// walks the bodies of the functions of one batch (a strongly connected
// component of the call graph) and adds their locations and flows to a
// location graph. Its implementation is split the same way, over the files
// graph_builder_impl.hpp lists.
//
// Values and addresses: `value(k, e)` sends the value of e into hole k,
// `address(k, e)` the address of the object the glvalue e designates. A
// load is an address one dereference deeper (`value(k, x)` of an lvalue x
// is `address(k.deref(), x)`); `&x` is `address(k, x)`. References are
// pointers: a reference variable holds the address of its referent.
#pragma once
#include "escape/leak_summary.hpp"
#include "escape/location_graph.hpp"

#include <clang/AST/ASTContext.h>
#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/DenseSet.h>
#include <llvm/ADT/SmallVector.h>

#include <memory>
#include <vector>

namespace gocxx::escape {

// The locations of one function's interface.
struct function_locations {
  const clang::FunctionDecl* fd = nullptr;
  std::vector<unsigned> params;  // one per parameter
  int this_loc = -1;             // the `this` parameter
  // A lambda's operator(): one location per field of the closure (its
  // captures, `this` among them), holding the field's address, so that each
  // capture leaks on its own (graph_builder.cpp, "closures").
  std::vector<unsigned> captures;
  int result = -1;    // ~r0
  int this_obj = -1;  // ~this: the object a constructor initialises
  bool coroutine = false;
};

using summary_table = llvm::DenseMap<const clang::FunctionDecl*, function_summary>;

// The definition to analyse for a call of `fd`, or null when the call is not
// to a function the analysis looks into (no body, the runtime API, a
// defaulted copy or move, a dependent declaration).
const clang::FunctionDecl* analysable_definition(const clang::FunctionDecl* fd);

// C library functions that only read, print or compare what their pointer
// arguments point to, and return no pointer (printf, strlen...): declared
// extern "C" (std:: names are using-declarations of these), without a body.
bool keeps_no_argument(const clang::FunctionDecl* fd);

// A member of std::basic_string whose result may point into the string's
// own buffer: a pointer (data, c_str), a reference to a character
// (operator[], at, front, back), an iterator, or a string_view.
bool points_into_string(const clang::CXXMethodDecl* md);

// The type arguments of a class template specialisation, packs expanded
// (std::tuple<A, B>: A, B); none for another class. A standard library
// template's destructor destroys the objects of these it holds.
llvm::SmallVector<clang::QualType, 4> template_type_arguments(const clang::CXXRecordDecl* rd);

// Whether values of this type can hold an address (Go: HasPointers).
bool has_pointers(clang::QualType t);

class graph_builder {
 public:
  // With `joined_spawns`, a goroutine the batch's functions spawn themselves
  // is taken to be joined before they return: what it is given flows into a
  // location of the spawning function, not into the heap. The dangling check
  // asks that question of a variable, then proves the join
  // (concurrency/join_proof.hpp).
  graph_builder(clang::ASTContext& ctx, location_graph& g, const summary_table& summaries,
                const std::vector<const clang::FunctionDecl*>& batch, bool joined_spawns = false);
  // Not copyable: a builder holds the state of one walk over one batch.
  graph_builder(const graph_builder&) = delete;
  graph_builder& operator=(const graph_builder&) = delete;
  ~graph_builder();  // out of line: impl is complete only there
  void build();
  const llvm::DenseMap<const clang::FunctionDecl*, function_locations>& functions() const;

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace gocxx::escape
