// The lines of source files, read once: the text writer prints source lines
// and the suppression scanner looks for `// gocxx:ignore[...]` comments.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/MemoryBuffer.h>

namespace gocxx {

class source_cache {
 public:
  // Line `line` (1-based) of `file` without its line ending; empty when the
  // file or the line does not exist.
  llvm::StringRef line(const std::string& file, unsigned line);

 private:
  struct entry {
    std::unique_ptr<llvm::MemoryBuffer> buffer;
    std::vector<llvm::StringRef> lines;
  };
  std::map<std::string, entry> files_;
};

}  // namespace gocxx
