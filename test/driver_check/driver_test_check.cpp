// gocxx-driver-test: a check for the driver's own tests (test/lit/driver/),
// built only into the test binary gocxx-driver-test, so that output formats,
// suppression, baselines and fixes are tested independently of what the real
// checks find.
//
// Every function defined in the main file whose name starts with `flag_` is
// reported at its name, with the severity its name gives (flag_remark_*,
// flag_note_*, flag_error_*, otherwise warning), a note at its body, a fix
// that renames it to `fixed_*`, and {"name": ...} as data. A flag_twice_*
// function is reported a second time with a fix to `other_*` that overlaps
// the first one's (for fix --apply's conflict handling). A flag_decl_*
// function's fix also renames its first declaration, wherever that is (a
// header outside the header filter, for its tests). A flag_crash_*
// function makes the check crash (the runner's crash recovery). A function
// named run_test_hook makes the check run the shell command
// $GOCXX_TEST_DURING_ANALYSIS (to change a file that an earlier unit of the
// run analysed, for fix --apply's tests).
#include <clang/AST/Decl.h>
#include <clang/Basic/SourceManager.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdlib>
#include <cstring>

#include "check.hpp"

namespace gocxx {

namespace {

class driver_test_check final : public check {
 public:
  driver_test_check(llvm::StringRef id, check_context& context)
      : check(id, context), prefix_(options().get("Prefix", "fixed_")) {}

  void store_options(option_map& out) const override { options().store(out, "Prefix", prefix_); }

  void on_end_of_translation_unit(clang::ASTContext& ctx) override {
    const clang::SourceManager& sm = ctx.getSourceManager();
    for (const clang::Decl* d : ctx.getTranslationUnitDecl()->decls()) {
      const auto* fn = llvm::dyn_cast<clang::FunctionDecl>(d);
      if (!fn || !fn->doesThisDeclarationHaveABody() || !fn->getIdentifier()) continue;
      if (!sm.isInMainFile(fn->getLocation())) continue;
      llvm::StringRef name = fn->getName();
      if (name == "run_test_hook") {
        if (const char* command = std::getenv("GOCXX_TEST_DURING_ANALYSIS"))
          if (std::system(command) != 0) llvm::errs() << "gocxx-driver-test: GOCXX_TEST_DURING_ANALYSIS failed\n";
      }
      if (!name.starts_with("flag_")) continue;
      if (name.starts_with("flag_crash_")) {
        volatile int* volatile null = nullptr;
        *null = 1;
      }
      severity sev = severity::warning;
      if (name.starts_with("flag_remark_"))
        sev = severity::remark;
      else if (name.starts_with("flag_note_"))
        sev = severity::note;
      else if (name.starts_with("flag_error_"))
        sev = severity::error;
      diag(sm, fn->getLocation(), ("function '" + name + "' is flagged").str(), sev)
          .note(fn->getBody()->getBeginLoc(), "its body starts here")
          .fix_replace(clang::CharSourceRange::getTokenRange(fn->getLocation()),
                       prefix_ + name.drop_front(strlen("flag_")).str())
          .data(nlohmann::json{{"name", name.str()}});
      if (name.starts_with("flag_decl_") && fn->getFirstDecl() != fn)
        diag(sm, fn->getLocation(), ("function '" + name + "' and its declaration are flagged").str(), sev)
            .fix_replace(clang::CharSourceRange::getTokenRange(fn->getLocation()),
                         prefix_ + name.drop_front(strlen("flag_")).str())
            .fix_replace(clang::CharSourceRange::getTokenRange(fn->getFirstDecl()->getLocation()),
                         prefix_ + name.drop_front(strlen("flag_")).str());
      if (name.starts_with("flag_twice_"))
        diag(sm, fn->getLocation(), ("function '" + name + "' is flagged again").str(), sev)
            .fix_replace(clang::CharSourceRange::getTokenRange(fn->getLocation()),
                         "other_" + name.drop_front(strlen("flag_")).str());
    }
  }

 private:
  std::string prefix_;
};

}  // namespace

void register_driver_test_check(check_registry& registry) {
  registry.add("gocxx-driver-test", "Flags functions named flag_* (the driver's tests only)",
               &make_check<driver_test_check>);
}

}  // namespace gocxx
