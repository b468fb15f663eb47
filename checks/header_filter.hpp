// Which files a translation unit's findings may be in and its fixes may edit
// (analyzer.md, --header-filter and HeaderFilterRegex): the user's own code,
// never a system header, and by default never a header outside the project
// or one of the runtime's own headers -- a program that includes the runtime
// with -I must not get remarks about, or fixes to, gocxx/select.hpp.
//
// - The unit's main file is always in (clang-tidy's rule).
// - A system header (-isystem, the compiler's own) is out, unless
//   --system-headers (SystemHeaders: true) lets it be filtered like others.
// - With a regex: a header is in when the regex matches somewhere in its
//   absolute path (llvm::Regex::match, as clang-tidy's HeaderFilterRegex).
// - Without: a header is in when it lies below the project root
//   (project_root() in tool/compilation_database.hpp) and is not one of the
//   runtime's headers (a directory gocxx/ holding gocxx.hpp and
//   detail/goroutine.hpp, wherever it is installed).
//
// One instance per translation unit: it caches its answers by FileID.
#pragma once
#include <clang/Basic/SourceLocation.h>
#include <clang/Basic/SourceManager.h>
#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Regex.h>

#include <optional>
#include <string>

namespace gocxx {

class header_filter {
 public:
  // `regex` must be valid (check_header_filter_regex); `project_root` is
  // absolute, without a trailing separator; empty: no header is below it.
  header_filter(const std::optional<std::string>& regex, std::string project_root, bool system_headers = false);

  // Whether a finding at `loc` (its file position: macros count where they
  // are expanded) may be shown.
  bool allows(const clang::SourceManager& sm, clang::SourceLocation loc);
  // Whether a finding in, or a fix to, file `fid` is allowed.
  bool allows(const clang::SourceManager& sm, clang::FileID fid);

 private:
  bool decide(const clang::SourceManager& sm, clang::FileID fid) const;

  std::optional<llvm::Regex> regex_;
  std::string root_;
  bool system_headers_;
  llvm::DenseMap<clang::FileID, bool> cache_;
};

// An empty string if `regex` can be a header filter, else why not.
std::string check_header_filter_regex(const std::string& regex);

// Whether `path` (absolute) is one of the runtime's headers.
bool is_runtime_header(llvm::StringRef path);

}  // namespace gocxx
