// Where a record's fields, constructor initialisers and designated
// initialisers are written, and the text edits that reorder them.
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/Expr.h>

#include <optional>
#include <string>
#include <vector>

namespace gocxx::layout {

struct edit {
  clang::FileID file;
  unsigned begin = 0, end = 0;  // byte offsets in `file`
  std::string text;
};

// Text slots of the units of a record (see layout_model's units), in
// declaration order, with the text between them kept in place.
struct field_slots {
  clang::FileID file;
  std::vector<std::pair<unsigned, unsigned>> slots;  // [begin, end) per unit
  std::vector<unsigned> decl_begin;                  // first token of each unit's declaration
};

// nullopt and `why` when the record's source cannot be rewritten safely
// (macros, preprocessor directives between fields, fields sharing a
// declaration with something else, mixed access).
std::optional<field_slots> find_field_slots(const clang::ASTContext& ctx, const clang::RecordDecl* rd,
                                            const std::vector<std::vector<unsigned>>& units, std::string& why);

// One edit replacing the region from the first slot to the last with the
// slots' texts in `order` (order[k] = which slot's text goes to position k).
edit permute_slots(const clang::SourceManager& sm, clang::FileID file,
                   const std::vector<std::pair<unsigned, unsigned>>& slots, const std::vector<unsigned>& order);

// Token range -> byte offsets in one file; nullopt for macro locations.
std::optional<std::pair<unsigned, unsigned>> token_range_offsets(const clang::ASTContext& ctx, clang::SourceRange r,
                                                                 clang::FileID& file);

// A `// gocxx:abi` mark on the record, or the lines just above it.
bool has_abi_mark(const clang::ASTContext& ctx, const clang::RecordDecl* rd);

}  // namespace gocxx::layout
