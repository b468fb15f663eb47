#include "layout/layout_model.hpp"

#include <clang/AST/Attr.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/AST/RecordLayout.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <numeric>
#include <functional>
#include <set>
#include <tuple>
#include <sstream>

using namespace clang;

namespace gocxx::layout {

static uint64_t align_to(uint64_t v, uint64_t a) { return a <= 1 ? v : (v + a - 1) / a * a; }

PrintingPolicy name_policy(const ASTContext& ctx) {
  PrintingPolicy pp(ctx.getLangOpts());
  pp.SuppressTagKeyword = true;
  pp.FullyQualifiedName = true;
  pp.AnonymousTagLocations = false;
  pp.PrintCanonicalTypes = false;  // keeps default template arguments out: Box<std::basic_string<char>>
  return pp;
}

std::string record_name(const ASTContext& ctx, const RecordDecl* rd) {
  PrintingPolicy pp = name_policy(ctx);
  return QualType(ctx.getRecordType(rd)).getAsString(pp);
}

namespace {

// The record's size, alignment, vptr, bases and fields, without the padding.
record_layout describe_subobjects(ASTContext& ctx, const RecordDecl* rd, runtime_model::pointer_model& ptrs,
                                  const PrintingPolicy& policy) {
  record_layout l;
  l.decl = rd;
  l.name = record_name(ctx, rd);
  l.is_union = rd->isUnion();
  l.kind = rd->isUnion() ? "union" : rd->isClass() ? "class" : "struct";
  const ASTRecordLayout& L = ctx.getASTRecordLayout(rd);
  l.size = L.getSize().getQuantity();
  l.align = L.getAlignment().getQuantity();
  l.dsize = L.getDataSize().getQuantity();
  l.ptr_size = ctx.getTypeSize(ctx.VoidPtrTy) / 8;
  const bool record_packed = rd->hasAttr<PackedAttr>();
  const MaxFieldAlignmentAttr* max_field = rd->getAttr<MaxFieldAlignmentAttr>();
  l.packed = record_packed || max_field;
  const auto* crd = dyn_cast<CXXRecordDecl>(rd);
  if (crd) {
    l.has_vptr = L.hasOwnVFPtr();
    // One description for direct non-virtual bases and for virtual bases.
    auto add_base = [&](const CXXBaseSpecifier& b, bool is_virtual) {
      const CXXRecordDecl* brd = runtime_model::record_of(b.getType());
      if (!brd || !brd->getDefinition()) return;
      const ASTRecordLayout& BL = ctx.getASTRecordLayout(brd);
      base_desc d;
      d.decl = brd;
      d.name = b.getType().getCanonicalType().getAsString(policy);
      d.offset = (is_virtual ? L.getVBaseClassOffset(brd) : L.getBaseClassOffset(brd)).getQuantity();
      d.size = BL.getNonVirtualSize().getQuantity();
      d.align = BL.getNonVirtualAlignment().getQuantity();
      d.full_size = align_to(d.size, d.align);
      d.empty = brd->isEmpty();
      d.is_virtual = is_virtual;
      d.primary = L.getPrimaryBase() == brd && L.isPrimaryBaseVirtual() == is_virtual;
      l.bases.push_back(d);
    };
    for (const CXXBaseSpecifier& b : crd->bases())
      if (!b.isVirtual()) add_base(b, false);
    for (const CXXBaseSpecifier& b : crd->vbases()) add_base(b, true);
  }
  unsigned i = 0;
  for (const FieldDecl* f : rd->fields()) {
    field_desc fd;
    fd.decl = f;
    fd.index = i;
    fd.offset_bits = L.getFieldOffset(i);
    ++i;
    fd.name = f->getIdentifier() ? f->getName().str() : std::string("(anonymous)");
    fd.anonymous_record = f->isAnonymousStructOrUnion();
    QualType t = f->getType();
    fd.type = t.getAsString(policy);
    if (const auto* ia = ctx.getAsIncompleteArrayType(t)) {
      fd.flexible = true;
      fd.size = 0;
      fd.type_align = ctx.getTypeAlignInChars(ia->getElementType()).getQuantity();
    } else {
      fd.size = ctx.getTypeSizeInChars(t).getQuantity();
      fd.type_align = ctx.getTypeAlignInChars(t).getQuantity();
    }
    fd.dsize = fd.size;
    fd.bitfield = f->isBitField();
    if (fd.bitfield) fd.width = f->getBitWidthValue(ctx);
    fd.cls = runtime_model::record_of(t);
    if (fd.cls && !fd.cls->getDefinition()) fd.cls = nullptr;
    if (fd.cls) {
      fd.empty_class = fd.cls->isEmpty();
      fd.dsize = fd.empty_class ? 0 : ctx.getASTRecordLayout(fd.cls).getDataSize().getQuantity();
    }
    fd.nua = f->isPotentiallyOverlapping();
    bool field_packed =
        (record_packed && (!fd.cls || fd.cls->isPOD() || fd.cls->hasAttr<PackedAttr>())) || f->hasAttr<PackedAttr>();
    fd.packed_field = field_packed;
    uint64_t a = field_packed ? 1 : fd.type_align;
    if (unsigned m = f->getMaxAlignment()) a = std::max<uint64_t>(a, m / 8);
    if (max_field) a = std::min<uint64_t>(a, std::max<uint64_t>(1, max_field->getAlignment() / 8));
    fd.align = std::max<uint64_t>(a, 1);
    if (!fd.bitfield) fd.ptrdata = ptrs.pointer_bytes(t);
    if (fd.ptrdata) l.ptrdata = std::max(l.ptrdata, fd.offset_bits / 8 + fd.ptrdata);
    l.fields.push_back(std::move(fd));
  }
  return l;
}

// The bytes one direct subobject occupies as padding is counted: a
// potentially overlapping subobject (a base, a [[no_unique_address]] member)
// has its data up to data_end and its own tail padding up to end.
struct span {
  uint64_t begin, end, data_end;
  std::string name;
  base_desc* base = nullptr;
};

std::vector<span> subobject_spans(record_layout& l, bool virtual_bases) {
  std::vector<span> spans;
  if (l.has_vptr) spans.push_back({0, l.ptr_size, l.ptr_size, "(vptr)"});
  for (base_desc& b : l.bases)
    if (!b.empty && b.size && (virtual_bases || !b.is_virtual))
      spans.push_back({b.offset, std::min(b.offset + b.full_size, std::max(l.size, b.offset + b.size)),
                       b.offset + b.size, b.name, &b});
  for (const field_desc& f : l.fields) {
    if (f.bitfield) {
      if (f.width) {
        uint64_t end = (f.offset_bits + f.width + 7) / 8;
        spans.push_back({f.offset_bits / 8, end, end, f.name});
      }
    } else if (f.nua ? f.dsize : f.size) {
      uint64_t begin = f.offset_bits / 8;
      spans.push_back({begin, begin + f.size, begin + (f.nua ? f.dsize : f.size), f.name});
    }
  }
  std::stable_sort(spans.begin(), spans.end(), [](const span& a, const span& b) { return a.begin < b.begin; });
  // Where a subobject is placed inside another's tail padding (Itanium
  // reuses the tail padding of non-POD bases and [[no_unique_address]]
  // members) the other ends there: no hole, nothing counted twice.
  for (span& s : spans)
    for (const span& t : spans)
      if (&t != &s && t.begin >= s.data_end && t.begin < s.end) s.end = t.begin;
  return spans;
}

// The holes between the spans; returns the end of the last.
uint64_t find_holes(const std::vector<span>& spans, std::vector<hole>& holes) {
  uint64_t max_end = 0;
  std::string last;
  for (const span& s : spans) {
    if (s.begin > max_end) holes.push_back({last, max_end, s.begin - max_end});
    if (s.end >= max_end) {
      max_end = s.end;
      last = s.name;
    }
  }
  return max_end;
}

// The padding of the record: the holes between its own subobjects and the
// tail after the last, each base counted with its full size.
void find_padding(record_layout& l) {
  std::vector<span> spans = subobject_spans(l, /*virtual_bases=*/true);
  uint64_t max_end = 0;
  if (l.is_union) {
    for (const span& s : spans) max_end = std::max(max_end, s.end - s.begin);
  } else {
    max_end = find_holes(spans, l.holes);
  }
  for (const span& s : spans)
    if (s.base && s.end < s.base->offset + s.base->full_size) s.base->tail_reused_from = s.end;
  // An empty class's one byte is the language's, not padding.
  l.tail_padding = (l.size > max_end && max_end > 0) ? l.size - max_end : 0;
  l.padding = l.tail_padding;
  for (const hole& h : l.holes) l.padding += h.size;
}

// The padding a base carries inside its non-virtual part (its own padding,
// not the derived record's).
void find_inner_padding(ASTContext& ctx, base_desc& b, runtime_model::pointer_model& ptrs,
                        const PrintingPolicy& policy) {
  if (b.empty || !b.size) return;
  record_layout bl = describe_subobjects(ctx, b.decl, ptrs, policy);
  std::vector<hole> holes;
  uint64_t end = find_holes(subobject_spans(bl, /*virtual_bases=*/false), holes);
  for (const hole& h : holes) b.inner_holes += h.size;
  if (end > 0 && end < b.full_size) b.inner_tail_padding = b.full_size - end;
}

}  // namespace

record_layout describe(ASTContext& ctx, const RecordDecl* rd, runtime_model::pointer_model& ptrs,
                       const PrintingPolicy& policy, unsigned cache_line) {
  record_layout l = describe_subobjects(ctx, rd, ptrs, policy);
  find_padding(l);
  for (base_desc& b : l.bases) find_inner_padding(ctx, b, ptrs, policy);
  l.cache_lines = cache_line ? static_cast<unsigned>((l.size + cache_line - 1) / cache_line) : 0;
  return l;
}

static std::string bytes(uint64_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

// "7 bytes of tail padding inside P": the padding a base carries, which is
// the base's and not counted in the derived record's.
static std::string carried_padding(const base_desc& b) {
  std::string what;
  if (b.inner_holes) what = bytes(b.inner_holes) + " in holes";
  if (b.inner_tail_padding) what += (what.empty() ? "" : " and ") + bytes(b.inner_tail_padding) + " of tail padding";
  if (what.empty()) return what;
  what += " inside " + b.name;
  if (b.tail_reused_from) what += ", reused from offset " + std::to_string(b.tail_reused_from);
  return what;
}

std::string render(const record_layout& l, std::optional<uint64_t> optimal, unsigned cache_line) {
  struct line {
    uint64_t offset;
    int order;
    std::string text;
  };
  std::vector<line> lines;
  auto pad = [](std::string s, size_t w) {
    if (s.size() < w) s.append(w - s.size(), ' ');
    else s.push_back(' ');
    return s;
  };
  int order = 0;
  if (l.has_vptr)
    lines.push_back({0, order++, pad("    (vptr);", 40) + "// offset: 0, size: " + std::to_string(l.ptr_size)});
  for (const base_desc& b : l.bases) {
    lines.push_back({b.offset, order++,
                     pad("    " + b.name + (b.is_virtual ? " (virtual base);" : " (base);"), 40) +
                         "// offset: " + std::to_string(b.offset) + ", size: " + std::to_string(b.empty ? 0 : b.size) +
                         (b.empty ? " (empty)" : "")});
    if (std::string carried = carried_padding(b); !carried.empty())
      lines.push_back({b.offset, order++, "    /* " + carried + " */"});
  }
  for (const field_desc& f : l.fields) {
    std::string decl = "    " + f.type + " " + f.name;
    std::string info;
    if (f.bitfield) {
      decl += ":" + std::to_string(f.width);
      info = "// offset: " + std::to_string(f.offset_bits / 8) + ", bits: " + std::to_string(f.offset_bits) + ".." +
             std::to_string(f.offset_bits + f.width) + ", size: " + std::to_string(f.size) +
             ", align: " + std::to_string(f.align);
    } else {
      info = "// offset: " + std::to_string(f.offset_bits / 8) + ", size: " + std::to_string(f.size) +
             ", align: " + std::to_string(f.align);
    }
    lines.push_back({f.offset_bits / 8, order++, pad(decl + ";", 40) + info});
  }
  uint64_t sum_holes = 0;
  for (const hole& h : l.holes) {
    sum_holes += h.size;
    lines.push_back({h.offset, order++, "    /* XXX " + std::to_string(h.size) + " byte" + (h.size == 1 ? "" : "s") +
                                            " hole after " + h.after + " */"});
  }
  std::stable_sort(lines.begin(), lines.end(), [](const line& a, const line& b) { return a.offset < b.offset; });
  std::ostringstream os;
  os << l.kind << " " << l.name << " {  // size: " << l.size << ", align: " << l.align << ", padding: " << l.padding;
  if (optimal) os << ", best size: " << *optimal;
  os << "\n";
  uint64_t prev = 0;
  for (const line& ln : lines) {
    if (cache_line) {
      for (uint64_t k = prev / cache_line + 1; k * cache_line <= ln.offset; ++k)
        os << "    /* --- cacheline " << k << " boundary (" << k * cache_line << " bytes) --- */\n";
    }
    prev = std::max(prev, ln.offset);
    os << ln.text << "\n";
  }
  if (l.tail_padding) os << "    /* XXX " << l.tail_padding << " byte" << (l.tail_padding == 1 ? "" : "s") << " tail padding */\n";
  os << "    // size: " << l.size << ", cachelines: " << l.cache_lines << ", members: " << l.fields.size()
     << ", holes: " << l.holes.size() << " (" << sum_holes << " bytes), tail padding: " << l.tail_padding << "\n";
  os << "};";
  return os.str();
}

nlohmann::json to_json(const record_layout& l, std::optional<uint64_t> optimal) {
  nlohmann::json j;
  j["record"] = l.name;
  j["kind"] = l.kind;
  j["size"] = l.size;
  j["align"] = l.align;
  j["padding"] = l.padding;
  j["optimal_size"] = optimal ? *optimal : l.size;
  j["tail_padding"] = l.tail_padding;
  j["cache_lines"] = l.cache_lines;
  nlohmann::json holes = nlohmann::json::array();
  for (const hole& h : l.holes) holes.push_back({{"after", h.after}, {"offset", h.offset}, {"size", h.size}});
  j["holes"] = holes;
  nlohmann::json fields = nlohmann::json::array();
  for (const field_desc& f : l.fields) {
    nlohmann::json jf = {{"name", f.name}, {"type", f.type}, {"offset", f.offset_bits / 8}, {"size", f.size},
                         {"align", f.align}};
    if (f.bitfield) {
      jf["bit_offset"] = f.offset_bits;
      jf["bit_width"] = f.width;
    }
    fields.push_back(jf);
  }
  j["fields"] = fields;
  nlohmann::json bases = nlohmann::json::array();
  for (const base_desc& b : l.bases) {
    nlohmann::json jb = {{"name", b.name},         {"offset", b.offset},
                         {"size", b.empty ? 0 : b.size}, {"virtual", b.is_virtual},
                         {"empty", b.empty},       {"inner_holes", b.inner_holes},
                         {"inner_tail_padding", b.inner_tail_padding}};
    if (b.tail_reused_from) jb["tail_reused_from"] = b.tail_reused_from;
    bases.push_back(std::move(jb));
  }
  j["bases"] = bases;
  if (l.has_vptr) j["vptr_offset"] = 0;
  return j;
}

// ---------------------------------------------------------------------------

void layout_model::collect_empties(const CXXRecordDecl* rd, uint64_t base, bool complete,
                                   std::vector<empty_sub>& out, unsigned depth) const {
  if (!rd || !rd->getDefinition() || depth > 6 || out.size() > 256) return;
  rd = rd->getDefinition();
  if (rd->isEmpty()) out.push_back({base, rd->getCanonicalDecl()});
  const ASTRecordLayout& L = ctx_.getASTRecordLayout(rd);
  for (const CXXBaseSpecifier& b : rd->bases()) {
    if (b.isVirtual()) continue;
    const CXXRecordDecl* brd = runtime_model::record_of(b.getType());
    if (brd && brd->getDefinition()) collect_empties(brd, base + L.getBaseClassOffset(brd).getQuantity(), false, out, depth + 1);
  }
  if (complete)
    for (const CXXBaseSpecifier& b : rd->vbases()) {
      const CXXRecordDecl* brd = runtime_model::record_of(b.getType());
      if (brd && brd->getDefinition())
        collect_empties(brd, base + L.getVBaseClassOffset(brd).getQuantity(), false, out, depth + 1);
    }
  unsigned i = 0;
  for (const FieldDecl* f : rd->fields()) {
    uint64_t off = L.getFieldOffset(i++) / 8;
    QualType t = f->getType().getCanonicalType();
    uint64_t count = 1;
    while (const auto* arr = dyn_cast<ConstantArrayType>(t.getTypePtr())) {
      count *= arr->getSize().getZExtValue();
      t = arr->getElementType().getCanonicalType();
    }
    const CXXRecordDecl* c = t->getAsCXXRecordDecl();
    if (!c || !c->getDefinition()) continue;
    uint64_t esize = ctx_.getTypeSizeInChars(t).getQuantity();
    for (uint64_t k = 0; k < std::min<uint64_t>(count, 8); ++k) collect_empties(c, base + off + k * esize, true, out, depth + 1);
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

static bool conflicts(const sim_state& s, uint64_t off, const std::vector<std::pair<uint64_t, const CXXRecordDecl*>>& mine) {
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
