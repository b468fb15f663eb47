#include "preamble_cache.hpp"

#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Frontend/CompilerInstance.h>

#include "compile_errors.hpp"

namespace gocxx::lsp {

namespace {

// A preamble that failed to build (an #include not found) is not rebuilt on
// every keystroke: only when its text changes, or after this long (the
// missing header may have appeared).
constexpr auto failed_retry = std::chrono::seconds(10);

}  // namespace

std::shared_ptr<const clang::PrecompiledPreamble> preamble_cache::get(
    const std::string& file, const std::vector<std::string>& args, const clang::CompilerInvocation& ci,
    const llvm::MemoryBuffer& buffer, const llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>& vfs,
    const std::shared_ptr<clang::PCHContainerOperations>& pch) {
  clang::PreambleBounds bounds = clang::ComputePreambleBounds(ci.getLangOpts(), buffer.getMemBufferRef(), 0);
  if (bounds.Size == 0) return {};  // nothing is #included: nothing to save
  std::string text = buffer.getBuffer().take_front(bounds.Size).str();
  auto now = std::chrono::steady_clock::now();

  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const entry& e) { return e.file == file; });
  if (it != entries_.end()) {
    entries_.splice(entries_.begin(), entries_, it);  // most recently used
    entry& e = entries_.front();
    if (e.args == args) {
      if (e.preamble && e.preamble->CanReuse(ci, buffer.getMemBufferRef(), bounds, *vfs)) return e.preamble;
      if (!e.preamble && e.preamble_text == text && now - e.built < failed_retry) return {};
    }
    entries_.pop_front();  // stale: rebuilt below
  }

  clang::DiagnosticOptions* options = new clang::DiagnosticOptions();
  error_collector errors;
  llvm::IntrusiveRefCntPtr<clang::DiagnosticsEngine> diags =
      clang::CompilerInstance::createDiagnostics(options, &errors, /*ShouldOwnClient=*/false);
  // Every function body stays, where clangd skips them: the analyses read
  // the bodies of the headers' inline functions (a destructor that calls
  // through a function pointer makes its caller reentrant), and without
  // them the editor would see other findings than gocxx check -- measured
  // by test/editors/agreement.js: three of 35 files differed, one with a
  // fix gocxx check refuses. Reading bodies back makes an edit's reparse
  // about twice as slow.
  clang::PreambleCallbacks callbacks;
  llvm::ErrorOr<clang::PrecompiledPreamble> built = clang::PrecompiledPreamble::Build(
      ci, &buffer, bounds, *diags, vfs, pch, /*StoreInMemory=*/true, /*StoragePath=*/"", callbacks);
  entry e{file, args, std::move(text), nullptr, now};
  // A preamble with errors (an #include not found) is not used: clang would
  // take the unit for one that compiles, its AST missing what failed. The
  // parse without it reports the error.
  if (built && errors.errors == 0) e.preamble = std::make_shared<const clang::PrecompiledPreamble>(std::move(*built));
  entries_.push_front(std::move(e));
  while (entries_.size() > capacity_) entries_.pop_back();
  return entries_.front().preamble;
}

}  // namespace gocxx::lsp
