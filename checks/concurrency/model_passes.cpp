// What is computed once a body is read: which tests need remembering and
// what each assuming branch's ways touch (post-dominators).
#include <clang/AST/ExprCXX.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Basic/SourceManager.h>

#include "model_builder_impl.hpp"
#include "runtime_model/runtime_model.hpp"

namespace gocxx::concurrency::model_detail {

// For each assuming block, what its ways do before they meet again (at
// its nearest post-dominator): which slots their operations use, and
// whether they make anything.
void body_builder::find_arms(body& b) {
  const size_t n = b.blocks.size();
  std::vector<size_t> assuming;
  for (size_t i = 0; i < n; ++i)
    if (b.blocks[i].assumes) assuming.push_back(i);
  if (assuming.empty()) return;
  std::vector<llvm::BitVector> pdom = post_dominators(b);
  for (size_t at : assuming) {
    // The nearest strict post-dominator: the one with the most of its own.
    int meet = -1;
    for (int p = pdom[at].find_first(); p >= 0; p = pdom[at].find_next(p))
      if (static_cast<size_t>(p) != at && (meet < 0 || pdom[p].count() > pdom[meet].count())) meet = p;
    std::vector<bool> seen(n, false);
    std::vector<int> work(b.blocks[at].succs.begin(), b.blocks[at].succs.end());
    block& bl = b.blocks[at];
    bl.arm_slots.clear();  // a spliced callee's, in its own slots
    bl.arm_makes = false;
    while (!work.empty()) {
      int x = work.back();
      work.pop_back();
      if (x < 0 || x == meet || seen[static_cast<size_t>(x)]) continue;
      seen[static_cast<size_t>(x)] = true;
      for (const op& o : b.blocks[static_cast<size_t>(x)].ops) note_arm_op(bl, o);
      for (int s : b.blocks[static_cast<size_t>(x)].succs) work.push_back(s);
    }
  }
}

void body_builder::note_arm_op(block& bl, const op& o) {
  if (makes_object(o.kind) || o.kind == op_kind::escape_globals) {
    bl.arm_makes = true;
    return;
  }
  for (int s : {o.slot, o.other})
    if (s >= 0) bl.arm_slots.push_back(s);
  for (const select_case& c : o.cases)
    if (c.slot >= 0) bl.arm_slots.push_back(c.slot);
}

// pdom[b]: the blocks on every way from b to the exit (b included); a
// block with no way out has them all.
std::vector<llvm::BitVector> body_builder::post_dominators(const body& b) {
  const size_t n = b.blocks.size();
  std::vector<llvm::BitVector> pdom(n, llvm::BitVector(n, true));
  pdom[static_cast<size_t>(b.exit)].reset();
  pdom[static_cast<size_t>(b.exit)].set(static_cast<unsigned>(b.exit));
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = n; i-- > 0;) {
      if (static_cast<int>(i) == b.exit) continue;
      llvm::BitVector next(n, true);
      bool any = false;
      for (int s : b.blocks[i].succs)
        if (s >= 0) {
          next &= pdom[static_cast<size_t>(s)];
          any = true;
        }
      if (!any) next.set();
      next.set(static_cast<unsigned>(i));
      if (next != pdom[i]) {
        pdom[i] = std::move(next);
        changed = true;
      }
    }
  }
  return pdom;
}

// A variable tested by one block only: nothing later agrees with what the
// path decided, so the path need not remember it (a goroutine's facts
// would otherwise multiply its positions: goroutine_position.cpp).
void body_builder::forget_single_tests(body& b) {
  std::vector<int> tests(b.cond_vars.size(), 0);
  for (const block& bl : b.blocks)
    if (bl.cond_key >= 0) ++tests[static_cast<size_t>(bl.cond_key)];
  for (block& bl : b.blocks)
    if (bl.cond_key >= 0 && tests[static_cast<size_t>(bl.cond_key)] < 2) bl.cond_key = -1;
}

}  // namespace gocxx::concurrency::model_detail
