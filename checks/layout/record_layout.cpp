// The layout of one record as Clang lays it out -- bases, fields, holes,
// tail padding -- and its report (gocxx-layout-report: text and JSON).
// Padding is counted as pahole counts it (docs/checks/gocxx-layout-report.md,
// "Padding").
#include "layout/layout_model.hpp"

#include <clang/AST/Attr.h>
#include <clang/AST/RecordLayout.h>

#include <algorithm>
#include <sstream>

using namespace clang;

namespace gocxx::layout {

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
  const ASTRecordLayout& rl = ctx.getASTRecordLayout(rd);
  l.size = rl.getSize().getQuantity();
  l.align = rl.getAlignment().getQuantity();
  l.dsize = rl.getDataSize().getQuantity();
  l.ptr_size = ctx.getTypeSize(ctx.VoidPtrTy) / 8;
  const bool record_packed = rd->hasAttr<PackedAttr>();
  const MaxFieldAlignmentAttr* max_field = rd->getAttr<MaxFieldAlignmentAttr>();
  l.packed = record_packed || max_field;
  const auto* crd = dyn_cast<CXXRecordDecl>(rd);
  if (crd) {
    l.has_vptr = rl.hasOwnVFPtr();
    // One description for direct non-virtual bases and for virtual bases.
    auto add_base = [&](const CXXBaseSpecifier& b, bool is_virtual) {
      const CXXRecordDecl* brd = runtime_model::record_of(b.getType());
      if (!brd || !brd->getDefinition()) return;
      const ASTRecordLayout& base_layout = ctx.getASTRecordLayout(brd);
      base_desc d;
      d.decl = brd;
      d.name = b.getType().getCanonicalType().getAsString(policy);
      d.offset = (is_virtual ? rl.getVBaseClassOffset(brd) : rl.getBaseClassOffset(brd)).getQuantity();
      d.size = base_layout.getNonVirtualSize().getQuantity();
      d.align = base_layout.getNonVirtualAlignment().getQuantity();
      d.full_size = align_to(d.size, d.align);
      d.empty = brd->isEmpty();
      d.is_virtual = is_virtual;
      d.primary = rl.getPrimaryBase() == brd && rl.isPrimaryBaseVirtual() == is_virtual;
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
    fd.offset_bits = rl.getFieldOffset(i);
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
    if (s.size() < w)
      s.append(w - s.size(), ' ');
    else
      s.push_back(' ');
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
    lines.push_back({h.offset, order++,
                     "    /* XXX " + std::to_string(h.size) + " byte" + (h.size == 1 ? "" : "s") + " hole after " +
                         h.after + " */"});
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
  if (l.tail_padding)
    os << "    /* XXX " << l.tail_padding << " byte" << (l.tail_padding == 1 ? "" : "s") << " tail padding */\n";
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
    nlohmann::json jf = {
        {"name", f.name}, {"type", f.type}, {"offset", f.offset_bits / 8}, {"size", f.size}, {"align", f.align}};
    if (f.bitfield) {
      jf["bit_offset"] = f.offset_bits;
      jf["bit_width"] = f.width;
    }
    fields.push_back(jf);
  }
  j["fields"] = fields;
  nlohmann::json bases = nlohmann::json::array();
  for (const base_desc& b : l.bases) {
    nlohmann::json jb = {{"name", b.name},
                         {"offset", b.offset},
                         {"size", b.empty ? 0 : b.size},
                         {"virtual", b.is_virtual},
                         {"empty", b.empty},
                         {"inner_holes", b.inner_holes},
                         {"inner_tail_padding", b.inner_tail_padding}};
    if (b.tail_reused_from) jb["tail_reused_from"] = b.tail_reused_from;
    bases.push_back(std::move(jb));
  }
  j["bases"] = bases;
  if (l.has_vptr) j["vptr_offset"] = 0;
  return j;
}

}  // namespace gocxx::layout
