#include "header_filter.hpp"

#include <clang/Basic/FileManager.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "check.hpp"

namespace gocxx {

namespace {

// `path` lies strictly below directory `root` (both absolute, dot-free).
bool is_below(llvm::StringRef path, llvm::StringRef root) {
  if (root.empty() || !path.starts_with(root)) return false;
  llvm::StringRef rest = path.drop_front(root.size());
  // "/" as the root ends in its own separator.
  return llvm::sys::path::is_separator(root.back()) ? !rest.empty() : llvm::sys::path::is_separator(rest.front());
}

}  // namespace

std::string check_header_filter_regex(const std::string& regex) {
  std::string why;
  if (llvm::Regex(regex).isValid(why)) return "";
  return why;
}

bool is_runtime_header(llvm::StringRef path) {
  // The runtime's include directory is recognised by what it holds, not by
  // where it is: the source tree, an install prefix, a vendored copy.
  for (llvm::StringRef dir = llvm::sys::path::parent_path(path); !dir.empty();
       dir = llvm::sys::path::parent_path(dir)) {
    if (llvm::sys::path::filename(dir) != "gocxx") continue;
    llvm::SmallString<256> umbrella(dir), core(dir);
    llvm::sys::path::append(umbrella, "gocxx.hpp");
    llvm::sys::path::append(core, "detail", "goroutine.hpp");
    if (llvm::sys::fs::exists(umbrella) && llvm::sys::fs::exists(core)) return true;
  }
  return false;
}

header_filter::header_filter(const std::optional<std::string>& regex, std::string project_root, bool system_headers)
    : root_(std::move(project_root)), system_headers_(system_headers) {
  if (regex) regex_.emplace(*regex);
}

bool header_filter::allows(const clang::SourceManager& sm, clang::SourceLocation loc) {
  if (loc.isInvalid()) return true;  // no position: nothing to filter on
  return allows(sm, sm.getFileID(sm.getFileLoc(loc)));
}

bool header_filter::allows(const clang::SourceManager& sm, clang::FileID fid) {
  auto [it, inserted] = cache_.try_emplace(fid, false);
  if (inserted) it->second = decide(sm, fid);
  return it->second;
}

bool header_filter::decide(const clang::SourceManager& sm, clang::FileID fid) const {
  if (fid == sm.getMainFileID()) return true;
  // <built-in>, <command line>, <scratch space>: not a header of anyone's.
  if (!sm.getFileEntryRefForID(fid)) return false;
  bool system = clang::SrcMgr::isSystem(sm.getFileCharacteristic(sm.getLocForStartOfFile(fid)));
  if (system && !system_headers_) return false;
  std::string path = absolute_name(sm, fid);
  if (regex_) return regex_->match(path);
  // --system-headers without a regex: every system header, as clang-tidy.
  if (system) return true;
  return is_below(path, root_) && !is_runtime_header(path);
}

}  // namespace gocxx
