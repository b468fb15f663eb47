#include "runner.hpp"

#include <clang/AST/ASTConsumer.h>
#include <clang/Basic/Diagnostic.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Tooling/ArgumentsAdjusters.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/Threading.h>
#include <llvm/Support/VirtualFileSystem.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "check.hpp"
#include "collecting_sink.hpp"
#include "check_filter.hpp"
#include "command_adjusters.hpp"
#include "compile_errors.hpp"
#include "effective_config.hpp"
#include "file_snapshot.hpp"
#include "unit_exports.hpp"
#include "escape/unit_summaries.hpp"
#include "isolation.hpp"
#include "progress.hpp"

namespace gocxx {

namespace {

struct unit_setup {
  unit_configuration configuration;
  finding_sink* sink = nullptr;
  std::string project_root;
  summary_settings summaries;
  std::optional<unit_summaries> recorded;  // out: with summaries.record
};

// Runs the checks (run_checks_on_unit) unless the unit did not compile
// (the AST would be partial).
class checks_consumer final : public clang::ASTConsumer {
 public:
  explicit checks_consumer(unit_setup& setup) : setup_(setup) {}
  void HandleTranslationUnit(clang::ASTContext& ctx) override {
    if (ctx.getDiagnostics().hasErrorOccurred()) return;
    const unit_configuration& c = setup_.configuration;
    header_filter filter(c.header_regex, setup_.project_root, c.system_headers);
    check_context context(c.options, c.origin, setup_.sink, &filter);
    escape::summary_exchange& exchange = context.unit_data<escape::summary_exchange>();
    exchange.imported = setup_.summaries.imported;
    // Summaries serve the escape, leak and channel checks: without one,
    // none are made.
    exchange.record = setup_.summaries.record && std::any_of(c.enabled.begin(), c.enabled.end(),
                                                             [](const auto* e) { return reads_summaries(e->id); });
    run_checks_on_unit(ctx, c.enabled, context);
    if (exchange.record) {
      compute_unit_summaries(ctx, context);
      unit_summaries mine = collect_unit_summaries(ctx.getSourceManager(), exchange);
      // A file the database compiles twice (two programs, other flags): one
      // record for both, its functions at their worst in either.
      if (setup_.recorded) {
        merge_unit_summaries(*setup_.recorded, std::move(mine));
      } else {
        setup_.recorded = std::move(mine);
      }
    }
    // What this unit saw of each file: fix --apply refuses files that
    // changed since (file_snapshot.hpp).
    record_analysed_files(ctx.getSourceManager());
  }

 private:
  unit_setup& setup_;
};

class checks_action final : public clang::ASTFrontendAction {
 public:
  explicit checks_action(unit_setup& setup) : setup_(setup) {}
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance&, llvm::StringRef) override {
    return std::make_unique<checks_consumer>(setup_);
  }

 private:
  unit_setup& setup_;
};

class checks_action_factory final : public clang::tooling::FrontendActionFactory {
 public:
  explicit checks_action_factory(unit_setup& setup) : setup_(setup) {}
  std::unique_ptr<clang::FrontendAction> create() override { return std::make_unique<checks_action>(setup_); }

 private:
  unit_setup& setup_;
};

struct unit_result {
  std::vector<reported_finding> findings;
  std::vector<tu_error> errors;
  std::vector<std::string> warnings;
  std::optional<unit_summaries> summaries;
};

unit_result run_unit(const compilation_database& cdb, const std::string& file, const run_settings& settings,
                     config_finder& configs, const summary_settings& summaries) {
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
  setup.configuration = configure_unit(settings, *cfg);
  setup.project_root = settings.project_root;
  setup.summaries = summaries;
  if (setup.configuration.enabled.empty()) {
    std::string from = "the subcommand's";
    if (!cfg->checks.empty()) from += ", then " + cfg->path + "'s Checks";
    if (!settings.cli_checks.empty()) from += ", then --checks";
    out.errors.push_back(tu_error{shown, "no check is enabled: the selection '" +
                                             effective_checks_glob(settings, *cfg) + "' (" + from + ") matches none"});
    return out;
  }
  out.warnings = setup.configuration.warnings;

  // A physical file system of its own: ClangTool changes the working
  // directory of its file system to each command's directory, and the real
  // one's is the process's, shared by every thread.
  clang::tooling::ClangTool tool(*cdb.db, {file}, std::make_shared<clang::PCHContainerOperations>(),
                                 llvm::vfs::createPhysicalFileSystem());
  tool.setPrintErrorMessage(false);
  // Warnings never fail the analysis (-Werror in the build's flags); no
  // "N errors generated." on stderr: errors are reported in the output.
  tool.appendArgumentsAdjuster(analysis_arguments_adjuster());
  error_collector diagnostics;
  tool.setDiagnosticConsumer(&diagnostics);
  checks_action_factory factory(setup);
  int status = tool.run(&factory);

  if (std::string problem = diagnostics.problem(); !problem.empty()) {
    out.errors.push_back(tu_error{shown, problem});
  } else if (status != 0) {
    out.errors.push_back(tu_error{shown, "clang could not analyse it"});
  } else {
    out.summaries = std::move(setup.recorded);
  }

  severity fail_on = settings.cli_fail_on ? *settings.cli_fail_on : cfg->fail_on.value_or(severity::warning);
  for (finding& f : sink.findings)
    if (!f.loc.file.empty()) out.findings.push_back(reported_finding{std::move(f), fail_on});  // else nothing to show
  return out;
}

// What the units' threads share with the runner. Owned jointly: a unit
// abandoned at its deadline keeps running on its thread, reading these,
// until the process ends.
struct run_context {
  std::shared_ptr<const compilation_database> cdb;
  std::shared_ptr<config_finder> configs;
  run_settings settings;
  summary_settings summaries;
  std::mutex mu;
  std::condition_variable finished;
};

// One unit on its thread; guarded by run_context::mu.
struct unit_slot {
  std::string file;
  std::chrono::steady_clock::time_point deadline;
  bool done = false;       // `result` is final
  bool abandoned = false;  // past its deadline: the thread's result is dropped
  unit_result result;
};

// The unit's thread: its analysis under crash recovery, whose failure
// (a crash, a stack overflow, an LLVM fatal error) is the unit's error.
void analyse_on_thread(const std::shared_ptr<run_context>& ctx, const std::shared_ptr<unit_slot>& slot) {
  unit_result result;
  protected_outcome outcome = run_protected([&] {
    unit_result r = run_unit(*ctx->cdb, slot->file, ctx->settings, *ctx->configs, ctx->summaries);
    result = std::move(r);  // only once nothing can fail any more
  });
  if (outcome.kind != protected_outcome::ok) {
    std::string shown = display_path(slot->file);
    std::string message;
    switch (outcome.kind) {
      case protected_outcome::out_of_stack:
        message = "gocxx ran out of stack while analysing it (the code nests too deeply for its " +
                  std::to_string(analysis_stack_size >> 20) + " MB stack)";
        break;
      case protected_outcome::fatal_error: message = "clang could not analyse it: " + outcome.fatal_message; break;
      default: message = "gocxx crashed while analysing it (a bug in gocxx: please report it)"; break;
    }
    // `result` was not touched by the failed analysis, whose objects are
    // left as they were (their destructors did not run).
    result = unit_result{};
    result.errors.push_back(tu_error{shown, message});
  }
  std::lock_guard<std::mutex> lock(ctx->mu);
  if (slot->abandoned) return;
  slot->result = std::move(result);
  slot->done = true;
  ctx->finished.notify_all();
}

}  // namespace

run_result run_checks(std::shared_ptr<const compilation_database> cdb, const std::vector<std::string>& units,
                      const run_settings& settings, std::shared_ptr<config_finder> configs,
                      const summary_settings& summaries) {
  auto ctx = std::make_shared<run_context>();
  ctx->summaries = summaries;
  ctx->cdb = std::move(cdb);
  ctx->configs = std::move(configs);
  ctx->settings = settings;
  std::vector<std::shared_ptr<unit_slot>> slots;
  for (const std::string& u : units) {
    slots.push_back(std::make_shared<unit_slot>());
    slots.back()->file = u;
  }
  unsigned jobs = settings.jobs ? settings.jobs : llvm::hardware_concurrency().compute_thread_count();
  run_result out;
  {
    progress bar(units.size());
    std::unique_lock<std::mutex> lock(ctx->mu);
    size_t next = 0;
    std::vector<std::shared_ptr<unit_slot>> running;
    for (;;) {
      while (running.size() < jobs && next < slots.size()) {
        const std::shared_ptr<unit_slot>& slot = slots[next++];
        slot->deadline = std::chrono::steady_clock::now() + std::chrono::seconds(settings.unit_timeout);
        std::string error;
        if (start_analysis_thread([ctx, slot] { analyse_on_thread(ctx, slot); }, error)) {
          running.push_back(slot);
        } else {
          slot->result.errors.push_back(
              tu_error{display_path(slot->file), "cannot start a thread to analyse it: " + error});
          slot->done = true;
          bar.done(slot->file);
        }
      }
      if (running.empty()) break;
      // A unit past its deadline is abandoned: clang cannot be stopped from
      // outside, so its thread runs on, its result unused, until the driver
      // ends the process (run_result::abandoned).
      auto now = std::chrono::steady_clock::now();
      auto earliest = std::chrono::steady_clock::time_point::max();
      size_t before = running.size();
      for (auto it = running.begin(); it != running.end();) {
        unit_slot& s = **it;
        if (!s.done && settings.unit_timeout && now >= s.deadline) {
          s.abandoned = true;
          s.result.errors.push_back(
              tu_error{display_path(s.file),
                       "analysis took longer than " + std::to_string(settings.unit_timeout) + " s (--unit-timeout)"});
          ++out.abandoned;
        }
        if (s.done || s.abandoned) {
          bar.done(s.file);
          it = running.erase(it);
          continue;
        }
        if (settings.unit_timeout) earliest = std::min(earliest, s.deadline);
        ++it;
      }
      if (running.size() != before) continue;
      if (earliest == std::chrono::steady_clock::time_point::max()) {
        ctx->finished.wait(lock);
      } else {
        ctx->finished.wait_until(lock, earliest);
      }
    }
    for (auto& slot : slots) {
      unit_result& r = slot->result;
      run_result::unit_outcome& mine = out.by_unit[slot->file];
      mine.findings = r.findings;
      mine.errors = r.errors;
      for (auto& f : r.findings) out.findings.push_back(std::move(f));
      for (auto& e : r.errors) out.errors.push_back(std::move(e));
      out.warnings.insert(r.warnings.begin(), r.warnings.end());
      if (r.summaries) out.summaries[slot->file] = std::move(*r.summaries);
    }
  }
  return out;
}

}  // namespace gocxx
