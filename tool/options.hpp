// The command line of gocxx (docs/analyzer.md): a subcommand, options, files.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "companion_libraries.hpp"
#include "finding.hpp"

namespace gocxx {

enum class subcommand { check, escape, layout, fix, lsp };
enum class output_format { text, go, json, sarif, codeclimate };

struct options {
  subcommand command = subcommand::check;
  std::optional<std::string> build_dir;                // -p
  std::vector<std::string> files;                      // FILES
  unsigned jobs = 0;                                   // -j; 0: every core
  unsigned unit_timeout = 300;                         // --unit-timeout, seconds; 0: none
  std::string checks;                                  // --checks, clang-tidy globs
  std::optional<output_format> format;                 // --format; default per subcommand
  std::string sarif_category;                          // --sarif-category; default gocxx/<subcommand>
  std::optional<severity> fail_on;                     // --fail-on; else .gocxx.yaml, else warning
  std::optional<std::string> header_filter;            // --header-filter
  bool system_headers = false;                         // --system-headers
  std::optional<std::string> baseline;                 // --baseline
  std::optional<std::string> export_fixes;             // --export-fixes
  std::optional<std::string> summaries;                // --summaries DIR
  std::optional<std::pair<unsigned, unsigned>> shard;  // --shard I/N
  bool stats = false;                                  // --stats
  bool apply = false;                                  // fix --apply
  std::optional<unsigned> escape_level;                // escape -m[=N]
  bool list_checks = false;                            // --list-checks
  std::optional<companion> print_library;              // --print-tidy-module, --print-plugin
  bool dump_config = false;                            // --dump-config [FILE]
  // lsp
  std::optional<std::string> clangd;     // --clangd PATH
  std::vector<std::string> clangd_args;  // --clangd-arg ARG, each
  std::optional<unsigned> debounce_ms;   // --debounce MS
  bool help = false;
  bool version = false;

  // The format in effect: --format, else `go` for escape, else `text`.
  output_format effective_format() const;
};

const char* subcommand_name(subcommand c);

// Parses argv; false with a one-line message in `error` on a usage error.
bool parse_options(int argc, const char* const* argv, options& out, std::string& error);

extern const char* const usage_text;

}  // namespace gocxx
