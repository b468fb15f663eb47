// The clang-tidy module: every gocxx check under its own id, so that
//
//   clang-tidy-19 --load=$(gocxx --print-tidy-module) --checks='-*,gocxx-*' FILE
//
// (and run-clang-tidy-19 -load, .clang-tidy files, NOLINT, CMake's
// CMAKE_CXX_CLANG_TIDY) report what `gocxx check` reports. Each check is an
// adapter, a ClangTidyCheck that owns the gocxx check of the same id: the
// gocxx check registers its matchers on clang-tidy's MatchFinder, runs its
// whole-unit analysis when the matching ends, and reports findings that the
// adapter turns into clang-tidy diagnostics with notes and fix-its.
//
// The checks of one unit share one check_context, as in the driver, so the
// escape family's analysis runs once per unit whatever the number of its
// checks enabled. clang-tidy creates the checks of a unit together and
// handles one unit at a time (run-clang-tidy runs one process per unit).
// Options come from clang-tidy's CheckOptions (`gocxx-escape-dangling.
// LatchTypes` in .clang-tidy, as in .gocxx.yaml) and are stored back for
// --dump-config. `gocxx.Summaries: DIR` among the CheckOptions reads and
// writes cross-unit escape summaries there, as the compiler plugin's
// summaries=DIR does (summary_host.hpp).
#include <clang-tidy/ClangTidyCheck.h>
#include <clang-tidy/ClangTidyModule.h>
#include <clang-tidy/ClangTidyModuleRegistry.h>
#include <clang/ASTMatchers/ASTMatchers.h>

#include <algorithm>
#include <map>
#include <optional>
#include <memory>

#include "check.hpp"
#include "families.hpp"
#include "finding_diagnostics.hpp"
#include "summary_host.hpp"
#include "unit_exports.hpp"

namespace gocxx::integrations {

namespace {

using clang::tidy::ClangTidyCheck;
using clang::tidy::ClangTidyContext;

// The gocxx options among clang-tidy's: `gocxx-*.Key`.
option_map gocxx_options(const ClangTidyContext* ctx) {
  option_map out;
  for (const auto& entry : ctx->getOptions().CheckOptions)
    if (entry.getKey().starts_with("gocxx-")) out[entry.getKey().str()] = entry.getValue().Value;
  return out;
}

// What the gocxx checks of one unit share: the context, and the sink that
// gives each finding to the adapter of its check.
class tidy_unit final : public finding_sink {
 public:
  explicit tidy_unit(option_map options) : context(std::move(options), ".clang-tidy", this) {}
  void report(finding f) override;

  // After the last check's analysis: the unit's summaries, if wanted.
  void finish(clang::ASTContext& ast);

  check_context context;
  std::map<std::string, ClangTidyCheck*> adapters;
  const clang::SourceManager* sm = nullptr;    // of the unit being matched
  std::optional<unit_summary_host> summaries;  // CheckOptions gocxx.Summaries
  size_t ended = 0;                            // adapters whose analysis has run
};

std::shared_ptr<tidy_unit> unit_for(const ClangTidyContext* ctx) {
  static std::weak_ptr<tidy_unit> current;  // the unit whose checks are alive
  if (std::shared_ptr<tidy_unit> u = current.lock()) return u;
  auto u = std::make_shared<tidy_unit>(gocxx_options(ctx));
  const auto& options = ctx->getOptions().CheckOptions;
  if (auto dir = options.find("gocxx.Summaries"); dir != options.end() && !dir->getValue().Value.empty()) {
    unit_summary_host& host = u->summaries.emplace(dir->getValue().Value);
    host.prepare(u->context);
    for (const std::string& p : host.problems()) llvm::errs() << "gocxx: gocxx.Summaries: " << p << "\n";
  }
  current = u;
  return u;
}

void tidy_unit::finish(clang::ASTContext& ast) {
  if (!summaries) return;
  bool wanted = std::any_of(adapters.begin(), adapters.end(), [](const auto& a) { return reads_summaries(a.first); });
  std::string error;
  if (!summaries->finish(ast, context, wanted, error)) llvm::errs() << "gocxx: gocxx.Summaries: " << error << "\n";
}

void tidy_unit::report(finding f) {
  auto it = adapters.find(f.check);
  if (it == adapters.end() || !sm || f.loc.file.empty()) return;
  ClangTidyCheck& adapter = *it->second;
  report_finding(*sm, f, diagnostic_level(f.sev),
                 [&](clang::SourceLocation at, const std::string& message, clang::DiagnosticIDs::Level level) {
                   return adapter.diag(at, diagnostic_text(message), level);
                 });
}

class tidy_adapter final : public ClangTidyCheck {
 public:
  tidy_adapter(llvm::StringRef name, ClangTidyContext* ctx, const check_registry::entry& entry)
      : ClangTidyCheck(name, ctx), unit_(unit_for(ctx)), check_(entry.make(entry.id, unit_->context)) {
    unit_->adapters[check_->id()] = this;
  }
  tidy_adapter(const tidy_adapter&) = delete;
  tidy_adapter& operator=(const tidy_adapter&) = delete;
  ~tidy_adapter() override { unit_->adapters.erase(check_->id()); }

  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap& opts) override {
    option_map out;
    check_->store_options(out);
    const std::string prefix = check_->id() + ".";
    for (const auto& [key, value] : out)
      if (llvm::StringRef(key).starts_with(prefix))
        Options.store(opts, llvm::StringRef(key).drop_front(prefix.size()), value);
  }

  void registerMatchers(clang::ast_matchers::MatchFinder* finder) override {
    check_->register_matchers(*finder);
    finder->addMatcher(clang::ast_matchers::translationUnitDecl().bind("unit"), this);
  }

  // The unit itself matches first: remember where it is.
  void check(const clang::ast_matchers::MatchFinder::MatchResult& result) override {
    ast_ = result.Context;
    unit_->sm = result.SourceManager;
  }

  // After every matcher has run: the whole-unit analysis.
  void onEndOfTranslationUnit() override {
    // A partial AST: the compiler's errors come first (a warning made an
    // error by -Werror leaves the AST whole).
    if (!ast_ || ast_->getDiagnostics().hasUncompilableErrorOccurred()) return;
    unit_->sm = &ast_->getSourceManager();
    check_->on_end_of_translation_unit(*ast_);
    if (++unit_->ended == unit_->adapters.size()) unit_->finish(*ast_);
  }

 private:
  std::shared_ptr<tidy_unit> unit_;  // declared before check_: outlives it
  std::unique_ptr<gocxx::check> check_;
  clang::ASTContext* ast_ = nullptr;
};

class gocxx_module final : public clang::tidy::ClangTidyModule {
 public:
  void addCheckFactories(clang::tidy::ClangTidyCheckFactories& factories) override {
    check_registry& registry = check_registry::instance();
    if (registry.entries().empty()) register_all_checks(registry);
    for (const check_registry::entry& e : registry.entries())
      factories.registerCheckFactory(
          e.id, [&e](llvm::StringRef name, ClangTidyContext* ctx) -> std::unique_ptr<ClangTidyCheck> {
            return std::make_unique<tidy_adapter>(name, ctx, e);
          });
  }
};

}  // namespace

}  // namespace gocxx::integrations

// The registry lives in the clang-tidy executable that loads this module.
static clang::tidy::ClangTidyModuleRegistry::Add<gocxx::integrations::gocxx_module> gocxx_tidy_module(
    "gocxx-module", "Adds the gocxx checks (escape analysis, layout, goroutine leaks, channels).");
