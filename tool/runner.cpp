#include "runner.hpp"

#include <clang/AST/ASTConsumer.h>
#include <clang/ASTMatchers/ASTMatchFinder.h>
#include <clang/Basic/Diagnostic.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Tooling/ArgumentsAdjusters.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/CrashRecoveryContext.h>
#include <llvm/Support/ThreadPool.h>
#include <llvm/Support/Threading.h>
#include <llvm/Support/VirtualFileSystem.h>

#include <mutex>

#include "check.hpp"
#include "check_filter.hpp"
#include "effective_config.hpp"
#include "progress.hpp"

namespace gocxx {

namespace {

// The findings of one translation unit (one thread: no locking).
class collecting_sink final : public finding_sink {
 public:
  void report(finding f) override {
    if (f.loc.file.empty()) return;  // no position: nothing to show
    findings.push_back(std::move(f));
  }
  std::vector<finding> findings;
};

// Keeps the first compiler error of the unit (with its position) and the
// count; warnings and notes are dropped: gocxx shows only its own findings.
class error_collector final : public clang::DiagnosticConsumer {
 public:
  void HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic& info) override {
    clang::DiagnosticConsumer::HandleDiagnostic(level, info);
    if (level < clang::DiagnosticsEngine::Error) return;
    ++errors;
    if (!first.empty()) return;
    llvm::SmallString<128> text;
    info.FormatDiagnostic(text);
    std::string where;
    if (info.getLocation().isValid() && info.hasSourceManager()) {
      location loc = make_location(info.getSourceManager(), info.getLocation());
      if (!loc.file.empty())
        where = display_path(loc.file) + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column) + ": ";
    }
    first = where + "error: " + std::string(text);
  }
  std::string first;
  unsigned errors = 0;
};

// Runs the matchers, then each check's whole-unit analysis, unless the unit
// did not compile (the AST would be partial). Owns the unit's check_context,
// declared before the checks so that it outlives them.
class checks_consumer final : public clang::ASTConsumer {
 public:
  checks_consumer(const std::vector<const check_registry::entry*>& enabled, const option_map& options,
                  const std::string& origin, finding_sink& sink)
      : context_(options, origin, &sink) {
    for (const check_registry::entry* e : enabled) {
      checks_.push_back(e->make(e->id, context_));
      checks_.back()->register_matchers(finder_);
    }
  }
  void HandleTranslationUnit(clang::ASTContext& ctx) override {
    if (ctx.getDiagnostics().hasErrorOccurred()) return;
    finder_.matchAST(ctx);
    for (auto& c : checks_) c->on_end_of_translation_unit(ctx);
  }

 private:
  check_context context_;
  std::vector<std::unique_ptr<check>> checks_;
  clang::ast_matchers::MatchFinder finder_;
};

struct unit_setup {
  std::vector<const check_registry::entry*> enabled;
  option_map options;
  std::string origin;  // the .gocxx.yaml the options came from
  finding_sink* sink = nullptr;
};

class checks_action final : public clang::ASTFrontendAction {
 public:
  explicit checks_action(const unit_setup& setup) : setup_(setup) {}
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance&, llvm::StringRef) override {
    return std::make_unique<checks_consumer>(setup_.enabled, setup_.options, setup_.origin, *setup_.sink);
  }

 private:
  const unit_setup& setup_;
};

class checks_action_factory final : public clang::tooling::FrontendActionFactory {
 public:
  explicit checks_action_factory(const unit_setup& setup) : setup_(setup) {}
  std::unique_ptr<clang::FrontendAction> create() override { return std::make_unique<checks_action>(setup_); }

 private:
  const unit_setup& setup_;
};

struct unit_result {
  std::vector<reported_finding> findings;
  std::vector<tu_error> errors;
  std::vector<std::string> warnings;
};

unit_result run_unit(const compilation_database& cdb, const std::string& file, const run_settings& settings,
                     config_finder& configs) {
  unit_result out;
  std::string shown = display_path(file);

  std::string config_error;
  std::shared_ptr<const config> cfg = configs.for_file(file, config_error);
  if (!cfg) {
    out.errors.push_back(tu_error{shown, config_error});
    return out;
  }
  const check_registry& registry = check_registry::instance();
  std::vector<std::string> ids;
  for (const auto& e : registry.entries()) ids.push_back(e.id);
  std::vector<std::string> bad = check_filter::unmatched(cfg->checks, ids);
  if (!bad.empty()) {
    out.errors.push_back(tu_error{shown, cfg->path + ": Checks: '" + bad.front() + "' matches no check"});
    return out;
  }

  collecting_sink sink;
  unit_setup setup;
  setup.sink = &sink;
  setup.enabled = enabled_checks(settings, *cfg);
  setup.options = cfg->check_options;
  for (const auto& [k, v] : settings.extra_options) setup.options[k] = v;
  setup.origin = cfg->path.empty() ? "the command line" : cfg->path;
  out.warnings = effective_options(setup.enabled, *cfg, settings.extra_options).warnings;

  // A physical file system of its own: ClangTool changes the working
  // directory of its file system to each command's directory, and the real
  // one's is the process's, shared by every thread.
  clang::tooling::ClangTool tool(*cdb.db, {file}, std::make_shared<clang::PCHContainerOperations>(),
                                 llvm::vfs::createPhysicalFileSystem());
  tool.setPrintErrorMessage(false);
  // Warnings never fail the analysis (-Werror in the build's flags); no
  // "N errors generated." on stderr: errors are reported in the output.
  tool.appendArgumentsAdjuster(clang::tooling::getInsertArgumentAdjuster(
      clang::tooling::CommandLineArguments{"-w", "-fno-caret-diagnostics"},
      clang::tooling::ArgumentInsertPosition::END));
  error_collector diagnostics;
  tool.setDiagnosticConsumer(&diagnostics);
  checks_action_factory factory(setup);
  // A crash in clang or in a check costs this unit, not the run: the other
  // units are still analysed and reported (main() enables crash recovery).
  int status = 1;
  llvm::CrashRecoveryContext recovery;
  if (!recovery.RunSafely([&] { status = tool.run(&factory); })) {
    out.errors.push_back(tu_error{shown, "gocxx crashed while analysing it (a bug in gocxx: please report it)"});
    return out;
  }

  if (diagnostics.errors > 0) {
    std::string message = diagnostics.first;
    if (diagnostics.errors > 1)
      message += " (and " + std::to_string(diagnostics.errors - 1) + " more error" +
                 (diagnostics.errors > 2 ? "s" : "") + ")";
    out.errors.push_back(tu_error{shown, "does not compile: " + message});
  } else if (status != 0) {
    out.errors.push_back(tu_error{shown, "clang could not analyse it"});
  }

  severity fail_on = settings.cli_fail_on ? *settings.cli_fail_on : cfg->fail_on.value_or(severity::warning);
  for (finding& f : sink.findings) out.findings.push_back(reported_finding{std::move(f), fail_on});
  return out;
}

}  // namespace

run_result run_checks(const compilation_database& cdb, const std::vector<std::string>& units,
                      const run_settings& settings, config_finder& configs) {
  std::vector<unit_result> results(units.size());
  {
    progress bar(units.size());
    unsigned jobs = settings.jobs ? settings.jobs : llvm::hardware_concurrency().compute_thread_count();
    if (jobs > units.size()) jobs = static_cast<unsigned>(units.size());
    if (jobs <= 1) {
      for (size_t i = 0; i < units.size(); ++i) {
        results[i] = run_unit(cdb, units[i], settings, configs);
        bar.done(units[i]);
      }
    } else {
      llvm::ThreadPoolStrategy strategy = llvm::hardware_concurrency(jobs);
      llvm::DefaultThreadPool pool(strategy);
      for (size_t i = 0; i < units.size(); ++i) {
        pool.async([&, i] {
          results[i] = run_unit(cdb, units[i], settings, configs);
          bar.done(units[i]);
        });
      }
      pool.wait();
    }
  }
  run_result out;
  for (unit_result& r : results) {
    for (auto& f : r.findings) out.findings.push_back(std::move(f));
    for (auto& e : r.errors) out.errors.push_back(std::move(e));
    out.warnings.insert(r.warnings.begin(), r.warnings.end());
  }
  return out;
}

}  // namespace gocxx
