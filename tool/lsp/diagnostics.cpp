#include "diagnostics.hpp"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/MemoryBuffer.h>

#include <optional>

#include "check_docs.hpp"
#include "uri.hpp"

namespace gocxx::lsp {

namespace {

// LSP's DiagnosticSeverity.
int lsp_severity(severity s) {
  switch (s) {
    case severity::error: return 1;
    case severity::warning: return 2;
    case severity::note: return 3;
    case severity::remark: return 4;
  }
  return 2;
}

// A finding is a point; its range covers the identifier (or the one
// character) there, as editors underline a word.
size_t token_end(llvm::StringRef text, size_t offset) {
  if (offset >= text.size()) return offset;
  auto word = [](char c) { return llvm::isAlnum(c) || c == '_'; };
  if (!word(text[offset])) return text[offset] == '\n' || text[offset] == '\r' ? offset : offset + 1;
  size_t end = offset;
  while (end < text.size() && word(text[end])) ++end;
  return end;
}

}  // namespace

position_texts::position_texts(std::string document_name, std::string document_uri, std::string document_text)
    : document_name_(std::move(document_name)), document_uri_(std::move(document_uri)) {
  text& t = texts_[document_name_];
  t.contents = std::move(document_text);
  t.lines = std::make_unique<line_index>(t.contents);
}

const position_texts::text* position_texts::get(const std::string& file) {
  auto [it, added] = texts_.try_emplace(file);
  text& t = it->second;
  if (added) {
    if (auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false)) {
      t.contents = (*buffer)->getBuffer().str();
      t.lines = std::make_unique<line_index>(t.contents);  // in place: `contents` does not move again
    }
  }
  return t.lines ? &t : nullptr;
}

std::string position_texts::uri(const std::string& file) const {
  return file == document_name_ ? document_uri_ : uri_from_file(file);
}

nlohmann::json make_diagnostic(const finding& f, position_texts& texts, const client_features& client) {
  nlohmann::json d;
  if (const position_texts::text* t = texts.get(f.loc.file))
    d["range"] = make_range(*t->lines, f.loc.offset, token_end(t->contents, f.loc.offset), client.encoding);
  else
    d["range"] = {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", 0}, {"character", 0}}}};
  d["severity"] = lsp_severity(f.sev);
  d["code"] = f.check;
  d["codeDescription"] = {{"href", check_doc_uri(f.check)}};
  d["source"] = "gocxx";
  std::string message = f.message;
  nlohmann::json related = nlohmann::json::array();
  for (const finding_note& n : f.notes) {
    const position_texts::text* t = n.loc.file.empty() ? nullptr : texts.get(n.loc.file);
    if (client.related_information && t) {
      related.push_back({{"location",
                          {{"uri", texts.uri(n.loc.file)},
                           {"range", make_range(*t->lines, n.loc.offset, n.loc.offset, client.encoding)}}},
                         {"message", n.message}});
    } else {
      message += "\n\nnote: " + n.message;
    }
  }
  d["message"] = message;
  if (!related.empty()) d["relatedInformation"] = related;
  return d;
}

nlohmann::json make_code_action(const finding& f, const nlohmann::json& diagnostic, position_texts& texts,
                                const client_features& client) {
  nlohmann::json changes = nlohmann::json::object();
  for (const text_edit& e : f.fixes) {
    const position_texts::text* t = texts.get(e.file);
    if (!t) return nullptr;  // a fix to a file that cannot be read is not offered in part
    changes[texts.uri(e.file)].push_back(
        {{"range", make_range(*t->lines, e.offset, e.offset + e.length, client.encoding)}, {"newText", e.replacement}});
  }
  std::string title = f.message;
  if (title.size() > 100) title = title.substr(0, 97) + "...";
  return {{"title", "Fix: " + title},
          {"kind", "quickfix"},
          {"diagnostics", nlohmann::json::array({diagnostic})},
          {"isPreferred", true},
          {"edit", {{"changes", changes}}}};
}

bool is_range(const nlohmann::json& r) {
  return r.is_object() && r.contains("start") && r.contains("end") && parse_position(r["start"]) &&
         parse_position(r["end"]);
}

bool ranges_meet(const nlohmann::json& a, const nlohmann::json& b) {
  if (!a.is_object() || !b.is_object() || !a.contains("start") || !a.contains("end") || !b.contains("start") ||
      !b.contains("end"))
    return false;
  auto a_start = parse_position(a["start"]);
  auto a_end = parse_position(a["end"]);
  auto b_start = parse_position(b["start"]);
  auto b_end = parse_position(b["end"]);
  if (!a_start || !a_end || !b_start || !b_end) return false;
  return !(*a_end < *b_start || *b_end < *a_start);
}

}  // namespace gocxx::lsp
