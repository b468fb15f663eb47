#include "file_snapshot.hpp"

#include <clang/Basic/FileManager.h>
#include <clang/Basic/SourceManager.h>
#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/xxhash.h>

namespace gocxx {

file_snapshot file_snapshot::of(llvm::StringRef contents) {
  file_snapshot s;
  s.size = contents.size();
  s.hash = llvm::xxh3_64bits(contents);
  return s;
}

bool file_snapshot::matches(llvm::StringRef contents) const {
  return consistent && size == contents.size() && hash == llvm::xxh3_64bits(contents);
}

file_snapshots& file_snapshots::analysed() {
  static file_snapshots store;
  return store;
}

void file_snapshots::record(const std::string& file, llvm::StringRef contents) {
  file_snapshot s = file_snapshot::of(contents);
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, inserted] = files_.emplace(file, s);
  if (!inserted && (it->second.size != s.size || it->second.hash != s.hash)) it->second.consistent = false;
}

std::optional<file_snapshot> file_snapshots::find(const std::string& file) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = files_.find(file);
  if (it == files_.end()) return std::nullopt;
  return it->second;
}

void each_analysed_file(const clang::SourceManager& sm,
                        llvm::function_ref<void(const std::string& file, llvm::StringRef contents)> visit) {
  llvm::SmallPtrSet<const clang::SrcMgr::ContentCache*, 32> seen;
  // Index 0 is the SourceManager's sentinel; the rest are files and macro
  // expansions, a file once per inclusion.
  for (unsigned i = 1, n = sm.local_sloc_entry_size(); i < n; ++i) {
    const clang::SrcMgr::SLocEntry& entry = sm.getLocalSLocEntry(i);
    if (!entry.isFile()) continue;
    const clang::SrcMgr::FileInfo& info = entry.getFile();
    if (clang::SrcMgr::isSystem(info.getFileCharacteristic())) continue;
    const clang::SrcMgr::ContentCache& content = info.getContentCache();
    if (!content.OrigEntry || !seen.insert(&content).second) continue;
    std::optional<llvm::MemoryBufferRef> buffer = content.getBufferIfLoaded();
    if (!buffer) continue;
    // The name make_location() gives the file (checks/check.cpp).
    llvm::SmallString<256> path(content.OrigEntry->getName());
    sm.getFileManager().makeAbsolutePath(path);
    llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
    visit(std::string(path), buffer->getBuffer());
  }
}

void record_analysed_files(const clang::SourceManager& sm) {
  file_snapshots& store = file_snapshots::analysed();
  each_analysed_file(sm, [&](const std::string& file, llvm::StringRef contents) { store.record(file, contents); });
}

}  // namespace gocxx
