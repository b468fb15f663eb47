#include "unit_analysis.hpp"

#include <clang/AST/ASTConsumer.h>
#include <clang/AST/ASTContext.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Frontend/Utils.h>
#include <clang/Lex/PreprocessorOptions.h>
#include <clang/Tooling/ArgumentsAdjusters.h>

#include "check.hpp"
#include "collecting_sink.hpp"
#include "check_filter.hpp"
#include "command_adjusters.hpp"
#include "compile_errors.hpp"
#include "config.hpp"
#include "source_cache.hpp"
#include "suppression.hpp"

namespace gocxx::lsp {

namespace {

// Collects the document's own top-level declarations (not the preamble's),
// then runs the checks over them once the unit is parsed, unless it did
// not compile (the AST would be partial).
class document_consumer final : public clang::ASTConsumer {
 public:
  document_consumer(const unit_configuration& configuration, const std::string& project_root, finding_sink& sink,
                    std::string& main_name)
      : configuration_(configuration), project_root_(project_root), sink_(sink), main_name_(main_name) {}

  bool HandleTopLevelDecl(clang::DeclGroupRef group) override {
    for (clang::Decl* d : group) {
      if (d->isFromASTFile()) continue;
      const clang::SourceManager& sm = d->getASTContext().getSourceManager();
      if (sm.isWrittenInMainFile(sm.getExpansionLoc(d->getLocation()))) top_level_.push_back(d);
    }
    return true;
  }

  void HandleTranslationUnit(clang::ASTContext& ctx) override {
    main_name_ = absolute_name(ctx.getSourceManager(), ctx.getSourceManager().getMainFileID());
    if (ctx.getDiagnostics().hasErrorOccurred()) return;
    ctx.setTraversalScope(top_level_);
    header_filter filter(configuration_.header_regex, project_root_, configuration_.system_headers);
    check_context context(configuration_.options, configuration_.origin, &sink_, &filter);
    run_checks_on_unit(ctx, configuration_.enabled, context);
  }

 private:
  const unit_configuration& configuration_;
  const std::string& project_root_;
  finding_sink& sink_;
  std::string& main_name_;
  std::vector<clang::Decl*> top_level_;
};

class document_action final : public clang::ASTFrontendAction {
 public:
  document_action(const unit_configuration& configuration, const std::string& project_root, finding_sink& sink)
      : configuration_(configuration), project_root_(project_root), sink_(sink) {}
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance&, llvm::StringRef) override {
    return std::make_unique<document_consumer>(configuration_, project_root_, sink_, main_name);
  }
  std::string main_name;  // the document's absolute name, as the findings spell it

 private:
  const unit_configuration& configuration_;
  const std::string& project_root_;
  finding_sink& sink_;
};

// The compile command as the analysis runs it: syntax only, no output or
// dependency files, gocxx's adjustments, and clang's resource directory
// (its builtin headers) found as clang tools find it.
std::vector<std::string> analysis_arguments(const clang::tooling::CompileCommand& command) {
  std::vector<std::string> args = command.CommandLine;
  for (const auto& adjust :
       {clang::tooling::getClangSyntaxOnlyAdjuster(), clang::tooling::getClangStripOutputAdjuster(),
        clang::tooling::getClangStripDependencyFileAdjuster(), analysis_arguments_adjuster()})
    args = adjust(args, command.Filename);
  bool has_resource_dir = std::any_of(
      args.begin(), args.end(), [](const std::string& a) { return llvm::StringRef(a).starts_with("-resource-dir"); });
  if (!has_resource_dir && !args.empty()) {
    static int anchor;
    args.insert(args.begin() + 1,
                "-resource-dir=" + clang::CompilerInvocation::GetResourcesPath("gocxx", static_cast<void*>(&anchor)));
  }
  return args;
}

}  // namespace

unit_analyser::unit_analyser(run_settings settings, std::optional<std::string> compile_commands_dir, size_t preambles)
    : settings_(std::move(settings)),
      commands_(std::move(compile_commands_dir)),
      preambles_(preambles),
      pch_(std::make_shared<clang::PCHContainerOperations>()) {}

unit_analysis unit_analyser::analyse(const std::string& file, const std::string& text) {
  unit_analysis out;
  document_command command = commands_.for_file(file);
  out.database_problem = command.problem;

  // The configuration, as gocxx check reads it (runner.cpp).
  config_finder configs;
  std::string error;
  std::shared_ptr<const config> cfg = configs.for_file(file, error);
  if (!cfg) {
    out.problem = error;
    return out;
  }
  std::vector<std::string> ids;
  for (const auto& e : check_registry::instance().entries()) ids.push_back(e.id);
  std::vector<std::string> bad = check_filter::unmatched(cfg->checks, ids);
  if (!bad.empty()) {
    out.problem = cfg->path + ": Checks: '" + bad.front() + "' matches no check";
    return out;
  }
  unit_configuration configuration = configure_unit(settings_, *cfg);
  if (configuration.enabled.empty()) return out;

  std::vector<std::string> args = analysis_arguments(command.command);
  std::vector<const char*> argv;
  argv.reserve(args.size());
  for (const std::string& a : args) argv.push_back(a.c_str());
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> vfs = llvm::vfs::createPhysicalFileSystem();
  if (std::error_code ec = vfs->setCurrentWorkingDirectory(command.command.Directory)) {
    out.problem = "cannot enter its compile command's directory " + command.command.Directory + ": " + ec.message();
    return out;
  }

  error_collector errors;
  llvm::IntrusiveRefCntPtr<clang::DiagnosticsEngine> diags =
      clang::CompilerInstance::createDiagnostics(new clang::DiagnosticOptions(), &errors, /*ShouldOwnClient=*/false);
  clang::CreateInvocationOptions invocation_options;
  invocation_options.Diags = diags;
  invocation_options.VFS = vfs;
  std::shared_ptr<clang::CompilerInvocation> ci = clang::createInvocation(argv, invocation_options);
  if (!ci || ci->getFrontendOpts().Inputs.size() != 1) {
    out.problem = errors.problem().empty() ? "clang cannot make sense of its compile command" : errors.problem();
    return out;
  }
  // A server lives long: the AST is freed after each analysis.
  ci->getFrontendOpts().DisableFree = false;
  std::string main_file = ci->getFrontendOpts().Inputs[0].getFile().str();

  std::unique_ptr<llvm::MemoryBuffer> buffer = llvm::MemoryBuffer::getMemBufferCopy(text, main_file);
  std::shared_ptr<const clang::PrecompiledPreamble> preamble = preambles_.get(file, args, *ci, *buffer, vfs, pch_);
  // Either way the preprocessor owns the buffer from here on.
  if (preamble)
    preamble->AddImplicitPreamble(*ci, vfs, buffer.release());
  else
    ci->getPreprocessorOpts().addRemappedFile(main_file, buffer.release());

  clang::CompilerInstance clang(pch_);
  clang.setInvocation(ci);
  clang.createDiagnostics(&errors, /*ShouldOwnClient=*/false);
  vfs = clang::createVFSFromCompilerInvocation(clang.getInvocation(), clang.getDiagnostics(), vfs);
  clang.createFileManager(vfs);

  collecting_sink sink;
  document_action action(configuration, command.project_root, sink);
  bool ok = clang.ExecuteAction(action);
  out.document_name = action.main_name;
  if (std::string problem = errors.problem(); !problem.empty()) {
    out.problem = problem;
    return out;
  }
  if (!ok) {
    out.problem = "clang could not analyse it";
    return out;
  }

  // Only what is in the document is shown on it, and `// gocxx:ignore`
  // comments are read from the editor's text.
  source_cache sources;
  sources.set_contents(action.main_name, text);
  suppressions ignores(sources);
  for (finding& f : sink.findings)
    if (f.loc.file == action.main_name && !ignores.suppressed(f)) out.findings.push_back(std::move(f));
  return out;
}

}  // namespace gocxx::lsp
