#include <nlohmann/json.hpp>

#include "writers.hpp"

namespace gocxx {

void write_json(llvm::raw_ostream& os, const std::vector<finding>& findings, const std::vector<tu_error>& errors) {
  using ojson = nlohmann::ordered_json;
  ojson diagnostics = ojson::array();
  for (const finding& f : findings) {
    ojson d;
    d["check"] = f.check;
    d["severity"] = severity_name(f.sev);
    d["file"] = display_path(f.loc.file);
    d["line"] = f.loc.line;
    d["column"] = f.loc.column;
    d["message"] = f.message;
    ojson notes = ojson::array();
    for (const finding_note& n : f.notes)
      notes.push_back(ojson{{"file", display_path(n.loc.file)},
                            {"line", n.loc.line},
                            {"column", n.loc.column},
                            {"message", n.message}});
    d["notes"] = std::move(notes);
    ojson fixes = ojson::array();
    for (const text_edit& e : f.fixes)
      fixes.push_back(ojson{{"file", display_path(e.file)},
                            {"offset", e.offset},
                            {"length", e.length},
                            {"replacement", e.replacement}});
    d["fixes"] = std::move(fixes);
    if (f.data) d["data"] = ojson::parse(f.data->dump());
    diagnostics.push_back(std::move(d));
  }
  ojson errs = ojson::array();
  for (const tu_error& e : errors) errs.push_back(ojson{{"file", e.file}, {"message", e.message}});
  ojson doc;
  doc["version"] = 1;
  doc["diagnostics"] = std::move(diagnostics);
  doc["errors"] = std::move(errs);
  os << doc.dump(2, ' ', /*ensure_ascii=*/false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
}

}  // namespace gocxx
