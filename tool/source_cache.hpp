// Source files, read once: the text writer prints source lines, SARIF counts
// columns on them, and the suppression scanner lexes `// gocxx:ignore[...]`
// comments. Lines are counted as clang's SourceManager counts them (a line
// ends at \n, \r\n or a lone \r), so that they agree with the findings'.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/MemoryBuffer.h>

// NOLINTBEGIN(readability-identifier-naming): clang's
namespace clang {
class SourceManager;
class SourceManagerForFile;
}  // namespace clang
// NOLINTEND(readability-identifier-naming)

namespace gocxx {

class source_cache {
 public:
  source_cache();
  ~source_cache();
  source_cache(const source_cache&) = delete;
  source_cache& operator=(const source_cache&) = delete;

  // Line `line` (1-based) of `file` without its line ending; empty when the
  // file or the line does not exist.
  llvm::StringRef line(const std::string& file, unsigned line);

  // A SourceManager whose main file holds `file`'s contents (as it is now),
  // for lexing it; null when the file cannot be read.
  const clang::SourceManager* source_manager(const std::string& file);

  // Takes `text` as `file`'s contents instead of what is on disk (an
  // editor's unsaved buffer, gocxx lsp).
  void set_contents(const std::string& file, llvm::StringRef text);

 private:
  struct entry {
    std::unique_ptr<llvm::MemoryBuffer> buffer;  // null-terminated, as clang's lexer needs
    std::unique_ptr<clang::SourceManagerForFile> sm;
    std::vector<llvm::StringRef> lines;
  };
  static entry make_entry(std::unique_ptr<llvm::MemoryBuffer> buffer);
  entry& get(const std::string& file);
  std::map<std::string, entry> files_;
};

}  // namespace gocxx
