// gocxx's findings as LSP sees them: a Diagnostic per finding (the check id
// as `code`, its docs page as `codeDescription`, notes as
// `relatedInformation`) and a quick-fix CodeAction per finding with a fix.
#pragma once
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "finding.hpp"
#include "positions.hpp"

namespace gocxx::lsp {

// What the client can show (its initialize capabilities).
struct client_features {
  position_encoding encoding = position_encoding::utf16;
  bool related_information = false;  // else notes are appended to the message
};

// The texts positions are counted in: the document's as the editor holds
// it, other files (a note or a fix in a header) as they are on disk.
class position_texts {
 public:
  position_texts(std::string document_name, std::string document_uri, std::string document_text);
  struct text {
    std::string contents;
    std::unique_ptr<line_index> lines;  // over `contents`
  };
  // Null when the file cannot be read.
  const text* get(const std::string& file);
  std::string uri(const std::string& file) const;

 private:
  std::string document_name_;
  std::string document_uri_;
  std::map<std::string, text> texts_;
};

nlohmann::json make_diagnostic(const finding& f, position_texts& texts, const client_features& client);

// The quick fix of `f` (which has fixes), for `diagnostic` (make_diagnostic's).
nlohmann::json make_code_action(const finding& f, const nlohmann::json& diagnostic, position_texts& texts,
                                const client_features& client);

// Whether `r` is an LSP range: {start, end}, each {line, character} of
// non-negative integers.
bool is_range(const nlohmann::json& r);

// Whether LSP ranges `a` and `b` overlap or touch (a code action request's
// range is often empty: the cursor).
bool ranges_meet(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace gocxx::lsp
