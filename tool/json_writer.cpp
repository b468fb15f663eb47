#include <llvm/Support/JSON.h>

#include <nlohmann/json.hpp>

#include "writers.hpp"

namespace gocxx {

namespace {

using ojson = nlohmann::ordered_json;

// "file": the shown path. JSON text is UTF-8: a name that is not shows U+FFFD
// for its bad bytes there, and "file_uri" gives it exactly, each byte outside
// [A-Za-z0-9/._~-] as %XX (path_uri; --baseline reads it back).
void put_file(ojson& o, const std::string& shown) {
  o["file"] = shown;
  if (!llvm::json::isUTF8(shown)) o["file_uri"] = path_uri(shown);
}

}  // namespace

void write_json(llvm::raw_ostream& os, const std::vector<finding>& findings, const std::vector<tu_error>& errors) {
  ojson diagnostics = ojson::array();
  for (const finding& f : findings) {
    ojson d;
    d["check"] = f.check;
    d["severity"] = severity_name(f.sev);
    put_file(d, display_path(f.loc.file));
    d["line"] = f.loc.line;
    d["column"] = f.loc.column;
    d["message"] = f.message;
    ojson notes = ojson::array();
    for (const finding_note& n : f.notes) {
      ojson note;
      put_file(note, display_path(n.loc.file));
      note["line"] = n.loc.line;
      note["column"] = n.loc.column;
      note["message"] = n.message;
      notes.push_back(std::move(note));
    }
    d["notes"] = std::move(notes);
    ojson fixes = ojson::array();
    for (const text_edit& e : f.fixes) {
      ojson fix;
      put_file(fix, display_path(e.file));
      fix["offset"] = e.offset;
      fix["length"] = e.length;
      fix["replacement"] = e.replacement;
      fixes.push_back(std::move(fix));
    }
    d["fixes"] = std::move(fixes);
    if (f.data) d["data"] = ojson::parse(f.data->dump());
    diagnostics.push_back(std::move(d));
  }
  ojson errs = ojson::array();
  for (const tu_error& e : errors) {
    ojson err;
    put_file(err, e.file);
    err["message"] = e.message;
    errs.push_back(std::move(err));
  }
  ojson doc;
  doc["version"] = 1;
  doc["diagnostics"] = std::move(diagnostics);
  doc["errors"] = std::move(errs);
  os << doc.dump(2, ' ', /*ensure_ascii=*/false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
}

}  // namespace gocxx
