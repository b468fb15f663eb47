// LSP positions (a 0-based line and a character offset counted in the
// negotiated encoding: UTF-16 code units unless the client and the server
// agree on UTF-8 or UTF-32) and the byte offsets gocxx's findings carry.
// Lines end at \n, \r\n or a lone \r, as LSP and clang's SourceManager both
// count them.
#pragma once
#include <llvm/ADT/StringRef.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gocxx::lsp {

enum class position_encoding { utf8, utf16, utf32 };

// "utf-8", "utf-16", "utf-32", as LSP 3.17 spells them.
const char* encoding_name(position_encoding e);
std::optional<position_encoding> parse_encoding(llvm::StringRef name);

// An LSP position's (line, character), each clamped to 32 bits; nullopt
// unless `position` is an object of two non-negative integers.
std::optional<std::pair<unsigned, unsigned>> parse_position(const nlohmann::json& position);

// A text's line starts; the text must outlive the index.
class line_index {
 public:
  explicit line_index(llvm::StringRef text);

  // The position of byte `offset` (clamped to the text's end; an offset
  // inside a multi-byte character counts from the character's start).
  nlohmann::json position(size_t offset, position_encoding e) const;

  // The byte offset of an LSP position. LSP: a character past the line's
  // end means the line's end, a line past the text's last means its end.
  size_t offset(unsigned line, unsigned character, position_encoding e) const;

  // The byte offset of `position` ({line, character}); nullopt when it is
  // not an object of two non-negative integers.
  std::optional<size_t> offset(const nlohmann::json& position, position_encoding e) const;

 private:
  // The line's bytes without its line ending.
  llvm::StringRef line_text(size_t line) const;

  llvm::StringRef text_;
  std::vector<size_t> starts_;
};

// An LSP range {start, end} of bytes [begin, end) of `index`'s text.
nlohmann::json make_range(const line_index& index, size_t begin, size_t end, position_encoding e);

}  // namespace gocxx::lsp
