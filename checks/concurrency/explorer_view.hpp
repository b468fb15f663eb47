// What the explorer's parts read of a program and a state: each
// goroutine's current operation and the objects its slots hold, and how
// messages name goroutines, handles and select cases.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "explorer.hpp"
#include "explorer_state.hpp"

namespace gocxx::concurrency {

class explorer_view {
 public:
  explicit explorer_view(const program& prog) : prog_(prog) {}

  const program& prog() const { return prog_; }
  const op& current(const goroutine& g) const { return prog_.bodies[g.body].blocks[g.block].ops[g.index]; }
  // The object g's slot holds; -1: unknown or unbound.
  int object_of(const goroutine& g, int slot) const {
    if (slot < 0 || static_cast<size_t>(slot) >= g.env.size()) return -1;
    return g.env[slot];
  }
  static bool is_unknown(const state& s, int o) { return o < 0 || s.objs[o].unknown; }

  // The root by its name, the others by their number.
  std::string who(const state& s, size_t gi) const {
    (void)s;
    return gi == 0 ? prog_.bodies[0].name : "goroutine " + std::to_string(gi);
  }
  static std::string quoted(const op& o) { return o.text.empty() ? "a channel" : "'" + o.text + "'"; }
  std::string case_name(const goroutine& g, const select_case& c) const {
    const body& bd = prog_.bodies[g.body];
    if (c.slot < 0 || static_cast<size_t>(c.slot) >= bd.slot_names.size()) return "a channel";
    return "'" + bd.slot_names[c.slot] + "'";
  }

  // Whether obj is the done() of a context that is done: it, or a context
  // above it, was cancelled or has a deadline (which may pass at any time).
  static bool context_done(const state& s, int obj) {
    for (int o = obj; o >= 0; o = s.objs[static_cast<size_t>(o)].parent)
      if (s.objs[static_cast<size_t>(o)].closed || s.objs[static_cast<size_t>(o)].deadline) return true;
    return false;
  }

  // Whether x sends (a plain send or a select's send case) on a slot for
  // which may_be(slot) holds.
  template <class MayBe>
  static bool sends_on(const op& x, MayBe may_be) {
    if (x.kind == op_kind::send && may_be(x.slot)) return true;
    for (const select_case& sc : x.cases)
      if (sc.is_send && may_be(sc.slot)) return true;
    return false;
  }

  // Whether some send of g's body may be on channel obj: its slot holds
  // obj, or nothing the state knows (unbound yet, or unknown), which may
  // turn out to be obj.
  bool may_send_on(const goroutine& g, int obj) const {
    auto may_be = [&](int slot) {
      int held = object_of(g, slot);
      return held == obj || held < 0;
    };
    for (const block& b : prog_.bodies[g.body].blocks)
      for (const op& x : b.ops)
        if (sends_on(x, may_be)) return true;
    return false;
  }

  // Visits the operations a goroutine at (block, from) can still run: the
  // rest of its block from index `from`, then each block reachable after
  // it, once. Returns the first operation `stop` holds for (null if none);
  // *looped tells whether `block` itself can be reached again.
  template <class Stop>
  static const op* first_reachable(const body& bd, int block, size_t from, Stop stop, bool* looped = nullptr) {
    const auto& here = bd.blocks[static_cast<size_t>(block)];
    for (size_t i = from; i < here.ops.size(); ++i)
      if (stop(here.ops[i])) return &here.ops[i];
    std::vector<bool> seen(bd.blocks.size(), false);
    std::vector<int> work(here.succs.begin(), here.succs.end());
    while (!work.empty()) {
      int b = work.back();
      work.pop_back();
      if (b < 0 || seen[static_cast<size_t>(b)]) continue;
      seen[static_cast<size_t>(b)] = true;
      if (b == block && looped) *looped = true;
      for (const op& x : bd.blocks[static_cast<size_t>(b)].ops)
        if (stop(x)) return &x;
      for (int n : bd.blocks[static_cast<size_t>(b)].succs) work.push_back(n);
    }
    return nullptr;
  }

  // How many read locks of rwmutex m goroutine gi holds: 4 bits each in
  // object_state::readers.
  static unsigned reads_of(const object_state& m, size_t gi) { return (m.readers >> (4 * gi)) & 0xf; }
  static std::uint64_t one_read(size_t gi) { return std::uint64_t{1} << (4 * gi); }

 protected:
  const program& prog_;
};

// In a state where no goroutine can move, why goroutine gi (not done) waits
// forever, as a finding at its operation (or, for a lock it left held
// itself, where it took it); false when its operation cannot block.
bool why_blocked(const explorer_view& view, const state& s, size_t gi, finding& f);

}  // namespace gocxx::concurrency
