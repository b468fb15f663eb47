#include "escape/solver.hpp"

#include <algorithm>
#include <deque>

namespace gocxx::escape {

namespace {

// Does `root` outlive `l`? (Go: batch.outlives.)
bool outlives(const location& root, const location& l) {
  if (root.escapes) return true;
  if (root.kind == loc_kind::result) return true;  // results outlive every frame-local thing
  if (root.fn && root.fn == l.fn && root.scope_depth < l.scope_depth) return true;
  return false;
}

// The kind of root `root` is for `l`, once it outlives it.
root_kind kind_for(const location& root, const location& l) {
  if (root.escapes) return root.escape_root == root_kind::none ? root_kind::unknown : root.escape_root;
  if (root.kind == loc_kind::result) return root.fn == l.fn ? root_kind::result : root_kind::scope;
  return root_kind::scope;
}

int rank(root_kind k) { return k == root_kind::none ? 0 : is_definite(k) ? 2 : 1; }

class walker {
 public:
  explicit walker(location_graph& g) : g_(g) { sol_.leaks.resize(g.size()); }

  solution run() {
    for (unsigned i = 0; i < g_.size(); ++i) push(i);
    while (!todo_.empty()) {
      unsigned r = todo_.front();
      todo_.pop_front();
      g_.at(r).queued = false;
      walk_one(r);
    }
    // A parameter that is itself moved to the heap leaks its value there.
    for (unsigned i = 0; i < g_.size(); ++i) {
      location& l = g_.at(i);
      if (l.kind == loc_kind::param && l.escapes) {
        sol_.leaks[i].moved_to_heap = true;
        sol_.leaks[i].leak_heap(final_root(g_, i), 0);
      }
    }
    return std::move(sol_);
  }

 private:
  void push(unsigned i) {
    if (g_.at(i).queued) return;
    g_.at(i).queued = true;
    todo_.push_back(i);
  }

  void walk_one(unsigned r) {
    ++gen_;
    location& root = g_.at(r);
    root.walk_gen = gen_;
    root.walk_derefs = 0;
    root.walk_pred_loc = -1;
    root.walk_pred_edge = -1;
    std::deque<unsigned> work{r};
    root_kind root_strength = root.escapes                    ? kind_for(root, root)
                              : root.kind == loc_kind::result ? root_kind::result
                                                              : root_kind::scope;
    while (!work.empty()) {
      unsigned li = work.front();
      work.pop_front();
      location& l = g_.at(li);
      int derefs = l.walk_derefs;
      bool address_of = derefs < 0;
      if (address_of) derefs = 0;  // root = &l; l = x: x's address does not flow
      if (li != r && outlives(root, l)) {
        root_kind k = kind_for(root, l);
        if (address_of && rank(k) > rank(l.escape_root) && l.kind != loc_kind::heap && l.kind != loc_kind::global) {
          l.escapes = true;
          l.escape_root = k;
          l.escape_via = r;
          l.explanation.clear();
          std::vector<int> seen;
          for (int at = static_cast<int>(li); l.explain && g_.at(at).walk_pred_loc >= 0 && l.explanation.size() < 64;) {
            if (std::find(seen.begin(), seen.end(), at) != seen.end()) break;  // a stale cycle
            seen.push_back(at);
            const location& cur = g_.at(at);
            l.explanation.emplace_back(cur.walk_pred_loc, cur.walk_pred_edge);
            at = cur.walk_pred_loc;
          }
          push(li);
        }
        if (l.kind == loc_kind::param) {
          param_leaks& pl = sol_.leaks[li];
          if (!root.escapes && root.kind == loc_kind::result && root.fn == l.fn)
            pl.leak_result(root.result_index < 0 ? 0 : root.result_index, derefs);
          else
            pl.leak_heap(root.escapes ? k : root_kind::unknown, derefs);
        }
      }
      // An escaping location is a root of its own walk: no need to go through
      // it, unless this walk carries a stronger reason.
      if (li != r && l.escapes && rank(l.escape_root) >= rank(root_strength)) continue;
      for (unsigned ei = 0; ei < l.edges.size(); ++ei) {
        const edge& e = l.edges[ei];
        location& src = g_.at(e.src);
        if (src.kind == loc_kind::heap) continue;
        int d = derefs + e.derefs;
        if (src.walk_gen != gen_ || src.walk_derefs > d) {
          src.walk_gen = gen_;
          src.walk_derefs = d;
          src.walk_pred_loc = static_cast<int>(li);
          src.walk_pred_edge = static_cast<int>(ei);
          work.push_back(e.src);
        }
      }
    }
  }

  location_graph& g_;
  solution sol_;
  std::deque<unsigned> todo_;
  unsigned gen_ = 0;
};

std::string deref_prefix(int derefs) {
  if (derefs < 0) return "&";
  return std::string(static_cast<size_t>(derefs), '*');
}

}  // namespace

solution solve(location_graph& g) { return walker(g).run(); }

root_kind final_root(const location_graph& g, unsigned l) {
  return g.at(l).escape_root == root_kind::none ? root_kind::unknown : g.at(l).escape_root;
}

std::vector<flow_step> explain(const location_graph& g, unsigned l) {
  std::vector<flow_step> out;
  unsigned cur = l;
  for (int hops = 0; hops < 16; ++hops) {
    const location& loc = g.at(cur);
    if (!loc.escapes || loc.kind == loc_kind::heap || loc.kind == loc_kind::global) break;
    unsigned src = cur;
    for (auto [dst, ei] : loc.explanation) {
      const edge& e = g.at(dst).edges[ei];
      out.push_back(
          {e.where, "flow: " + g.at(dst).name + " = " + deref_prefix(e.derefs) + g.at(src).name + " (" + e.why + ")"});
      src = dst;
    }
    if (loc.escape_via == cur) break;
    cur = loc.escape_via;
    if (cur == src && g.at(cur).kind == loc_kind::heap) break;
  }
  return out;
}

}  // namespace gocxx::escape
