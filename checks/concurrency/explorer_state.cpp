#include "explorer_state.hpp"

namespace gocxx::concurrency {

void drop_unreachable(state& s) {
  std::vector<int> to(s.objs.size(), -1);
  std::vector<int> work;
  auto reach = [&](int o) {
    if (o >= 0 && static_cast<size_t>(o) < to.size() && to[o] < 0) {
      to[o] = 0;
      work.push_back(o);
    }
  };
  for (const goroutine& g : s.gs)
    for (int e : g.env) reach(e);
  while (!work.empty()) {
    const object_state& o = s.objs[static_cast<size_t>(work.back())];
    work.pop_back();
    reach(o.parent);
    reach(o.cond_mutex);
  }
  int kept = 0;
  for (int& t : to)
    if (t == 0) t = kept++;
  if (kept == static_cast<int>(s.objs.size())) return;
  auto map = [&](int o) { return o >= 0 ? to[static_cast<size_t>(o)] : o; };
  std::vector<object_state> objs;
  objs.reserve(static_cast<size_t>(kept));
  for (size_t i = 0; i < s.objs.size(); ++i) {
    if (to[i] < 0) continue;
    object_state o = std::move(s.objs[i]);
    o.parent = map(o.parent);
    o.cond_mutex = map(o.cond_mutex);
    objs.push_back(std::move(o));
  }
  s.objs = std::move(objs);
  for (goroutine& g : s.gs)
    for (int& e : g.env) e = map(e);
}

void put(std::string& out, long v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }

std::string encode(const state& s) {
  std::string out;
  out.reserve(64 + s.objs.size() * 16 + s.gs.size() * 48);
  put(out, s.assumed);
  put(out, static_cast<long>(s.objs.size()));
  for (const object_state& o : s.objs) {
    put(out, (static_cast<long>(o.kind) << 8) | (o.unknown << 0) | (o.nil << 1) | (o.closed << 2) | (o.timer << 3) |
                 (o.shared << 4) | (o.external << 5) | (o.ticker << 6) | (o.armed << 7) | (o.uncounted << 8));
    put(out, (static_cast<long>(o.cap) << 32) ^ static_cast<unsigned>(o.count));
    put(out, o.holder);
    put(out, static_cast<long>(o.readers));
    put(out, (static_cast<long>(o.fix_at) << 32) | o.senders);
    put(out, reinterpret_cast<long>(o.origin));
    put(out, (static_cast<long>(o.parent) << 2) | (o.context << 1) | o.deadline);
    if (o.kind == object_kind::cond) {
      put(out, (static_cast<long>(o.cond_mutex) << 32) | o.signalled);
      put(out, static_cast<long>(o.waiters.size()));
      for (std::uint8_t w : o.waiters) put(out, w);
    }
    if (o.holder >= 0) put(out, (static_cast<long>(o.lock_frame) << 32) ^ o.lock_loc);
    if (o.closed)
      put(out, (static_cast<long>(o.closer) << 33) ^ (static_cast<long>(o.close_loc) << 1) ^ o.closed_by_receiver);
  }
  put(out, static_cast<long>(s.gs.size()));
  for (const goroutine& g : s.gs) {
    put(out, g.done
                 ? -1
                 : (static_cast<long>(g.body) << 40) | (static_cast<long>(g.block) << 20) | static_cast<long>(g.index));
    put(out, static_cast<long>(g.env.size()));
    for (int e : g.env) put(out, e);
    if (g.done) continue;
    put(out, (static_cast<long>(g.last_ok + 1) << 32) | static_cast<unsigned>(g.last_select + 2));
    put(out, g.in_wait);
    put(out, static_cast<long>(g.loops.size()));
    for (auto [b, n] : g.loops) put(out, (static_cast<long>(b) << 32) | static_cast<unsigned>(n));
    put(out, static_cast<long>(g.facts.size()));
    for (auto [k, v] : g.facts) put(out, (static_cast<long>(k) << 1) | v);
  }
  return out;
}

}  // namespace gocxx::concurrency
