// The output formats (--format), one file each: text_writer.cpp,
// go_writer.cpp, json_writer.cpp, sarif_writer.cpp. Findings come sorted;
// file names are absolute and shown with display_path().
#pragma once
#include <string>
#include <vector>

#include <llvm/Support/raw_ostream.h>

#include "finding.hpp"
#include "report.hpp"
#include "source_cache.hpp"

namespace gocxx {

// A check as SARIF's tool.driver.rules lists it.
struct rule {
  std::string id;
  std::string summary;
};

// Clang's diagnostic style: `file:line:col: warning: message [check-id]`,
// the source line, a caret, fix-it hints, then the notes.
void write_text(llvm::raw_ostream& os, const std::vector<finding>& findings, source_cache& sources);

// go build -gcflags=-m style: `file:line:col: message`, notes indented.
void write_go(llvm::raw_ostream& os, const std::vector<finding>& findings);

// docs/analyzer.md's schema, version 1.
void write_json(llvm::raw_ostream& os, const std::vector<finding>& findings, const std::vector<tu_error>& errors);

// SARIF 2.1.0, one run, rules = every known check. `category` names the
// run (runAutomationDetails: GitHub keeps one result set per category).
// `sources` gives the lines that columns are counted on (SARIF counts UTF-16
// code units).
void write_sarif(llvm::raw_ostream& os, const std::vector<finding>& findings, const std::vector<tu_error>& errors,
                 const std::vector<rule>& rules, const std::string& tool_version, const std::string& category,
                 source_cache& sources);

// GitLab's Code Quality report (the Code Climate issue format, a JSON
// array): description, check_name, fingerprint, severity, path and line.
void write_codeclimate(llvm::raw_ostream& os, const std::vector<finding>& findings);

}  // namespace gocxx
