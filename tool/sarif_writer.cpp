// SARIF 2.1.0 as GitHub code scanning accepts it (Microsoft's validator,
// `--rule-kind "Gh;Sarif"`, finds nothing to say): ruleId = check id, a rule
// per known check with its docs page as help (text and Markdown) and
// helpUri, partialFingerprints that do not depend on the line (check, file
// and message, like --baseline), the notes both as related locations and as
// a code flow (the -m=2 path of an escape, the steps of a concurrency
// finding), fixes as artifactChanges, runAutomationDetails naming the
// category so that several uploads per commit stay apart, and the
// translation units that could not be analysed as tool execution
// notifications.
//
// Units: SARIF counts columns in UTF-16 code units (columnKind's default,
// what GitHub assumes) and gocxx's locations count bytes, so a column is
// recomputed from its source line; fix-its are byte ranges, so their
// regions use byteOffset/byteLength (charOffset counts characters).
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/Path.h>

#include <map>
#include <nlohmann/json.hpp>

#include "check_docs.hpp"
#include "writers.hpp"

namespace gocxx {

namespace {

using ojson = nlohmann::ordered_json;

const char* sarif_level(severity s) {
  switch (s) {
    case severity::error: return "error";
    case severity::warning: return "warning";
    case severity::note:
    case severity::remark: return "note";
  }
  return "warning";
}

// A relative path (below the current directory: the checkout GitHub scans)
// stays relative against %SRCROOT%; an absolute one becomes a file:// URI.
// Percent-encoded byte by byte (path_uri), so a name that is not UTF-8
// survives.
ojson artifact(const std::string& file) {
  std::string shown = display_path(file);
  std::string uri = path_uri(shown);
  if (llvm::sys::path::is_absolute(shown)) return ojson{{"uri", uri}};
  return ojson{{"uri", uri}, {"uriBaseId", "%SRCROOT%"}};
}

// The 1-based UTF-16 column of byte column `column` in `line`. Bytes past
// the end of the line (or an unreadable file) count one each; a malformed
// UTF-8 byte counts as one code unit, as a decoder's U+FFFD would.
unsigned utf16_column(llvm::StringRef line, unsigned column) {
  unsigned units = 0;
  size_t end = column > 0 ? column - 1 : 0;
  size_t i = 0;
  while (i < end) {
    if (i >= line.size()) {
      units += static_cast<unsigned>(end - i);
      break;
    }
    unsigned char c = static_cast<unsigned char>(line[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 1;
    if (i + len > line.size()) len = 1;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(line[i + k]) & 0xc0) != 0x80) len = 1;
    units += len == 4 ? 2 : 1;  // outside the BMP: a surrogate pair
    i += len;
  }
  return units + 1;
}

ojson physical(const location& loc, source_cache& sources) {
  unsigned column = utf16_column(sources.line(loc.file, loc.line), loc.column);
  ojson region{{"startLine", loc.line}, {"startColumn", column}};
  return ojson{{"physicalLocation", ojson{{"artifactLocation", artifact(loc.file)}, {"region", region}}}};
}

// A rule's display name, distinct from its id as SARIF asks:
// gocxx-escape-heap-to-stack -> EscapeHeapToStack.
std::string rule_name(llvm::StringRef id) {
  id.consume_front("gocxx-");
  std::string name;
  bool upper = true;
  for (char c : id) {
    if (!llvm::isAlnum(c)) {
      upper = true;
      continue;
    }
    name += upper ? llvm::toUpper(c) : c;
    upper = false;
  }
  return name.empty() ? "Unnamed" : name;
}

ojson rule_json(const std::string& id, const std::string& summary) {
  ojson r{{"id", id},
          {"name", rule_name(id)},
          {"shortDescription", ojson{{"text", summary}}},
          {"fullDescription", ojson{{"text", summary}}}};
  llvm::StringRef page = check_doc_markdown(id);
  std::string help = page.empty() ? summary : page.str();
  r["help"] = ojson{{"text", help}, {"markdown", help}};
  if (!page.empty()) r["helpUri"] = check_doc_uri(id);
  r["properties"] = ojson{{"tags", ojson::array({"gocxx"})}};
  return r;
}

// The notes in order, as one thread's steps.
ojson code_flow(const finding& f, source_cache& sources) {
  ojson steps = ojson::array();
  for (const finding_note& n : f.notes) {
    ojson l = physical(n.loc, sources);
    l["message"] = ojson{{"text", n.message}};
    steps.push_back(ojson{{"location", std::move(l)}});
  }
  return ojson::array({ojson{{"threadFlows", ojson::array({ojson{{"locations", std::move(steps)}}})}}});
}

}  // namespace

void write_sarif(llvm::raw_ostream& os, const std::vector<finding>& findings, const std::vector<tu_error>& errors,
                 const std::vector<rule>& known_rules, const std::string& tool_version, const std::string& category,
                 source_cache& sources) {
  // Rules: every known check, plus any check id a finding carries that is
  // not registered (none, normally), sorted by id.
  std::map<std::string, std::string> rules;
  for (const rule& r : known_rules) rules[r.id] = r.summary;
  for (const finding& f : findings) rules.emplace(f.check, f.check);
  std::map<std::string, size_t> index;
  ojson rules_json = ojson::array();
  for (const auto& [id, summary] : rules) {
    index[id] = rules_json.size();
    rules_json.push_back(rule_json(id, summary));
  }

  ojson results = ojson::array();
  std::vector<std::string> fingerprints = finding_fingerprints(findings);
  for (size_t fi = 0; fi < findings.size(); ++fi) {
    const finding& f = findings[fi];
    ojson r;
    r["ruleId"] = f.check;
    r["ruleIndex"] = index[f.check];
    r["level"] = sarif_level(f.sev);
    r["message"] = ojson{{"text", f.message}};
    r["locations"] = ojson::array({physical(f.loc, sources)});
    if (!f.notes.empty()) {
      ojson related = ojson::array();
      int id = 1;
      for (const finding_note& n : f.notes) {
        ojson l = physical(n.loc, sources);
        l["id"] = id++;
        l["message"] = ojson{{"text", n.message}};
        related.push_back(std::move(l));
      }
      r["relatedLocations"] = std::move(related);
      r["codeFlows"] = code_flow(f, sources);
    }
    r["partialFingerprints"] = ojson{{"gocxxFingerprint/v1", fingerprints[fi]}};
    if (!f.fixes.empty()) {
      // One fix; its edits grouped by file, in order.
      std::map<std::string, ojson> by_file;
      for (const text_edit& e : f.fixes) {
        ojson& change = by_file[e.file];
        if (change.is_null()) change = ojson{{"artifactLocation", artifact(e.file)}, {"replacements", ojson::array()}};
        change["replacements"].push_back(
            ojson{{"deletedRegion", ojson{{"byteOffset", e.offset}, {"byteLength", e.length}}},
                  {"insertedContent", ojson{{"text", e.replacement}}}});
      }
      ojson changes = ojson::array();
      for (auto& [file, change] : by_file) changes.push_back(std::move(change));
      r["fixes"] = ojson::array({ojson{{"description", ojson{{"text", f.message}}}, {"artifactChanges", changes}}});
    }
    if (f.data) r["properties"] = ojson{{"data", ojson::parse(f.data->dump())}};
    results.push_back(std::move(r));
  }

  ojson notifications = ojson::array();
  for (const tu_error& e : errors)
    notifications.push_back(ojson{
        {"level", "error"},
        {"message", ojson{{"text", e.message}}},
        {"locations", ojson::array({ojson{{"physicalLocation", ojson{{"artifactLocation", artifact(e.file)}}}}})}});

  ojson run;
  run["tool"] = ojson{{"driver", ojson{{"name", "gocxx"},
                                       {"version", tool_version},
                                       {"semanticVersion", tool_version},
                                       {"informationUri", tool_doc_uri()},
                                       {"rules", std::move(rules_json)}}}};
  // GitHub keeps one set of results per category: `category/` as the id.
  run["automationDetails"] = ojson{{"id", category + "/"}};
  run["invocations"] = ojson::array(
      {ojson{{"executionSuccessful", errors.empty()}, {"toolExecutionNotifications", std::move(notifications)}}});
  run["results"] = std::move(results);

  ojson doc;
  doc["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  doc["version"] = "2.1.0";
  doc["runs"] = ojson::array({std::move(run)});
  os << doc.dump(2, ' ', false, ojson::error_handler_t::replace) << "\n";
}

}  // namespace gocxx
