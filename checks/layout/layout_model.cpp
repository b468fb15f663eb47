// The model of the Itanium C++ ABI field placement (layout_model): the
// layout of a record under another field order, checked against Clang's.
#include "layout/layout_model.hpp"

#include <clang/AST/RecordLayout.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <tuple>

using namespace clang;

namespace gocxx::layout {

void layout_model::collect_empties(const CXXRecordDecl* rd, uint64_t base, bool complete, std::vector<empty_sub>& out,
                                   unsigned depth) const {
  if (!rd || !rd->getDefinition() || depth > 6 || out.size() > 256) return;
  rd = rd->getDefinition();
  if (rd->isEmpty()) out.push_back({base, rd->getCanonicalDecl()});
  const ASTRecordLayout& rl = ctx_.getASTRecordLayout(rd);
  for (const CXXBaseSpecifier& b : rd->bases()) {
    if (b.isVirtual()) continue;
    const CXXRecordDecl* brd = runtime_model::record_of(b.getType());
    if (brd && brd->getDefinition())
      collect_empties(brd, base + rl.getBaseClassOffset(brd).getQuantity(), false, out, depth + 1);
  }
  if (complete)
    for (const CXXBaseSpecifier& b : rd->vbases()) {
      const CXXRecordDecl* brd = runtime_model::record_of(b.getType());
      if (brd && brd->getDefinition())
        collect_empties(brd, base + rl.getVBaseClassOffset(brd).getQuantity(), false, out, depth + 1);
    }
  unsigned i = 0;
  for (const FieldDecl* f : rd->fields()) {
    uint64_t off = rl.getFieldOffset(i++) / 8;
    QualType t = f->getType().getCanonicalType();
    uint64_t count = 1;
    while (const auto* arr = dyn_cast<ConstantArrayType>(t.getTypePtr())) {
      count *= arr->getSize().getZExtValue();
      t = arr->getElementType().getCanonicalType();
    }
    const CXXRecordDecl* c = t->getAsCXXRecordDecl();
    if (!c || !c->getDefinition()) continue;
    uint64_t esize = ctx_.getTypeSizeInChars(t).getQuantity();
    for (uint64_t k = 0; k < std::min<uint64_t>(count, 8); ++k)
      collect_empties(c, base + off + k * esize, true, out, depth + 1);
  }
}

layout_model::layout_model(ASTContext& ctx, const record_layout& l) : ctx_(ctx), l_(l) {
  cplusplus_ = ctx.getLangOpts().CPlusPlus;
  if (l.is_union) {
    valid_ = false;
    why_ = "a union";
    return;
  }
  if (l.has_vptr) start_data_ = start_size_ = l.ptr_size;
  std::vector<const base_desc*> nv, vb;
  for (const base_desc& b : l.bases) (b.is_virtual ? vb : nv).push_back(&b);
  auto by_offset = [](const base_desc* a, const base_desc* b) { return a->offset < b->offset; };
  std::stable_sort(nv.begin(), nv.end(), by_offset);
  std::stable_sort(vb.begin(), vb.end(), by_offset);
  for (const base_desc* b : nv) {
    if (!b->empty) {
      start_data_ = std::max(start_data_, b->offset + b->size);
      start_size_ = std::max(start_size_, start_data_);
    } else {
      start_size_ = std::max<uint64_t>(start_size_, b->offset + 1);
    }
    collect_empties(b->decl, b->offset, false, start_empties_, 0);
  }
  for (const base_desc* b : vb) {
    if (b->primary) continue;
    vbase_step s{b->size, b->align, b->empty, {}};
    collect_empties(b->decl, 0, false, s.empties, 0);
    vbases_.push_back(std::move(s));
  }
  field_empties_.resize(l.fields.size());
  for (const field_desc& f : l.fields) {
    if (f.bitfield && f.width > f.size * 8) {
      valid_ = false;
      why_ = "bit-field '" + f.name + "' is wider than its type";
      return;
    }
    QualType t = f.decl->getType().getCanonicalType();
    uint64_t count = 1;
    while (const auto* arr = dyn_cast<ConstantArrayType>(t.getTypePtr())) {
      count *= arr->getSize().getZExtValue();
      t = arr->getElementType().getCanonicalType();
    }
    if (const CXXRecordDecl* c = t->getAsCXXRecordDecl(); c && c->getDefinition()) {
      uint64_t esize = ctx.getTypeSizeInChars(t).getQuantity();
      for (uint64_t k = 0; k < std::min<uint64_t>(count, 8); ++k)
        collect_empties(c, k * esize, true, field_empties_[f.index], 0);
    }
  }
  // Units.
  for (const field_desc& f : l.fields) {
    bool join = false;
    if (!units_.empty() && !units_.back().pinned_last) {
      const field_desc& prev = l.fields[units_.back().fields.back()];
      if (prev.bitfield && f.bitfield) join = true;
      if (prev.decl->getBeginLoc() == f.decl->getBeginLoc() && f.decl->getBeginLoc().isValid()) join = true;
    }
    if (!join) units_.push_back(unit{});
    unit& u = units_.back();
    u.fields.push_back(f.index);
    if (f.flexible) u.pinned_last = true;
  }
  for (unit& u : units_) {
    uint64_t off = 0, bits = 0;
    for (unsigned fi : u.fields) {
      const field_desc& f = l.fields[fi];
      if (f.bitfield) {
        bits += f.width;
        continue;
      }
      uint64_t len = f.nua ? f.dsize : f.size;
      bits += 8 * len;
      off = align_to(off, f.align);
      if (f.ptrdata) u.ptrdata = off + f.ptrdata;
      off += f.size;
    }
    u.min_bits = bits;
    u.size_bytes = std::max<uint64_t>(off, (bits + 7) / 8);
  }
  if (!units_.empty()) {
    for (size_t k = 0; k + 1 < units_.size(); ++k)
      if (units_[k].pinned_last) {
        valid_ = false;
        why_ = "a flexible array member that is not last";
        return;
      }
  }
  // Self-check against Clang.
  std::vector<unsigned> identity(l.fields.size());
  std::iota(identity.begin(), identity.end(), 0u);
  sim_result r = simulate(identity);
  for (const field_desc& f : l.fields)
    if (r.offsets_bits[f.index] != f.offset_bits) {
      valid_ = false;
      why_ = "the layout model disagrees with Clang at field '" + f.name + "' (" +
             std::to_string(r.offsets_bits[f.index]) + " vs " + std::to_string(f.offset_bits) + " bits)";
      return;
    }
  if (r.size != l.size) {
    valid_ = false;
    why_ = "the layout model disagrees with Clang on the size (" + std::to_string(r.size) + " vs " +
           std::to_string(l.size) + ")";
  }
}

namespace {
struct sim_state {
  uint64_t data_bits = 0, unfilled = 0, size = 0, ptr = 0;
  std::vector<std::pair<uint64_t, const CXXRecordDecl*>> empties;
};
}  // namespace

static bool conflicts(const sim_state& s, uint64_t off,
                      const std::vector<std::pair<uint64_t, const CXXRecordDecl*>>& mine) {
  for (const auto& [o, c] : mine)
    for (const auto& [o2, c2] : s.empties)
      if (o2 == off + o && c2 == c) return true;
  return false;
}

sim_result layout_model::simulate(const std::vector<unsigned>& order, int nua_override) const {
  sim_state s;
  s.data_bits = start_data_ * 8;
  s.size = start_size_;
  for (const auto& e : start_empties_) s.empties.push_back({e.offset, e.cls});
  sim_result r;
  r.offsets_bits.assign(l_.fields.size(), 0);
  std::vector<std::pair<uint64_t, const CXXRecordDecl*>> mine;
  for (unsigned idx : order) {
    const field_desc& f = l_.fields[idx];
    if (f.bitfield) {
      uint64_t storage = f.size * 8, fa = f.align * 8;
      uint64_t pos = s.data_bits - s.unfilled;
      if (f.width == 0) {
        pos = align_to(pos, (f.packed_field ? 1 : f.type_align) * 8);
      } else if (!f.packed_field && (pos % fa) + f.width > storage) {
        pos = align_to(pos, fa);
      }
      uint64_t end = pos + f.width;
      s.data_bits = std::max(s.data_bits, align_to(end, 8));
      s.unfilled = s.data_bits - end;
      s.size = std::max(s.size, s.data_bits / 8);
      r.offsets_bits[idx] = pos;
      continue;
    }
    s.unfilled = 0;
    uint64_t data = s.data_bits / 8;
    bool nua = f.nua || (static_cast<int>(idx) == nua_override && f.cls);
    mine.clear();
    for (const auto& e : field_empties_[idx]) mine.push_back({e.offset, e.cls});
    uint64_t off;
    if (nua && f.empty_class) {
      off = 0;
      while (conflicts(s, off, mine)) {
        uint64_t next = align_to(data, f.align);
        off = (off == 0 && next != 0) ? next : off + f.align;
      }
    } else {
      off = align_to(data, f.align);
      while (conflicts(s, off, mine)) off += f.align;
    }
    for (const auto& [o, c] : mine) s.empties.push_back({off + o, c});
    uint64_t eff = nua ? (f.empty_class ? 0 : f.dsize) : f.size;
    data = std::max(data, off + eff);
    s.data_bits = data * 8;
    s.size = std::max(s.size, off + f.size);
    if (f.ptrdata) s.ptr = std::max(s.ptr, off + f.ptrdata);
    r.offsets_bits[idx] = off * 8;
  }
  uint64_t data = (s.data_bits + 7) / 8;
  for (const vbase_step& vb : vbases_) {
    mine.clear();
    for (const auto& e : vb.empties) mine.push_back({e.offset, e.cls});
    uint64_t off = align_to(data, vb.align);
    while (conflicts(s, off, mine)) off += vb.align;
    for (const auto& [o, c] : mine) s.empties.push_back({off + o, c});
    if (!vb.empty) {
      data = off + vb.nvsize;
      s.size = std::max(s.size, data);
    } else {
      s.size = std::max<uint64_t>(s.size, off + 1);
    }
  }
  uint64_t size = std::max(s.size, data);
  if (size == 0 && cplusplus_) size = 1;
  r.size = align_to(size, l_.align);
  r.ptrdata = s.ptr;
  return r;
}

std::vector<unsigned> layout_model::fields_of(const std::vector<unsigned>& unit_order) const {
  std::vector<unsigned> out;
  for (unsigned u : unit_order)
    for (unsigned f : units_[u].fields) out.push_back(f);
  return out;
}

uint64_t layout_model::size_lower_bound() const {
  uint64_t bits = start_data_ * 8;
  for (const unit& u : units_) bits += u.min_bits;
  uint64_t bytes = (bits + 7) / 8;
  for (const vbase_step& vb : vbases_)
    if (!vb.empty) bytes += vb.nvsize;
  bytes = std::max(bytes, start_size_);
  if (bytes == 0 && cplusplus_) bytes = 1;
  return align_to(bytes, l_.align);
}

layout_model::best layout_model::best_order(uint64_t max_nodes, bool size_only) const {
  best b;
  const size_t n = units_.size();
  std::vector<unsigned> movable;
  std::vector<unsigned> pinned;
  for (unsigned i = 0; i < n; ++i) (units_[i].pinned_last ? pinned : movable).push_back(i);
  auto evaluate = [&](const std::vector<unsigned>& mov, best& out) {
    std::vector<unsigned> uo = mov;
    uo.insert(uo.end(), pinned.begin(), pinned.end());
    sim_result r = simulate(fields_of(uo));
    uint64_t inv = 0;
    for (size_t i = 0; i < mov.size(); ++i)
      for (size_t j = i + 1; j < mov.size(); ++j)
        if (mov[j] < mov[i]) ++inv;
    out.unit_order = uo;
    out.size = r.size;
    out.ptrdata = r.ptrdata;
    out.inversions = inv;
  };
  auto better = [](const best& x, const best& y) {
    return std::tie(x.size, x.ptrdata, x.inversions) < std::tie(y.size, y.ptrdata, y.inversions);
  };
  evaluate(movable, b);
  auto max_align = [&](const unit& u) {
    uint64_t a = 1;
    for (unsigned f : u.fields) a = std::max(a, l_.fields[f].align);
    return a;
  };
  {  // Seed: Go's fieldalignment order.
    std::vector<unsigned> seed = movable;
    std::stable_sort(seed.begin(), seed.end(), [&](unsigned x, unsigned y) {
      const unit& ux = units_[x];
      const unit& uy = units_[y];
      bool zx = ux.min_bits == 0, zy = uy.min_bits == 0;
      if (zx != zy) return zx;
      uint64_t ax = max_align(ux), ay = max_align(uy);
      if (ax != ay) return ax > ay;
      bool px = ux.ptrdata != 0, py = uy.ptrdata != 0;
      if (px != py) return px;
      if (px && ux.size_bytes - ux.ptrdata != uy.size_bytes - uy.ptrdata)
        return ux.size_bytes - ux.ptrdata < uy.size_bytes - uy.ptrdata;
      return ux.size_bytes > uy.size_bytes;
    });
    best s;
    evaluate(seed, s);
    if (better(s, b)) b = s;
  }
  const uint64_t lb = size_lower_bound();
  if (movable.size() <= 1) return b;
  // Equivalent units (same layout behaviour) are placed in declaration order.
  std::vector<int> sig(n, -1);
  {
    std::vector<std::tuple<uint64_t, uint64_t, uint64_t, uint64_t, bool>> keys;
    for (unsigned i = 0; i < n; ++i) {
      const unit& u = units_[i];
      if (u.fields.size() != 1) continue;
      const field_desc& f = l_.fields[u.fields[0]];
      if (f.bitfield || !field_empties_[f.index].empty()) continue;
      auto key = std::make_tuple(f.size, f.align, f.ptrdata, f.dsize, f.nua);
      auto it = std::find(keys.begin(), keys.end(), key);
      sig[i] = static_cast<int>(it - keys.begin());
      if (it == keys.end()) keys.push_back(key);
    }
  }
  uint64_t vbase_bytes = 0;
  for (const vbase_step& vb : vbases_)
    if (!vb.empty) vbase_bytes += vb.nvsize;
  uint64_t nodes = 0;
  bool truncated = false;
  std::vector<unsigned> prefix;
  std::vector<bool> used(n, false);
  // DFS with simulation of the prefix at each node (records are small).
  std::function<void(uint64_t)> dfs = [&](uint64_t inv) {
    if (truncated) return;
    if (++nodes > max_nodes) {
      truncated = true;
      return;
    }
    if (prefix.size() == movable.size()) {
      best cand;
      std::vector<unsigned> uo = prefix;
      uo.insert(uo.end(), pinned.begin(), pinned.end());
      sim_result r = simulate(fields_of(uo));
      cand.unit_order = uo;
      cand.size = r.size;
      cand.ptrdata = r.ptrdata;
      cand.inversions = inv;
      if (better(cand, b)) b = cand;
      return;
    }
    for (unsigned u : movable) {
      if (used[u]) continue;
      if (sig[u] >= 0) {
        bool earlier = false;
        for (unsigned v : movable)
          if (v < u && !used[v] && sig[v] == sig[u]) earlier = true;
        if (earlier) continue;
      }
      uint64_t add = 0;
      for (unsigned v : movable)
        if (!used[v] && v < u) ++add;
      prefix.push_back(u);
      used[u] = true;
      // Bounds.
      sim_result r = simulate(fields_of(prefix));
      // r.size is the rounded size of the prefix; recompute the raw end.
      uint64_t end_bytes = 0;
      for (unsigned pu : prefix)
        for (unsigned fi : units_[pu].fields) {
          const field_desc& f = l_.fields[fi];
          uint64_t e = f.bitfield ? (r.offsets_bits[fi] + f.width + 7) / 8
                                  : r.offsets_bits[fi] / 8 + (f.nua ? (f.empty_class ? 0 : f.dsize) : f.size);
          end_bytes = std::max(end_bytes, e);
        }
      end_bytes = std::max(end_bytes, start_data_);
      uint64_t rem_bits = 0, rem_ptr_sum = 0, rem_ptr_tail = 0;
      bool rem_ptr = false;
      for (unsigned v = 0; v < n; ++v) {
        if (used[v]) continue;
        rem_bits += units_[v].min_bits;
        if (units_[v].ptrdata) {
          rem_ptr = true;
          rem_ptr_sum += units_[v].size_bytes;
          rem_ptr_tail = std::max(rem_ptr_tail, units_[v].size_bytes - units_[v].ptrdata);
        }
      }
      uint64_t lb_size = std::max<uint64_t>((end_bytes * 8 + rem_bits + 7) / 8 + vbase_bytes, start_size_);
      lb_size = std::max<uint64_t>(lb_size, 1);
      lb_size = align_to(lb_size, l_.align);
      lb_size = std::max(lb_size, lb);
      uint64_t lb_ptr = r.ptrdata;
      if (rem_ptr) lb_ptr = std::max(lb_ptr, end_bytes + rem_ptr_sum - rem_ptr_tail);
      const uint64_t new_inv = inv + add;
      bool prune = std::tie(lb_size, lb_ptr, new_inv) >= std::tie(b.size, b.ptrdata, b.inversions);
      if (!prune) dfs(inv + add);
      used[u] = false;
      prefix.pop_back();
      if (truncated) return;
    }
  };
  if (b.size > lb || (!size_only && (b.ptrdata > 0 || b.inversions > 0))) dfs(0);
  b.exact = !truncated;
  return b;
}

}  // namespace gocxx::layout
