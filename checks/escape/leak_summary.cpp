#include "escape/leak_summary.hpp"

#include <algorithm>

namespace gocxx::escape {

static void lower(int& slot, int derefs) {
  if (derefs < 0) derefs = 0;
  if (slot == no_leak || derefs < slot) slot = derefs;
}

int param_leaks::heap() const {
  if (heap_definite == no_leak) return heap_unknown;
  if (heap_unknown == no_leak) return heap_definite;
  return std::min(heap_definite, heap_unknown);
}

bool param_leaks::empty() const {
  return heap() == no_leak && results[0] == no_leak && results[1] == no_leak && !moved_to_heap;
}

void param_leaks::leak_heap(root_kind k, int derefs) {
  if (is_definite(k)) {
    int before = heap_definite;
    lower(heap_definite, derefs);
    if (heap_definite != before || definite_kind == root_kind::none) definite_kind = k;
  } else {
    lower(heap_unknown, derefs);
  }
}

void param_leaks::leak_result(int index, int derefs) { lower(results[index], derefs); }

void param_leaks::merge(const param_leaks& o) {
  if (o.heap_definite != no_leak) leak_heap(o.definite_kind, o.heap_definite);
  if (o.heap_unknown != no_leak) lower(heap_unknown, o.heap_unknown);
  for (int i = 0; i < 2; ++i)
    if (o.results[i] != no_leak) lower(results[i], o.results[i]);
  moved_to_heap = moved_to_heap || o.moved_to_heap;
}

param_leaks function_summary::receiver() const {
  param_leaks r = this_param;
  for (const param_leaks& c : captures) r.merge(c);
  return r;
}

void param_leaks::optimize() {
  int h = heap();
  if (h == no_leak) return;
  for (int& r : results)
    if (r != no_leak && r >= h) r = no_leak;
}

std::vector<std::string> describe_leaks(const param_leaks& l, llvm::StringRef name) {
  std::vector<std::string> out;
  std::string n = name.str();
  if (l.moved_to_heap) {
    out.push_back("moved to heap: " + n);
    return out;
  }
  param_leaks o = l;
  o.optimize();
  if (o.empty()) {
    out.push_back(n + " does not escape");
    return out;
  }
  if (int h = o.heap(); h != no_leak) out.push_back(h == 0 ? "leaking param: " + n : "leaking param content: " + n);
  static const char* result_names[2] = {"~r0", "~this"};
  for (int i = 0; i < 2; ++i)
    if (o.results[i] != no_leak)
      out.push_back("leaking param: " + n + " to result " + result_names[i] + " level=" + std::to_string(o.results[i]));
  return out;
}

}  // namespace gocxx::escape
