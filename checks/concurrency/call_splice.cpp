// The splice of call_splice.hpp. Block indices of the callee are shifted by
// where its copy starts; its variables' tests (cond_vars) get entries of
// their own, so that what one call decided about its parameters says
// nothing about another call's.
#include "call_splice.hpp"

#include <clang/AST/Decl.h>

#include <iterator>

namespace gocxx::concurrency {

bool is_global(const clang::ValueDecl* v) {
  const auto* var = llvm::dyn_cast_or_null<clang::VarDecl>(v);
  return var && var->hasGlobalStorage();
}

namespace {

// The caller slot each callee slot becomes.
std::vector<int> map_slots(body& caller, const body& callee, const op& call) {
  std::vector<int> to(callee.slots.size());
  for (size_t s = 0; s < callee.slots.size(); ++s) {
    const slot_key& key = callee.slots[s];
    const std::string& name = callee.slot_names[s];
    to[s] = -1;
    if (key.result && call.result >= 0) {
      to[s] = call.result;
    } else if (key.field) {
      if (!key.var || !is_global(key.var))
        for (auto [callee_base, caller_base] : call.bases)
          if (callee_base == key.var) to[s] = caller.slot(slot_key{caller_base, key.field}, name);
      if (key.var && is_global(key.var)) to[s] = caller.slot(key, name);
    } else if (key.var && is_global(key.var)) {
      to[s] = caller.slot(key, name);
    }
    if (to[s] < 0) to[s] = caller.slot(slot_key{}, name);
  }
  return to;
}

op copy_op(int to, int from, const op& call) {
  op o;
  o.kind = op_kind::copy;
  o.slot = to;
  o.other = from;
  o.loc = call.loc;
  o.imprecise = call.imprecise;
  return o;
}

// Whether the callee takes a value or a select's case: it would overwrite
// what a test after the call reads (the last next()'s result).
bool receives(const body& b) {
  for (const block& bl : b.blocks)
    for (const op& o : bl.ops)
      if (o.kind == op_kind::recv || o.kind == op_kind::next || o.kind == op_kind::select ||
          o.kind == op_kind::once_enter || o.kind == op_kind::timer_stop)
        return true;
  return false;
}

void splice_one(body& caller, const program& prog, size_t at, size_t index) {
  op call = std::move(caller.blocks[at].ops[index]);
  const body& callee = prog.bodies[static_cast<size_t>(call.callee)];
  std::vector<int> slot = map_slots(caller, callee, call);
  auto remap = [&](int s) { return s >= 0 && static_cast<size_t>(s) < slot.size() ? slot[s] : -1; };

  // The rest of the block, after the call: how the block picks its
  // successor, and the operations after the call. The block keeps those
  // before it, and goes into the callee.
  block rest = std::move(caller.blocks[at]);
  {
    block& b = caller.blocks[at];
    b = block{};
    b.ops.assign(std::make_move_iterator(rest.ops.begin()),
                 std::make_move_iterator(rest.ops.begin() + static_cast<long>(index)));
    rest.ops.erase(rest.ops.begin(), rest.ops.begin() + static_cast<long>(index) + 1);
    if ((rest.branch == branch_kind::last_ok || rest.branch == branch_kind::last_not_ok ||
         rest.branch == branch_kind::select_switch) &&
        receives(callee)) {
      rest.branch = branch_kind::any;
      rest.cond_key = -1;
    }
    for (auto [caller_slot, callee_slot] : call.copy_back)
      rest.ops.insert(rest.ops.begin(), copy_op(caller_slot, remap(callee_slot), call));
  }

  const int frame_base = static_cast<int>(caller.frame_parent.size());
  for (size_t f = 0; f < callee.frame_parent.size(); ++f)
    caller.frame_parent.push_back(f == 0 ? call.frame : frame_base + callee.frame_parent[f]);
  const int offset = static_cast<int>(caller.blocks.size());
  const int cond_offset = static_cast<int>(caller.cond_vars.size());
  caller.cond_vars.insert(caller.cond_vars.end(), callee.cond_vars.begin(), callee.cond_vars.end());
  const int rest_index = offset + static_cast<int>(callee.blocks.size());
  auto shift = [offset](int b) { return b >= 0 ? b + offset : b; };

  for (const block& cb : callee.blocks) {
    block nb = cb;
    for (int& s : nb.succs) s = shift(s);
    for (auto& cs : nb.case_succ) cs.second = shift(cs.second);
    nb.default_succ = shift(nb.default_succ);
    nb.index_loop = shift(nb.index_loop);
    if (nb.cond_key >= 0) nb.cond_key += cond_offset;
    nb.flag_slot = remap(nb.flag_slot);
    for (op& o : nb.ops) {
      if (o.kind == op_kind::call) llvm::report_fatal_error("gocxx: a spliced callee still holds a call");
      o.slot = remap(o.slot);
      o.other = remap(o.other);
      for (select_case& c : o.cases) c.slot = remap(c.slot);
      for (auto& bnd : o.bindings) bnd.second = remap(bnd.second);
      o.imprecise = o.imprecise || call.imprecise;
      o.frame += frame_base;
    }
    caller.blocks.push_back(std::move(nb));
  }
  block& exit = caller.blocks[static_cast<size_t>(offset) + static_cast<size_t>(callee.exit)];
  exit.succs = {rest_index};
  exit.branch = branch_kind::none;
  exit.cond_key = -1;
  caller.blocks.push_back(std::move(rest));

  block& before = caller.blocks[at];
  for (auto [callee_slot, caller_slot] : call.bindings)
    before.ops.push_back(copy_op(remap(callee_slot), caller_slot, call));
  before.succs = {offset + callee.entry};
}

}  // namespace

void splice_calls(body& caller, const program& prog) {
  // Blocks appended here (callee copies, the rests) are visited in turn; a
  // rest may hold the next call of the same block.
  for (size_t b = 0; b < caller.blocks.size(); ++b)
    for (size_t i = 0; i < caller.blocks[b].ops.size(); ++i)
      if (caller.blocks[b].ops[i].kind == op_kind::call) {
        splice_one(caller, prog, b, i);
        break;
      }
}

}  // namespace gocxx::concurrency
