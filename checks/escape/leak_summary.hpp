// Parameter leak summaries (Go: leaks.go): for each parameter of a function,
// the fewest dereferences after which its value reaches the heap, and each
// result. Computed once per function after its batch is solved, and applied
// at every call site of the function that lies outside the batch.
#pragma once
#include "escape/location_graph.hpp"

#include <string>
#include <vector>

namespace gocxx::escape {

constexpr int no_leak = -1;

struct param_leaks {
  int heap_definite = no_leak;  // min derefs to a definite heap root
  root_kind definite_kind = root_kind::none;
  int heap_unknown = no_leak;           // min derefs to a conservative heap root
  int results[2] = {no_leak, no_leak};  // ~r0 (the return value) and ~this (a constructor's object)
  bool moved_to_heap = false;           // the parameter itself escapes (its address leaks)

  int heap() const;  // min over both heap kinds, or no_leak
  bool empty() const;
  void leak_heap(root_kind k, int derefs);
  void leak_result(int index, int derefs);
  void merge(const param_leaks& o);  // the worst of both (templates: every instantiation)
  // Go's leaks.Optimize: a result leak at or above the heap level says nothing more.
  void optimize();
};

struct function_summary {
  std::vector<param_leaks> params;  // in declaration order
  param_leaks this_param;           // member functions
  bool has_this = false;
  // A lambda's operator(): per field of the closure, the leaks of the
  // field's address. A call that sees the closure only whole applies them
  // all to the closure's address (receiver()).
  std::vector<param_leaks> captures;
  bool result_escapes = false;  // the address of the object it returns escapes
  // For the leak and channel checks (concurrency/sync_free.hpp): the
  // function does nothing with goroutines or synchronisation, not even
  // through what it calls; a call of it is as one of the standard
  // library's. Set only on summaries that cross units.
  bool sync_free = false;

  // What the call keeps of the object it is called on, fields and all.
  param_leaks receiver() const;
};

// Go's wording for one parameter: "leaking param: p", "leaking param content: p",
// "leaking param: p to result ~r0 level=0", "p does not escape". One line each.
std::vector<std::string> describe_leaks(const param_leaks& l, llvm::StringRef name);

}  // namespace gocxx::escape
