// Precompiled preambles (clang::PrecompiledPreamble, as clangd keeps them):
// the #include block at the top of a file, parsed once into an in-memory
// PCH, so that an edit below it reparses only the rest of the file. One per
// file, least recently used dropped first, so the server's memory is
// bounded by `capacity` preambles however many files are opened.
//
// Invariant: a preamble is used only for the command line it was built
// with, and only while clang says it can be reused (the preamble's text and
// every file it read are unchanged).
#pragma once
#include <clang/Frontend/CompilerInvocation.h>
#include <clang/Frontend/PCHContainerOperations.h>
#include <clang/Frontend/PrecompiledPreamble.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/VirtualFileSystem.h>

#include <chrono>
#include <list>
#include <memory>
#include <string>
#include <vector>

namespace gocxx::lsp {

class preamble_cache {
 public:
  explicit preamble_cache(size_t capacity) : capacity_(capacity) {}

  // The preamble for `file` with command line `args` and contents `buffer`:
  // the cached one when clang can reuse it, else a new one; null: parse
  // without one.
  std::shared_ptr<const clang::PrecompiledPreamble> get(const std::string& file, const std::vector<std::string>& args,
                                                        const clang::CompilerInvocation& ci,
                                                        const llvm::MemoryBuffer& buffer,
                                                        const llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>& vfs,
                                                        const std::shared_ptr<clang::PCHContainerOperations>& pch);

 private:
  struct entry {
    std::string file;
    std::vector<std::string> args;
    std::string preamble_text;  // the file's preamble when it was built (or failed to be)
    std::shared_ptr<const clang::PrecompiledPreamble> preamble;  // null: building it failed
    std::chrono::steady_clock::time_point built;
  };
  size_t capacity_;
  std::list<entry> entries_;  // most recently used first
};

}  // namespace gocxx::lsp
