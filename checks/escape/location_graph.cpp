#include "escape/location_graph.hpp"

namespace gocxx::escape {

bool is_definite(root_kind k) {
  return k == root_kind::gc_heap || k == root_kind::chan_send || k == root_kind::spawn || k == root_kind::global ||
         k == root_kind::result;
}

const char* root_description(root_kind k) {
  switch (k) {
    case root_kind::none: return "";
    case root_kind::unknown: return "the heap";
    case root_kind::scope: return "an enclosing scope";
    case root_kind::result: return "the result";
    case root_kind::gc_heap: return "the GC heap";
    case root_kind::chan_send: return "a channel";
    case root_kind::spawn: return "a spawned goroutine";
    case root_kind::global: return "a global";
  }
  return "";
}

location_graph::location_graph() {
  for (root_kind k :
       {root_kind::unknown, root_kind::gc_heap, root_kind::chan_send, root_kind::spawn, root_kind::global}) {
    location l;
    l.kind = loc_kind::heap;
    l.root = k;
    l.name = k == root_kind::chan_send ? "{channel}"
             : k == root_kind::spawn   ? "{goroutine}"
             : k == root_kind::global  ? "{global}"
                                       : "{heap}";
    l.escapes = true;
    l.escape_root = k;
    roots_[static_cast<unsigned>(k)] = add(std::move(l));
  }
}

unsigned location_graph::root(root_kind k) const {
  // Only the heap kinds have a shared root; a leak a summary records for a
  // callee's own scope or result is, for its callers, just the heap.
  switch (k) {
    case root_kind::gc_heap:
    case root_kind::chan_send:
    case root_kind::spawn:
    case root_kind::global: return roots_[static_cast<unsigned>(k)];
    default: return roots_[static_cast<unsigned>(root_kind::unknown)];
  }
}

unsigned location_graph::add(location l) {
  locs_.push_back(std::move(l));
  return static_cast<unsigned>(locs_.size() - 1);
}

void location_graph::flow(unsigned dst, unsigned src, int derefs, clang::SourceLocation where, llvm::StringRef why) {
  if (dst == src && derefs >= 0) return;  // x = x, x = *x: no new fact (Go drops these too)
  // Nothing flows into the heap roots that matters more than once: keep the
  // graph small by merging duplicates at the smallest derefs.
  uint64_t key = (static_cast<uint64_t>(dst) << 32) | src;
  auto [it, fresh] = edge_index_.try_emplace(key, static_cast<unsigned>(locs_[dst].edges.size()));
  if (!fresh) {
    edge& e = locs_[dst].edges[it->second];
    if (derefs < e.derefs) {
      e.derefs = derefs;
      e.where = where;
      e.why = why.str();
    }
    return;
  }
  locs_[dst].edges.push_back(edge{src, derefs, where, why.str()});
}

}  // namespace gocxx::escape
