// gocxx's command-line driver (docs/analyzer.md), shared by the gocxx
// binary (main.cpp) and the driver tests' binary, which adds a check of its
// own (test/driver_check/).
//
//   options  -> compilation database -> translation units
//            -> runner (parallel, per-unit .gocxx.yaml)
//            -> sort + dedup -> suppression, baseline -> writer
//            -> fixes (export / apply) -> exit status
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "baseline.hpp"
#include "check.hpp"
#include "check_filter.hpp"
#include "compilation_database.hpp"
#include "config.hpp"
#include "driver.hpp"
#include "effective_config.hpp"
#include "companion_libraries.hpp"
#include "families.hpp"
#include "fixes.hpp"
#include "isolation.hpp"
#include "lsp/server.hpp"
#include "options.hpp"
#include "report.hpp"
#include "cross_unit.hpp"
#include "runner.hpp"
#include "source_cache.hpp"
#include "suppression.hpp"
#include "writers.hpp"

#ifndef GOCXX_VERSION
#define GOCXX_VERSION "0.1.0"
#endif

namespace gocxx {

namespace {

// Every message is one line: control characters in it (a newline in a file
// name) are escaped.
std::string one_line(llvm::StringRef text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if ((u < 0x20 && c != '\t') || u == 0x7f) {
      char escaped[8];
      snprintf(escaped, sizeof escaped, "\\x%02x", u);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out;
}

void print_error(const std::string& message) { llvm::errs() << "gocxx: error: " << one_line(message) << "\n"; }
void print_warning(const std::string& message) { llvm::errs() << "gocxx: warning: " << one_line(message) << "\n"; }

int usage_error(const std::string& message) {
  print_error(message);
  return 2;
}

// Standard output that could not be written (a full disk) is an error, exit
// status 2, instead of LLVM's fatal error when the stream is destroyed.
int check_output(int status) {
  llvm::raw_fd_ostream& os = llvm::outs();
  os.flush();
  if (!os.has_error()) return status;
  std::error_code ec = os.error();
  os.clear_error();
  print_error("cannot write stdout: " + ec.message());
  return 2;
}

// The checks a subcommand runs before .gocxx.yaml and --checks: `check` and
// `fix` every check but the reports, `layout` and `escape` their family.
std::string default_checks(subcommand c) {
  switch (c) {
    case subcommand::layout: return "-*,gocxx-layout-*";
    case subcommand::escape: return "-*,gocxx-escape-*";
    default: return "*,-*-report";
  }
}

void write_output(const options& opts, const std::vector<finding>& findings, const std::vector<tu_error>& errors,
                  source_cache& sources) {
  llvm::raw_ostream& os = llvm::outs();
  switch (opts.effective_format()) {
    case output_format::text: write_text(os, findings, sources); break;
    case output_format::go: write_go(os, findings); break;
    case output_format::json: write_json(os, findings, errors); break;
    case output_format::sarif: {
      std::vector<rule> rules;
      for (const auto& e : check_registry::instance().entries()) rules.push_back(rule{e.id, e.summary});
      std::string category =
          opts.sarif_category.empty() ? std::string("gocxx/") + subcommand_name(opts.command) : opts.sarif_category;
      write_sarif(os, findings, errors, rules, GOCXX_VERSION, category, sources);
      break;
    }
    case output_format::codeclimate: write_codeclimate(os, findings); break;
  }
  os.flush();
}

// What the command line says about the configuration (the selection,
// FailOn, the header filter): shared by --dump-config and the run.
run_settings configuration_settings(const options& opts) {
  run_settings settings;
  settings.default_checks = default_checks(opts.command);
  settings.cli_checks = opts.checks;
  settings.cli_fail_on = opts.fail_on;
  settings.cli_header_filter = opts.header_filter;
  settings.cli_system_headers = opts.system_headers;
  return settings;
}

// gocxx --dump-config [FILE]: the configuration in effect for FILE (default:
// a file in the current directory).
int dump_config(const options& opts) {
  llvm::SmallString<256> file(opts.files.empty() ? "gocxx-dump-config.cpp" : opts.files.front());
  if (llvm::sys::fs::make_absolute(file))
    return usage_error("--dump-config: cannot make '" + std::string(file) + "' absolute");
  llvm::sys::path::remove_dots(file, /*remove_dot_dot=*/true);
  config_finder configs;
  std::string error;
  std::shared_ptr<const config> cfg = configs.for_file(std::string(file), error);
  if (!cfg) return usage_error(error);
  run_settings settings = configuration_settings(opts);
  std::vector<std::string> warnings;
  llvm::outs() << dump_effective_config(settings, *cfg, warnings);
  for (const std::string& w : warnings) print_warning(w);
  return 0;
}

// gocxx lsp: serves an editor until it says `exit` (it does not return).
int serve_lsp(const options& opts) {
  lsp::server_options so;
  so.service.settings = configuration_settings(opts);
  if (opts.build_dir) {
    llvm::SmallString<256> dir(*opts.build_dir);
    if (llvm::sys::fs::make_absolute(dir) || !llvm::sys::fs::is_directory(dir))
      return usage_error("--compile-commands-dir " + *opts.build_dir + ": no such directory");
    so.service.compile_commands_dir = std::string(dir);
  }
  if (opts.debounce_ms) so.service.debounce = std::chrono::milliseconds(*opts.debounce_ms);
  so.clangd = opts.clangd;
  so.clangd_args = opts.clangd_args;
  return lsp::run_language_server(so);
}

// Shard i of n (1-based): every n-th unit of the database in its sorted
// order, so that the shards are disjoint, cover it, and do not depend on the
// order the database lists its entries in.
std::vector<std::string> shard_of(std::vector<std::string> units, unsigned i, unsigned n) {
  std::sort(units.begin(), units.end());
  std::vector<std::string> mine;
  for (size_t k = 0; k < units.size(); ++k)
    if (k % n == i - 1) mine.push_back(units[k]);
  return mine;
}

void print_stats(const cross_unit_stats& s) {
  llvm::errs() << "gocxx: cross-unit summaries: " << s.passes << (s.passes == 1 ? " pass, " : " passes, ") << s.analyses
               << (s.analyses == 1 ? " unit analysis for " : " unit analyses for ") << s.units
               << (s.units == 1 ? " unit" : " units");
  if (s.seeded || !s.dropped.empty())
    llvm::errs() << "; --summaries: " << s.seeded << " unit" << (s.seeded == 1 ? "" : "s") << " still valid, "
                 << s.dropped.size() << " out of date";
  if (!s.converged) llvm::errs() << "; stopped before a fixed point (sound, less precise)";
  llvm::errs() << "\n";
  for (const std::string& d : s.dropped) llvm::errs() << "gocxx:   out of date: " << d << "\n";
}

// The driver; `abandoned` is set when units were abandoned at their deadline
// (their threads still run: run_driver must not return).
int drive(int argc, const char* const* argv, void (*register_extra_checks)(check_registry&), bool& abandoned) {
  options opts;
  std::string error;
  if (!parse_options(argc, argv, opts, error)) return usage_error(error);
  if (opts.help) {
    llvm::outs() << usage_text;
    return 0;
  }
  if (opts.version) {
    llvm::outs() << "gocxx " << GOCXX_VERSION << " (LLVM " << LLVM_VERSION_STRING << ")\n";
    return 0;
  }
  if (opts.print_library) {
    std::string path = companion_library(*opts.print_library);
    if (path.empty()) {
      print_error(companion_name(*opts.print_library) +
                  " was not built with this gocxx (looked in its build tree, and in ../lib/gocxx)");
      return 2;
    }
    llvm::outs() << path << "\n";
    return check_output(0);
  }

  // Every relative path is resolved against it; LLVM and clang fail in odd
  // ways without one (ClangTool reports "out of memory").
  llvm::SmallString<256> cwd;
  if (std::error_code ec = llvm::sys::fs::current_path(cwd))
    return usage_error("cannot get the current directory (deleted?): " + ec.message());

  check_registry& registry = check_registry::instance();
  register_all_checks(registry);
  if (register_extra_checks) register_extra_checks(registry);
  std::vector<std::string> ids;
  for (const auto& e : registry.entries()) ids.push_back(e.id);

  std::vector<std::string> bad = check_filter::unmatched(opts.checks, ids);
  if (!bad.empty()) return usage_error("--checks: '" + bad.front() + "' matches no check (see gocxx --list-checks)");

  if (opts.dump_config) return dump_config(opts);

  if (opts.command == subcommand::lsp) return serve_lsp(opts);

  if (opts.list_checks) {
    check_filter filter;
    filter.add(default_checks(opts.command));
    filter.add(opts.checks);
    std::vector<const check_registry::entry*> shown;
    for (const auto& e : registry.entries())
      if (filter.enabled(e.id)) shown.push_back(&e);
    std::sort(shown.begin(), shown.end(), [](auto* a, auto* b) { return a->id < b->id; });
    for (const auto* e : shown) llvm::outs() << e->id << "  " << e->summary << "\n";
    return 0;
  }

  // --checks comes last: when it disables every check, no .gocxx.yaml can
  // enable one.
  check_filter after_cli;
  after_cli.add("*");
  after_cli.add(opts.checks);
  if (std::none_of(ids.begin(), ids.end(), [&](const std::string& id) { return after_cli.enabled(id); }))
    return usage_error("no check is enabled: --checks '" + opts.checks + "' disables every check");

  baseline known;
  if (opts.baseline && !known.load(*opts.baseline, error)) return usage_error(error);

  auto cdb = std::make_shared<compilation_database>();
  if (!load_compilation_database(opts.build_dir, opts.files, *cdb, error)) return usage_error(error);

  std::vector<tu_error> errors;
  std::vector<std::string> units = select_translation_units(*cdb, opts.files, errors);

  run_settings settings = configuration_settings(opts);
  settings.project_root = project_root(*cdb);
  settings.jobs = opts.jobs;
  settings.unit_timeout = opts.unit_timeout;
  if (opts.command == subcommand::escape)
    settings.extra_options["gocxx-escape-report.Level"] = std::to_string(opts.escape_level.value_or(1));
  if (opts.shard) units = shard_of(units, opts.shard->first, opts.shard->second);
  cross_unit_settings cross;
  cross.whole_database = opts.files.empty() && !opts.shard && opts.command != subcommand::layout;
  cross.dir = opts.summaries;
  cross.report_conflicts = opts.command == subcommand::escape && opts.escape_level.value_or(1) >= 2;
  if (cross.dir) {
    llvm::SmallString<256> dir(*cross.dir);
    if (std::error_code ec = llvm::sys::fs::make_absolute(dir))
      return usage_error("--summaries: cannot make '" + *cross.dir + "' absolute: " + ec.message());
    cross.dir = std::string(dir);
  }
  cross_unit_stats stats;
  run_result result = run_cross_unit(cdb, units, settings, std::make_shared<config_finder>(), cross, stats);
  if (opts.stats) print_stats(stats);
  abandoned = result.abandoned > 0;
  for (tu_error& e : result.errors) errors.push_back(std::move(e));
  sort_and_unique(errors);
  sort_and_unique(result.findings);

  source_cache sources;
  suppressions ignores(sources);
  std::vector<finding> shown;
  bool failing = false;
  for (reported_finding& r : result.findings) {
    if (ignores.suppressed(r.f) || known.contains(r.f)) continue;
    if (opts.command == subcommand::fix && r.f.fixes.empty()) continue;
    failing = failing || r.f.sev >= r.fail_on;
    shown.push_back(std::move(r.f));
  }

  for (const std::string& w : result.warnings) print_warning(w);
  write_output(opts, shown, errors, sources);
  for (const tu_error& e : errors) print_error(e.file + ": " + e.message);

  int status = check_output(!errors.empty() ? 2 : failing ? 1 : 0);
  if (opts.export_fixes && !export_fixes(*opts.export_fixes, shown, error)) return usage_error(error);
  if (opts.apply) {
    apply_result applied = apply_fixes(shown);
    for (const std::string& c : applied.conflicts) print_warning(c);
    for (const std::string& e : applied.errors) print_error(e);
    for (const std::string& w : applied.warnings) print_warning(w);
    llvm::errs() << "gocxx: applied the fixes of " << applied.applied << " finding" << (applied.applied == 1 ? "" : "s")
                 << " to " << applied.files << " file" << (applied.files == 1 ? "" : "s") << "\n";
    status = (!errors.empty() || !applied.errors.empty() || status == 2) ? 2 : !applied.conflicts.empty() ? 1 : 0;
  }
  return status;
}

}  // namespace

int run_driver(int argc, const char* const* argv, void (*register_extra_checks)(check_registry&)) {
  install_crash_handlers();
  bool abandoned = false;
  int status = check_output(drive(argc, argv, register_extra_checks, abandoned));
  // A stderr that cannot be written cannot be told about; LLVM would make
  // it a fatal error when the stream is destroyed.
  llvm::errs().clear_error();
  // Units abandoned at their deadline are still running, reading the
  // configuration, the checks' registry and clang's globals: end the
  // process without destroying them.
  if (abandoned) std::_Exit(status);
  return status;
}

}  // namespace gocxx
