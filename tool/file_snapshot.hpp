// What each file held when gocxx analysed it, so that `fix --apply` rewrites
// only files still as their fix-its' byte offsets assume.
//
// A snapshot is the size and a hash of the bytes clang read: the runner
// records every file a unit read (record_analysed_files), from the unit's own
// SourceManager, at the end of the unit's analysis. Contents decide, not the
// modification time: a file touched but not changed still takes its fixes. A
// file recorded twice with different contents (edited between two units that
// read it) counts as changed.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <llvm/ADT/STLFunctionalExtras.h>
#include <llvm/ADT/StringRef.h>

namespace clang {
class SourceManager;  // NOLINT(readability-identifier-naming): clang's
}

namespace gocxx {

struct file_snapshot {
  uint64_t size = 0;
  uint64_t hash = 0;       // xxh3-64 of the contents
  bool consistent = true;  // false: recorded twice with different contents

  static file_snapshot of(llvm::StringRef contents);
  // Are `contents` what was recorded (and was one thing recorded)?
  bool matches(llvm::StringRef contents) const;
};

class file_snapshots {
 public:
  // The process's store: the runner records into it, fix --apply reads it.
  static file_snapshots& analysed();

  // `file` as findings name it (absolute, free of `.` and `..`). Thread-safe.
  void record(const std::string& file, llvm::StringRef contents);
  std::optional<file_snapshot> find(const std::string& file) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, file_snapshot> files_;
};

// Each file a unit read that is not a system header, once, under the name
// make_location() gives it, with its contents.
void each_analysed_file(const clang::SourceManager& sm,
                        llvm::function_ref<void(const std::string& file, llvm::StringRef contents)> visit);

// The runner's hook, called once per unit after its checks ran, while its
// SourceManager lives: records every file the unit read that is not a system
// header, under the name make_location() gives it.
void record_analysed_files(const clang::SourceManager& sm);

}  // namespace gocxx
