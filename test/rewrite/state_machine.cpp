// state_machine: ports a Go finite-state machine (a vending machine) whose
// state lives in a *Machine for the duration of one session, with an *Event
// value built per input and transitions recorded in a []*Transition log the
// caller keeps. The rewrite should move the machine of run_session() (once
// per session), each per-input event, and the summary of report(); it must
// keep the transitions appended to the returned log and the machine of
// new_machine(), which is returned.
// fixes: 3
// moved: 21
#include <gocxx/gocxx.hpp>

#include <cstdio>

enum class state { idle, paying, vending, refunding };
enum class kind { coin, select, cancel, done };

const char* name(state s) {
  switch (s) {
    case state::idle: return "idle";
    case state::paying: return "paying";
    case state::vending: return "vending";
    case state::refunding: return "refunding";
  }
  return "?";
}

struct event {
  kind k;
  int amount;
};
struct machine {
  state s = state::idle;
  int credit = 0;
  int sold = 0;
};
struct transition {
  state from, to;
};

// One step; only reads the event.
void step(go::ptr<machine> m, go::ptr<event> e) {
  switch (m->s) {
    case state::idle:
      if (e->k == kind::coin) m->credit += e->amount, m->s = state::paying;
      break;
    case state::paying:
      if (e->k == kind::coin) m->credit += e->amount;
      if (e->k == kind::select && m->credit >= 50) m->credit -= 50, m->s = state::vending;
      if (e->k == kind::cancel) m->s = state::refunding;
      break;
    case state::vending:
      if (e->k == kind::done) m->sold++, m->s = m->credit > 0 ? state::refunding : state::idle;
      break;
    case state::refunding:
      if (e->k == kind::done) m->credit = 0, m->s = state::idle;
      break;
  }
}

go::ptr<machine> new_machine() { return go::new_<machine>(); }  // returned: escapes

go::slice<go::ptr<transition>> run_session(const kind* ks, const int* amounts, int n) {
  auto m = go::new_<machine>();  // moved
  go::slice<go::ptr<transition>> log;
  for (int i = 0; i < n; ++i) {
    auto e = go::new_<event>(ks[i], amounts[i]);  // moved, once per input
    state before = m->s;
    step(m, e);
    if (m->s != before) log = go::append(log, go::new_<transition>(before, m->s));  // kept by the log
  }
  std::printf("session: credit %d, sold %d, final state %s\n", m->credit, m->sold, name(m->s));
  return log;
}

void report(go::slice<go::ptr<transition>> log) {
  struct summary {
    int to_idle, to_vending;
  };
  auto s = go::new_<summary>(0, 0);  // moved
  for (auto t : log) {
    std::printf("  %s -> %s\n", name(t->from), name(t->to));
    if (t->to == state::idle) s->to_idle++;
    if (t->to == state::vending) s->to_vending++;
  }
  std::printf("  %zu transitions, %d back to idle, %d vends\n", log.len(), s->to_idle, s->to_vending);
}

int main() {
  const kind ks1[] = {kind::coin, kind::coin, kind::select, kind::done,
                      kind::done, kind::coin, kind::cancel, kind::done};
  const int am1[] = {20, 40, 0, 0, 0, 10, 0, 0};
  report(run_session(ks1, am1, 8));
  const kind ks2[] = {kind::coin,   kind::select, kind::coin,   kind::select, kind::done,
                      kind::select, kind::coin,   kind::select, kind::done};
  const int am2[] = {25, 0, 25, 0, 0, 0, 50, 0, 0};
  report(run_session(ks2, am2, 9));
  auto spare = new_machine();
  std::printf("spare machine starts %s\n", name(spare->s));
  std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
}
