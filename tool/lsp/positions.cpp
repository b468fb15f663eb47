#include "positions.hpp"

#include <algorithm>

namespace gocxx::lsp {

namespace {

// The length in bytes of the UTF-8 sequence that starts with `lead`; 1 for
// a byte that cannot start one (counted as one character, as editors show
// invalid bytes).
size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

// How many units of encoding `e` the character of `bytes` bytes takes.
unsigned units(size_t bytes, position_encoding e) {
  switch (e) {
    case position_encoding::utf8: return static_cast<unsigned>(bytes);
    case position_encoding::utf16: return bytes == 4 ? 2 : 1;
    case position_encoding::utf32: return 1;
  }
  return 1;
}

}  // namespace

const char* encoding_name(position_encoding e) {
  switch (e) {
    case position_encoding::utf8: return "utf-8";
    case position_encoding::utf16: return "utf-16";
    case position_encoding::utf32: return "utf-32";
  }
  return "utf-16";
}

std::optional<position_encoding> parse_encoding(llvm::StringRef name) {
  if (name == "utf-8") return position_encoding::utf8;
  if (name == "utf-16") return position_encoding::utf16;
  if (name == "utf-32") return position_encoding::utf32;
  return std::nullopt;
}

line_index::line_index(llvm::StringRef text) : text_(text) {
  starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    if (text[i] == '\n' || text[i] == '\r') starts_.push_back(i + 1);
  }
}

llvm::StringRef line_index::line_text(size_t line) const {
  size_t begin = starts_[line];
  size_t end = line + 1 < starts_.size() ? starts_[line + 1] : text_.size();
  llvm::StringRef l = text_.slice(begin, end);
  if (l.ends_with("\n")) l = l.drop_back();
  if (l.ends_with("\r")) l = l.drop_back();
  return l;
}

nlohmann::json line_index::position(size_t offset, position_encoding e) const {
  offset = std::min(offset, text_.size());
  size_t line = static_cast<size_t>(std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin()) - 1;
  llvm::StringRef l = line_text(line);
  size_t in_line = std::min(offset - starts_[line], l.size());
  unsigned character = 0;
  for (size_t i = 0; i < in_line;) {
    size_t n = std::min(sequence_length(static_cast<unsigned char>(l[i])), l.size() - i);
    if (i + n > in_line) break;  // inside a character: its start
    character += units(n, e);
    i += n;
  }
  return {{"line", line}, {"character", character}};
}

size_t line_index::offset(unsigned line, unsigned character, position_encoding e) const {
  if (line >= starts_.size()) return text_.size();
  llvm::StringRef l = line_text(line);
  size_t i = 0;
  unsigned counted = 0;
  while (i < l.size()) {
    size_t n = std::min(sequence_length(static_cast<unsigned char>(l[i])), l.size() - i);
    unsigned u = units(n, e);
    if (counted + u > character) break;  // the position is before (or inside) this character
    counted += u;
    i += n;
  }
  return starts_[line] + i;
}

std::optional<std::pair<unsigned, unsigned>> parse_position(const nlohmann::json& position) {
  if (!position.is_object()) return std::nullopt;
  auto line = position.find("line");
  auto character = position.find("character");
  if (line == position.end() || character == position.end() || !line->is_number_unsigned() ||
      !character->is_number_unsigned())
    return std::nullopt;
  auto clamp = [](const nlohmann::json& v) {
    return static_cast<unsigned>(std::min<unsigned long long>(v.get<unsigned long long>(), 0xFFFFFFFFull));
  };
  return std::make_pair(clamp(*line), clamp(*character));
}

std::optional<size_t> line_index::offset(const nlohmann::json& position, position_encoding e) const {
  std::optional<std::pair<unsigned, unsigned>> p = parse_position(position);
  if (!p) return std::nullopt;
  return offset(p->first, p->second, e);
}

nlohmann::json make_range(const line_index& index, size_t begin, size_t end, position_encoding e) {
  return {{"start", index.position(begin, e)}, {"end", index.position(std::max(begin, end), e)}};
}

}  // namespace gocxx::lsp
