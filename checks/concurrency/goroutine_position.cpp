// How a goroutine moves between operations: through the blocks of its body
// that hold none, taking their branches (counted loops, tests of a variable
// decided earlier on the path, a select's case, next()'s result).
#include "goroutine_position.hpp"

#include <set>

namespace gocxx::concurrency {

// Moves g to its next operation (or its end) through the blocks without
// operations; one result per branch the model cannot decide.
namespace {

// Whether the ways of an assuming block touch what g holds known (without
// the objects: whenever the block assumes).
bool assumption_matters(const block& b, const goroutine& g, const std::vector<object_state>* objs) {
  if (!b.assumes) return false;
  if (b.arm_makes || !objs) return true;
  for (int s : b.arm_slots) {
    int o = s >= 0 && static_cast<size_t>(s) < g.env.size() ? g.env[s] : -1;
    if (o >= 0 && !(*objs)[o].unknown) return true;
  }
  return false;
}

std::vector<goroutine> settle_with(const program& prog, const std::vector<object_state>* objs, goroutine g,
                                   bool& exhausted);

}  // namespace

std::vector<goroutine> settle(const program& prog, const std::vector<object_state>& objs, goroutine g,
                              bool& exhausted) {
  std::vector<goroutine> out = settle_with(prog, &objs, g, exhausted);
  if (out.empty() && !exhausted) out = settle_with(prog, nullptr, std::move(g), exhausted);
  return out;
}

namespace {

std::vector<goroutine> settle_with(const program& prog, const std::vector<object_state>* objs, goroutine g,
                                   bool& exhausted) {
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
    put(at, cur.took_assumption);
    if (!seen.insert(std::move(at)).second) continue;
    if (seen.size() > max_settle_positions) {
      exhausted = true;
      return out;
    }
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
    std::vector<int> succs = successors(cur, b, objs);
    for (int s : succs) {
      goroutine next = cur;
      if (succs.size() > 1 && assumption_matters(b, cur, objs)) next.took_assumption = true;
      next.block = s;
      next.index = 0;
      work.push_back({std::move(next), steps + 1});
    }
  }
  return out;
}

}  // namespace

void finish(goroutine& g) {
  g.done = true;
  // The env stays: what a finished goroutine's slots held tells which
  // channels it used (the fix-its of blocked_findings.cpp).
  g.loops.clear();
  g.facts.clear();
  g.last_ok = -1;
  g.last_select = -2;
}

// The successors block b lets g take (updating g's loop counters).
std::vector<int> successors(goroutine& g, const block& b, const std::vector<object_state>* objs) {
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
    case branch_kind::flag_test: {
      int o = b.flag_slot >= 0 && static_cast<size_t>(b.flag_slot) < g.env.size() ? g.env[b.flag_slot] : -1;
      if (!objs || o < 0 || (*objs)[o].unknown || (*objs)[o].kind != object_kind::flag || (*objs)[o].count < 0)
        return all();
      return live({((*objs)[o].count == 1) != b.cond_negated ? 0 : 1});
    }
    case branch_kind::index_test: {
      for (auto [header, iteration] : g.loops) {
        if (header != b.index_loop) continue;
        int i = b.index_from + iteration - 1;
        bool holds = false;
        switch (b.index_op) {
          case clang::BO_EQ: holds = i == b.index_value; break;
          case clang::BO_NE: holds = i != b.index_value; break;
          case clang::BO_LT: holds = i < b.index_value; break;
          case clang::BO_LE: holds = i <= b.index_value; break;
          case clang::BO_GT: holds = i > b.index_value; break;
          case clang::BO_GE: holds = i >= b.index_value; break;
          default: return all();
        }
        return live({holds ? 0 : 1});
      }
      return all();
    }
    case branch_kind::any: return all();
  }
  return all();
}
}  // namespace gocxx::concurrency
