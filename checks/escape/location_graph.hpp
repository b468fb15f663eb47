// The location graph of the escape analysis (Go: cmd/compile/internal/escape,
// graph.go): one location per variable, parameter, result, allocation site and
// temporary of the functions analysed together, plus the roots every batch
// shares (the heap, in its several flavours, and one location per global).
// An edge `dst <- src (derefs)` says that the value of src, dereferenced
// `derefs` times, flows into dst: -1 is an address-of (`dst = &src`), 0 a
// copy, +1 a load (`dst = *src`).
#pragma once
#include <clang/AST/Decl.h>
#include <clang/AST/Expr.h>
#include <clang/Basic/SourceLocation.h>

#include <llvm/ADT/DenseMap.h>

#include <string>
#include <vector>

namespace gocxx::escape {

// Why a root outlives everything. `unknown` roots are the conservative ones
// (a call with no body, a cast, pointer arithmetic, a store through a pointer
// of unknown target): reaching them makes a value escape but is not proof
// of a dangling pointer. The other heap kinds are: the address really ends
// up somewhere that outlives the scope.
enum class root_kind : unsigned char {
  none,       // not a root
  unknown,    // conservatively the heap
  scope,      // a variable of an enclosing scope (or another function's result)
  gc_heap,    // stored into a go::new_ object, a slice or a map element
  chan_send,  // sent on a channel
  spawn,      // reachable from a spawned goroutine
  global,     // stored into a global or static variable
  result,     // returned from its own function (or kept by its coroutine frame)
};
constexpr unsigned root_kind_count = 8;
bool is_definite(root_kind k);
const char* root_description(root_kind k);  // "sent on a channel", ...

enum class loc_kind : unsigned char {
  heap,       // a root of root_kind
  global,     // a global or static variable (a root, root_kind::global)
  variable,   // a local variable
  param,      // a parameter, `this` included (decl == nullptr for `this`)
  result,     // a function result (~r0) or the object a constructor builds (~this)
  alloc,      // go::new_, go::make_slice, go::make_map
  temporary,  // a C++ temporary, a call argument, a constructed object
};

struct edge {
  unsigned src = 0;
  int derefs = 0;
  clang::SourceLocation where;  // the expression that makes the flow
  std::string why;              // "address-of", "assign", "call parameter", ...
};

// go::new_, go::make_slice, go::make_map; in plain C++ std::make_unique<T>
// and `new T` (not an array, no placement, the global operator new).
enum class alloc_kind : unsigned char { none, new_, make_slice, make_map, make_unique, cxx_new };

struct location {
  loc_kind kind = loc_kind::temporary;
  root_kind root = root_kind::none;
  const clang::FunctionDecl* fn = nullptr;  // owner (null for roots)
  const clang::ValueDecl* decl = nullptr;   // variable / parameter / global
  const clang::Expr* expr = nullptr;        // allocation site / temporary
  alloc_kind alloc = alloc_kind::none;
  std::string name;           // for reports: x, ~r0, this, go::new_<T>
  clang::SourceLocation pos;  // where reports point
  unsigned scope_depth = 0;   // lexical block depth in fn
  int result_index = -1;      // results: 0 = ~r0, 1 = ~this
  int param_index = -1;       // params: 0.. ; `this` = -1 with is_this
  bool is_this = false;
  bool forced_heap = false;  // allocation that must stay on the heap (size)
  std::vector<edge> edges;   // incoming

  // Solver state.
  bool escapes = false;                                    // outlives its scope: Go's attrEscapes
  root_kind escape_root = root_kind::none;                 // the strongest root that made it escape
  unsigned escape_via = 0;                                 // the root location that made it escape
  std::vector<std::pair<unsigned, unsigned>> explanation;  // path: (location, edge index) from this to root
  int walk_derefs = 0;
  unsigned walk_gen = 0;
  int walk_pred_loc = -1;  // predecessor towards the root in the current walk
  int walk_pred_edge = -1;
  bool queued = false;
  bool explain = false;  // keep the path that makes it escape (reported locations only)
};

class location_graph {
 public:
  location_graph();
  unsigned add(location l);
  location& at(unsigned i) { return locs_[i]; }
  const location& at(unsigned i) const { return locs_[i]; }
  unsigned size() const { return static_cast<unsigned>(locs_.size()); }
  unsigned root(root_kind k) const;
  void flow(unsigned dst, unsigned src, int derefs, clang::SourceLocation where, llvm::StringRef why);

 private:
  std::vector<location> locs_;
  unsigned roots_[root_kind_count] = {};
  llvm::DenseMap<uint64_t, unsigned> edge_index_;  // (dst, src) -> index in dst's edges
};

}  // namespace gocxx::escape
