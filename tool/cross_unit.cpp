#include "cross_unit.hpp"

#include <llvm/ADT/SmallString.h>
#include <llvm/Demangle/Demangle.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <set>

namespace gocxx {

namespace {

// "file:line:col" back into a location (the file may hold colons).
location parse_where(const std::string& where) {
  location loc;
  llvm::StringRef rest(where);
  auto [head, col] = rest.rsplit(':');
  auto [file, line] = head.rsplit(':');
  loc.file = file.str();
  line.getAsInteger(10, loc.line);
  col.getAsInteger(10, loc.column);
  return loc;
}

// A remark at each function whose units' summaries disagree (-m=2), by the
// run that analysed the first of its units (so that shards report each
// once). `main` is left out: every program of a database has one.
void report_conflicts(const std::vector<summary_conflict>& conflicts, const std::set<std::string>& analysed,
                      run_result& out) {
  for (const summary_conflict& c : conflicts) {
    if (c.where.empty() || c.identity == "main" || !analysed.count(c.first_unit)) continue;
    finding f;
    f.check = "gocxx-escape-report";
    f.sev = severity::remark;
    f.loc = parse_where(c.where.front());
    std::string name = llvm::demangle(c.identity);
    f.message = "the units that define '" + name +
                "' summarise it differently (separate programs, or a one-definition-rule violation): the more "
                "escaping summary is used";
    for (size_t i = 1; i < c.where.size(); ++i)
      f.notes.push_back(finding_note{parse_where(c.where[i]), "defined here too"});
    out.findings.push_back(reported_finding{std::move(f), severity::error});
  }
}

// A unit's source as its summaries name it (collect_unit_summaries).
std::string absolute_source(const std::string& file) {
  llvm::SmallString<256> path(file);
  if (llvm::sys::fs::make_absolute(path)) return file;  // no current directory: as the runner names it
  llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
  return std::string(path);
}

// The command_hash of each command the database has for `source` now;
// nullopt when it has none.
std::optional<std::set<std::string>> database_commands(const compilation_database& cdb, const std::string& source) {
  std::vector<clang::tooling::CompileCommand> commands = cdb.db->getCompileCommands(source);
  if (commands.empty()) return std::nullopt;
  std::set<std::string> hashes;
  for (const clang::tooling::CompileCommand& c : commands) hashes.insert(command_hash(c.Directory, c.CommandLine));
  return hashes;
}

}  // namespace

run_result run_cross_unit(std::shared_ptr<const compilation_database> cdb, const std::vector<std::string>& units,
                          const run_settings& settings, std::shared_ptr<config_finder> configs,
                          const cross_unit_settings& cross, cross_unit_stats& stats) {
  stats.units = units.size();
  if (!cross.whole_database && !cross.dir) {
    stats.passes = 1;
    stats.analyses = units.size();
    return run_checks(std::move(cdb), units, settings, std::move(configs));
  }

  // The summaries of the units this run does not analyse (DIR's that still
  // hold), merged once; and each analysed unit's, by its source file: DIR's
  // at first, then its latest analysis's.
  std::set<std::string> analysed_sources;
  for (const std::string& unit : units) analysed_sources.insert(absolute_source(unit));
  summary_merger others;
  std::map<std::string, unit_summaries> records;
  std::vector<std::string> problems;
  if (cross.dir) {
    // A unit whose compile command changed since DIR was written (a -D, an
    // -I) is out of date as one whose files changed is.
    std::vector<unit_summaries> valid = read_valid_units(
        *cross.dir, problems, stats.dropped, [&](const std::string& unit) { return database_commands(*cdb, unit); });
    stats.seeded = valid.size();
    for (unit_summaries& u : valid) {
      if (analysed_sources.count(u.unit)) {
        records[u.unit] = std::move(u);
      } else {
        others.add(u);
      }
    }
  }
  auto merged_now = [&] {
    summary_merger all = others;
    for (const auto& [unit, u] : records) all.add(u);
    return all.result();
  };

  run_result out;
  std::map<std::string, run_result::unit_outcome> outcomes;
  std::vector<std::string> pending = units;
  std::map<std::string, std::string> record_of;  // the database's name of a unit -> its record's
  merged_summaries merged = merged_now();
  for (;;) {
    summary_settings with;
    with.imported = std::make_shared<const escape::summary_index>(merged.index);
    with.record = true;
    run_result pass = run_checks(cdb, pending, settings, configs, with);
    ++stats.passes;
    stats.analyses += pending.size();
    out.abandoned += pass.abandoned;
    out.warnings.insert(pass.warnings.begin(), pass.warnings.end());
    for (auto& [unit, o] : pass.by_unit) outcomes[unit] = std::move(o);
    for (auto& [unit, u] : pass.summaries) {
      record_of[unit] = u.unit;
      u.commands = database_commands(*cdb, unit).value_or(std::set<std::string>{});
      records[u.unit] = std::move(u);
    }
    merged = merged_now();
    if (!cross.whole_database) break;
    std::vector<std::string> again;
    for (const std::string& unit : units) {
      auto name = record_of.find(unit);
      if (name == record_of.end()) continue;  // not analysed whole: nothing to redo
      if (needs_reanalysis(records[name->second], merged.index)) again.push_back(unit);
    }
    if (again.empty()) break;
    if (stats.passes >= cross.max_passes) {
      stats.converged = false;
      break;
    }
    pending = std::move(again);
  }

  for (auto& [unit, o] : outcomes) {
    for (reported_finding& f : o.findings) out.findings.push_back(std::move(f));
    for (tu_error& e : o.errors) out.errors.push_back(std::move(e));
  }
  for (const std::string& p : problems) out.warnings.insert("--summaries: " + p);
  if (cross.report_conflicts) {
    std::set<std::string> analysed;
    for (const auto& [unit, name] : record_of) analysed.insert(name);
    report_conflicts(merged.conflicts, analysed, out);
  }
  if (cross.dir) {
    for (const auto& [unit, name] : record_of) {
      std::string error;
      if (!write_unit_summaries(*cross.dir, records[name], error))
        out.errors.push_back(tu_error{display_path(unit), "--summaries: " + error});
    }
  }
  return out;
}

}  // namespace gocxx
