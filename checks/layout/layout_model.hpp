// The layout of one record as Clang lays it out (clang::ASTRecordLayout),
// and a model of the Itanium C++ ABI field placement that computes the
// layout of the same record under another field order: the basis of
// gocxx-layout-report, -padding and -empty-member.
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime_model/runtime_model.hpp"

namespace gocxx::layout {

inline uint64_t align_to(uint64_t v, uint64_t a) { return a <= 1 ? v : (v + a - 1) / a * a; }

struct field_desc {
  const clang::FieldDecl* decl = nullptr;
  unsigned index = 0;  // declaration index
  std::string name;    // "(anonymous)" for unnamed members
  std::string type;
  uint64_t size = 0;        // sizeof the type, bytes (0: flexible array member)
  uint64_t dsize = 0;       // bytes it occupies when potentially overlapping (data size)
  uint64_t align = 1;       // effective alignment in this record, bytes
  uint64_t type_align = 1;  // the type's own alignment, bytes (bit-field storage units)
  bool bitfield = false;
  unsigned width = 0;        // bit-field width
  bool nua = false;          // [[no_unique_address]]
  bool empty_class = false;  // the type is an empty class
  bool flexible = false;
  bool anonymous_record = false;
  bool packed_field = false;                  // packed: no padding before it
  const clang::CXXRecordDecl* cls = nullptr;  // class type (empty-subobject rule)
  uint64_t ptrdata = 0;                       // pointer prefix bytes of the type
  uint64_t offset_bits = 0;                   // Clang's offset in the record
};

struct base_desc {
  const clang::CXXRecordDecl* decl = nullptr;
  std::string name;
  uint64_t offset = 0;
  uint64_t size = 0;       // non-virtual size (of a POD: its sizeof)
  uint64_t align = 1;      // non-virtual alignment
  uint64_t full_size = 0;  // as a subobject: the non-virtual size rounded up to the alignment
  bool is_virtual = false;
  bool empty = false;
  bool primary = false;
  // The padding the base carries inside its non-virtual part: its own, not
  // the derived record's. Where a subobject of the derived record is placed
  // in the base's tail padding, tail_reused_from is its offset.
  uint64_t inner_holes = 0;
  uint64_t inner_tail_padding = 0;
  uint64_t tail_reused_from = 0;  // 0: not reused
};

struct hole {
  std::string after;
  uint64_t offset = 0;
  uint64_t size = 0;
};

struct record_layout {
  const clang::RecordDecl* decl = nullptr;
  std::string name;
  std::string kind;  // struct, class, union
  uint64_t size = 0, align = 1, dsize = 0;
  bool is_union = false;
  bool packed = false;    // __attribute__((packed)) or #pragma pack
  bool has_vptr = false;  // owns a vtable pointer at offset 0
  uint64_t ptr_size = 8;
  std::vector<base_desc> bases;
  std::vector<field_desc> fields;
  // Padding as pahole counts it: the holes between the record's own
  // subobjects (vptr, bases, fields) and the tail after the last; a base
  // counts with its full size, up to a subobject placed in its tail padding.
  std::vector<hole> holes;
  uint64_t tail_padding = 0;
  uint64_t padding = 0;  // holes + tail padding
  uint64_t ptrdata = 0;  // pointer prefix of the fields in this order
  unsigned cache_lines = 0;
};

// record_layout.cpp: the record as Clang lays it out, and its report.
record_layout describe(clang::ASTContext& ctx, const clang::RecordDecl* rd, runtime_model::pointer_model& ptrs,
                       const clang::PrintingPolicy& policy, unsigned cache_line);

std::string record_name(const clang::ASTContext& ctx, const clang::RecordDecl* rd);
clang::PrintingPolicy name_policy(const clang::ASTContext& ctx);

// The pahole-like block of `gocxx layout`.
std::string render(const record_layout& l, std::optional<uint64_t> optimal, unsigned cache_line);
nlohmann::json to_json(const record_layout& l, std::optional<uint64_t> optimal);

// layout_model.cpp: the model.

// Groups of fields that move together: one declaration (`int a, b;`) or a
// run of adjacent bit-fields.
struct unit {
  std::vector<unsigned> fields;
  uint64_t min_bits = 0;  // lower bound of the bits it occupies
  uint64_t ptrdata = 0;   // pointer prefix from the unit's start (0: none)
  uint64_t size_bytes = 0;
  bool pinned_last = false;  // flexible array member
};

struct sim_result {
  uint64_t size = 0;
  uint64_t ptrdata = 0;
  std::vector<uint64_t> offsets_bits;  // by field index
};

// The Itanium placement of the fields of one (non-union) record, its bases
// fixed where Clang put them.
class layout_model {
 public:
  layout_model(clang::ASTContext& ctx, const record_layout& l);
  // The model reproduces Clang's layout of the declared order: only then are
  // its answers for other orders trusted.
  bool valid() const { return valid_; }
  const std::string& why_invalid() const { return why_; }
  const std::vector<unit>& units() const { return units_; }

  // Lay the fields out in this order (field indices); `nua_override` makes
  // one more field [[no_unique_address]].
  sim_result simulate(const std::vector<unsigned>& order, int nua_override = -1) const;
  std::vector<unsigned> fields_of(const std::vector<unsigned>& unit_order) const;

  struct best {
    std::vector<unsigned> unit_order;
    uint64_t size = 0, ptrdata = 0, inversions = 0;
    bool exact = true;
  };
  // Smallest size; then the shortest pointer prefix; then the fewest
  // inversions of declaration order. Branch and bound, bounded work.
  // size_only: stop once the size is minimal (the report needs no more).
  best best_order(uint64_t max_nodes, bool size_only = false) const;
  // Size lower bound for any order.
  uint64_t size_lower_bound() const;

 private:
  struct empty_sub {
    uint64_t offset;
    const clang::CXXRecordDecl* cls;
  };
  void collect_empties(const clang::CXXRecordDecl* rd, uint64_t base, bool complete, std::vector<empty_sub>& out,
                       unsigned depth) const;

  clang::ASTContext& ctx_;
  const record_layout& l_;
  bool valid_ = true;
  std::string why_;
  bool cplusplus_ = true;
  uint64_t start_data_ = 0, start_size_ = 0;
  std::vector<empty_sub> start_empties_;
  std::vector<std::vector<empty_sub>> field_empties_;
  struct vbase_step {
    uint64_t nvsize, align;
    bool empty;
    std::vector<empty_sub> empties;
  };
  std::vector<vbase_step> vbases_;
  std::vector<unit> units_;
};

}  // namespace gocxx::layout
