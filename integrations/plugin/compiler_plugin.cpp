// The compiler plugin: the gocxx checks while compiling,
//
//   clang++-19 -fplugin=$(gocxx --print-plugin) -c foo.cpp
//
// reports the findings of `gocxx check` on foo.cpp as compiler diagnostics
// (with notes and fix-its) and still produces the object: the analysis runs
// after the main action, on the AST the compile built. This is how a
// distributed build (distcc, icecream, Bazel remote execution, ccache)
// analyses where it compiles.
//
// Configuration as the driver's: the default selection of `gocxx check`,
// the unit's .gocxx.yaml, then -fplugin-arg-gocxx-checks=GLOBS; options
// from .gocxx.yaml; `// gocxx:ignore[...]` comments; the default header
// filter below the source's checkout (.git, .hg, .svn; else its
// directory). Findings are warnings (errors stay errors). Clang does not let
// -Werror or -Wno-... reach a plugin's diagnostics (they belong to no
// warning group), so -fplugin-arg-gocxx-werror makes them errors, and
// -fplugin-arg-gocxx-fail-on=SEVERITY says from which severity.
// -fplugin-arg-gocxx-summaries=DIR reads the cross-unit escape summaries of
// DIR and writes the unit's own there (summary_host.hpp, docs/scale.md);
// -fplugin-arg-gocxx-summaries-out=DIR only writes.
#include <clang/AST/ASTConsumer.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendPluginRegistry.h>
#include <llvm/Support/Path.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "check.hpp"
#include "collecting_sink.hpp"
#include "check_filter.hpp"
#include "compilation_database.hpp"
#include "config.hpp"
#include "effective_config.hpp"
#include "families.hpp"
#include "report.hpp"
#include "finding_diagnostics.hpp"
#include "source_cache.hpp"
#include "summary_host.hpp"
#include "unit_exports.hpp"
#include "suppression.hpp"

namespace gocxx::integrations {

namespace {

struct plugin_settings {
  std::string checks;               // -fplugin-arg-gocxx-checks=
  bool werror = false;              // -fplugin-arg-gocxx-werror
  std::optional<severity> fail_on;  // -fplugin-arg-gocxx-fail-on=
  std::string summaries;            // -fplugin-arg-gocxx-summaries=DIR (summary_host.hpp)
  bool summaries_read = true;       // false: -fplugin-arg-gocxx-summaries-out=DIR
};

class plugin_consumer final : public clang::ASTConsumer {
 public:
  plugin_consumer(clang::CompilerInstance& ci, plugin_settings settings) : ci_(ci), settings_(std::move(settings)) {}

  void HandleTranslationUnit(clang::ASTContext& ctx) override {
    clang::DiagnosticsEngine& diags = ci_.getDiagnostics();
    // A partial AST: the compiler's errors come first (a warning made an
    // error by -Werror leaves the AST whole).
    if (diags.hasUncompilableErrorOccurred()) return;
    const clang::SourceManager& sm = ctx.getSourceManager();
    clang::OptionalFileEntryRef main = sm.getFileEntryRefForID(sm.getMainFileID());
    if (!main) return;
    llvm::SmallString<256> source(main->getName());
    if (std::error_code ec = llvm::sys::fs::make_absolute(source)) {
      report_plain(diags, clang::DiagnosticsEngine::Error,
                   "gocxx: cannot make '" + std::string(source) + "' absolute: " + ec.message());
      return;
    }
    llvm::sys::path::remove_dots(source, /*remove_dot_dot=*/true);

    config_finder configs;
    std::string error;
    std::shared_ptr<const config> cfg = configs.for_file(std::string(source), error);
    if (!cfg) {
      report_plain(diags, clang::DiagnosticsEngine::Error, "gocxx: " + error);
      return;
    }
    run_settings run;
    run.default_checks = "*,-*-report";  // gocxx check's
    run.cli_checks = settings_.checks;
    // As gocxx check's: the checkout the source is in (or its directory),
    // or the .gocxx.yaml's directory when that is higher.
    run.project_root = checkout_root_or(std::string(llvm::sys::path::parent_path(source)));
    if (!cfg->path.empty()) {
      std::string cfg_dir(llvm::sys::path::parent_path(cfg->path));
      if (llvm::StringRef(run.project_root).starts_with(cfg_dir)) run.project_root = cfg_dir;
    }
    unit_configuration unit = configure_unit(run, *cfg);
    for (const std::string& w : unit.warnings) report_plain(diags, clang::DiagnosticsEngine::Warning, "gocxx: " + w);

    collecting_sink sink;
    header_filter filter(unit.header_regex, run.project_root, unit.system_headers);
    check_context context(unit.options, unit.origin, &sink, &filter);
    std::optional<unit_summary_host> summaries;
    if (!settings_.summaries.empty()) {
      summaries.emplace(settings_.summaries, settings_.summaries_read);
      summaries->prepare(context);
      for (const std::string& p : summaries->problems())
        report_plain(diags, clang::DiagnosticsEngine::Warning, "gocxx: -fplugin-arg-gocxx-summaries: " + p);
    }
    run_checks_on_unit(ctx, unit.enabled, context);
    if (summaries) {
      bool wanted =
          std::any_of(unit.enabled.begin(), unit.enabled.end(), [](const auto* e) { return reads_summaries(e->id); });
      if (!summaries->finish(ctx, context, wanted, error))
        report_plain(diags, clang::DiagnosticsEngine::Error, "gocxx: -fplugin-arg-gocxx-summaries: " + error);
    }
    // In gocxx check's order, without the ignored ones.
    source_cache sources;
    suppressions ignored(sources);
    std::vector<reported_finding> shown;
    for (finding& f : sink.findings)
      if (!ignored.suppressed(f)) shown.push_back(reported_finding{std::move(f), severity::warning});
    sort_and_unique(shown);
    for (const reported_finding& r : shown) report(diags, sm, r.f);
  }

 private:
  // With werror, a finding at or above fail-on is an error.
  clang::DiagnosticIDs::Level level_of(severity s) const {
    if (settings_.werror && s >= settings_.fail_on.value_or(severity::warning)) return clang::DiagnosticIDs::Error;
    return diagnostic_level(s);
  }

  // A finding as clang's own: the check id after the message, as
  // clang-tidy prints it.
  void report(clang::DiagnosticsEngine& diags, const clang::SourceManager& sm, const finding& f) {
    report_finding(sm, f, level_of(f.sev),
                   [&](clang::SourceLocation at, const std::string& message, clang::DiagnosticIDs::Level level) {
                     bool note = level == clang::DiagnosticIDs::Note;
                     // The two enums name the same levels with the same values.
                     auto engine_level = static_cast<clang::DiagnosticsEngine::Level>(level);
                     unsigned id = note ? diags.getCustomDiagID(engine_level, "%0")
                                        : diags.getCustomDiagID(engine_level, "%0 [%1]");
                     clang::DiagnosticBuilder d = diags.Report(at, id);
                     d << message;
                     if (!note) d << f.check;
                     return d;
                   });
  }

  static void report_plain(clang::DiagnosticsEngine& diags, clang::DiagnosticsEngine::Level level,
                           const std::string& text) {
    diags.Report(diags.getCustomDiagID(level, "%0")) << text;
  }

  clang::CompilerInstance& ci_;
  plugin_settings settings_;
};

class plugin_action final : public clang::PluginASTAction {
 public:
  bool ParseArgs(const clang::CompilerInstance& ci, const std::vector<std::string>& args) override {
    clang::DiagnosticsEngine& diags = ci.getDiagnostics();
    for (const std::string& arg : args) {
      llvm::StringRef a(arg);
      if (a.consume_front("checks=")) {
        if (!settings_.checks.empty()) settings_.checks += ",";
        settings_.checks += a.str();
      } else if (a.starts_with("summaries=") || a.starts_with("summaries-out=")) {
        settings_.summaries_read = a.consume_front("summaries=");
        if (!settings_.summaries_read) a.consume_front("summaries-out=");
        if (a.empty()) {
          diags.Report(
              diags.getCustomDiagID(clang::DiagnosticsEngine::Error, "gocxx: -fplugin-arg-gocxx-%0 needs a directory"))
              << (settings_.summaries_read ? "summaries" : "summaries-out");
          return false;
        }
        llvm::SmallString<256> dir(a);
        if (std::error_code ec = llvm::sys::fs::make_absolute(dir)) {
          diags.Report(diags.getCustomDiagID(clang::DiagnosticsEngine::Error,
                                             "gocxx: -fplugin-arg-gocxx-summaries: cannot make '%0' absolute: %1"))
              << a << ec.message();
          return false;
        }
        settings_.summaries = std::string(dir);
      } else if (a == "werror") {
        settings_.werror = true;
      } else if (a.consume_front("fail-on=")) {
        severity s;
        if (!parse_severity(a.str(), s)) {
          diags.Report(diags.getCustomDiagID(clang::DiagnosticsEngine::Error,
                                             "gocxx: -fplugin-arg-gocxx-fail-on: '%0' is not one of remark, note, "
                                             "warning, error"))
              << a;
          return false;
        }
        settings_.fail_on = s;
      } else {
        diags.Report(diags.getCustomDiagID(clang::DiagnosticsEngine::Error,
                                           "gocxx: unknown plugin argument '%0' (checks=GLOBS, werror, "
                                           "fail-on=SEVERITY, summaries=DIR, summaries-out=DIR)"))
            << arg;
        return false;
      }
    }
    check_registry& registry = check_registry::instance();
    if (registry.entries().empty()) register_all_checks(registry);
    std::vector<std::string> ids;
    for (const check_registry::entry& e : registry.entries()) ids.push_back(e.id);
    if (!settings_.checks.empty()) {
      std::vector<std::string> bad = check_filter::unmatched(settings_.checks, ids);
      if (!bad.empty()) {
        diags.Report(diags.getCustomDiagID(clang::DiagnosticsEngine::Error,
                                           "gocxx: -fplugin-arg-gocxx-checks: '%0' matches no check"))
            << bad.front();
        return false;
      }
    }
    return true;
  }

  // After the compile's own action: the object is still produced.
  ActionType getActionType() override { return AddAfterMainAction; }

  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance& ci, llvm::StringRef) override {
    return std::make_unique<plugin_consumer>(ci, settings_);
  }

 private:
  plugin_settings settings_;
};

}  // namespace

}  // namespace gocxx::integrations

static clang::FrontendPluginRegistry::Add<gocxx::integrations::plugin_action> gocxx_plugin(
    "gocxx", "the gocxx checks while compiling");
