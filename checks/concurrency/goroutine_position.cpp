// How a goroutine moves between operations: through the blocks of its body
// that hold none, taking their branches (counted loops, tests of a variable
// decided earlier on the path, a select's case, next()'s result).
#include "goroutine_position.hpp"

#include <set>

namespace gocxx::concurrency {

// Moves g to its next operation (or its end) through the blocks without
// operations; one result per branch the model cannot decide.
std::vector<goroutine> settle(const program& prog, goroutine g) {
  std::vector<goroutine> out;
  std::vector<std::pair<goroutine, int>> work{{std::move(g), 0}};
  const body& bd = prog.bodies[work.front().first.body];
  const int limit = 4 * static_cast<int>(bd.blocks.size()) + 16;
  // Positions already taken: branches the model cannot decide would
  // otherwise multiply along a loop without operations.
  std::set<std::string> seen;
  while (!work.empty()) {
    auto [cur, steps] = std::move(work.back());
    work.pop_back();
    std::string at;
    put(at, (static_cast<long>(cur.block) << 32) | static_cast<long>(cur.index));
    put(at, (static_cast<long>(cur.last_ok + 1) << 32) | static_cast<unsigned>(cur.last_select + 2));
    for (auto [b, n] : cur.loops) put(at, (static_cast<long>(b) << 32) | static_cast<unsigned>(n));
    for (auto [k, v] : cur.facts) put(at, (static_cast<long>(k) << 1) | v);
    if (!seen.insert(std::move(at)).second) continue;
    const block& b = bd.blocks[cur.block];
    if (cur.index < b.ops.size()) {
      out.push_back(std::move(cur));
      continue;
    }
    if (cur.block == bd.exit || b.succs.empty() || steps > limit) {
      // The end, or a loop without operations that never ends: either
      // way nothing more happens in this goroutine.
      finish(cur);
      out.push_back(std::move(cur));
      continue;
    }
    if (b.branch == branch_kind::any && b.cond_key >= 0 && b.succs.size() == 2) {
      // A test of a variable that keeps its value: as decided before on
      // this path, or either way, remembered.
      const bool* known = nullptr;
      for (const auto& [k, v] : cur.facts)
        if (k == b.cond_key) known = &v;
      for (int i = 0; i < 2; ++i) {
        bool value = (i == 0) != b.cond_negated;
        if (b.succs[i] < 0 || (known && *known != value)) continue;
        goroutine next = cur;
        if (!known) next.facts.push_back({b.cond_key, value});
        next.block = b.succs[i];
        next.index = 0;
        work.push_back({std::move(next), steps + 1});
      }
      continue;
    }
    for (int s : successors(cur, b)) {
      goroutine next = cur;
      next.block = s;
      next.index = 0;
      work.push_back({std::move(next), steps + 1});
    }
  }
  return out;
}

void finish(goroutine& g) {
  g.done = true;
  g.env.clear();
  g.loops.clear();
  g.facts.clear();
  g.last_ok = -1;
  g.last_select = -2;
}

// The successors block b lets g take (updating g's loop counters).
std::vector<int> successors(goroutine& g, const block& b) {
  auto live = [&](std::initializer_list<int> which) {
    std::vector<int> out;
    for (int i : which)
      if (i >= 0 && static_cast<size_t>(i) < b.succs.size() && b.succs[i] >= 0) out.push_back(b.succs[i]);
    return out;
  };
  auto all = [&] {
    std::vector<int> out;
    for (int s : b.succs)
      if (s >= 0) out.push_back(s);
    return out;
  };
  switch (b.branch) {
    case branch_kind::none: return live({0});
    case branch_kind::constant: return live({b.taken});
    case branch_kind::counted: {
      int block_id = g.block;
      for (auto it = g.loops.begin(); it != g.loops.end(); ++it) {
        if (it->first != block_id) continue;
        if (it->second < b.trips) {
          ++it->second;
          return live({0});
        }
        g.loops.erase(it);
        return live({1});
      }
      if (b.trips > 0) {
        g.loops.push_back({block_id, 1});
        return live({0});
      }
      return live({1});
    }
    case branch_kind::last_ok:
      if (g.last_ok < 0) return all();
      return live({g.last_ok == 1 ? 0 : 1});
    case branch_kind::last_not_ok:
      if (g.last_ok < 0) return all();
      return live({g.last_ok == 1 ? 1 : 0});
    case branch_kind::select_switch: {
      if (g.last_select == -2) return all();
      for (auto [value, succ] : b.case_succ)
        if (value == g.last_select && succ >= 0) return {succ};
      if (b.default_succ >= 0) return {b.default_succ};
      return all();
    }
    case branch_kind::any: return all();
  }
  return all();
}
}  // namespace gocxx::concurrency
