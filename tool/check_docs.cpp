#include "check_docs.hpp"

#include <llvm/ADT/StringMap.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "report.hpp"

namespace gocxx {

namespace {

struct page {
  const char* id;
  const char* markdown;
};

const page pages[] = {
#include "check_docs.inc"
};

// The docs directory on this machine: installed (<prefix>/bin/gocxx ->
// <prefix>/share/doc/gocxx), else the source tree's.
std::string local_docs_dir() {
  std::string exe = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
  if (!exe.empty()) {
    llvm::SmallString<256> dir(llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)));
    llvm::sys::path::append(dir, "share", "doc", "gocxx");
    if (llvm::sys::fs::is_directory(dir)) return std::string(dir);
  }
  return GOCXX_SOURCE_DOCS_DIR;
}

// `rel` is a path below docs/.
std::string doc_uri(llvm::StringRef rel) {
  llvm::StringRef published = GOCXX_DOCS_URL;
  if (!published.empty()) return (published.rtrim('/') + "/" + rel).str();
  llvm::SmallString<256> path(local_docs_dir());
  llvm::sys::path::append(path, rel);
  return path_uri(std::string(path));  // absolute: file://
}

}  // namespace

llvm::StringRef check_doc_markdown(llvm::StringRef id) {
  for (const page& p : pages)
    if (id == p.id) return p.markdown;
  return {};
}

std::string check_doc_uri(llvm::StringRef id) { return doc_uri(("checks/" + id + ".md").str()); }

std::string tool_doc_uri() { return doc_uri("analyzer.md"); }

}  // namespace gocxx
