#include "source_cache.hpp"

namespace gocxx {

llvm::StringRef source_cache::line(const std::string& file, unsigned line) {
  auto it = files_.find(file);
  if (it == files_.end()) {
    entry e;
    if (auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false, /*RequiresNullTerminator=*/false)) {
      e.buffer = std::move(*buffer);
      llvm::StringRef text = e.buffer->getBuffer();
      while (!text.empty()) {
        auto [first, rest] = text.split('\n');
        e.lines.push_back(first.rtrim('\r'));
        text = rest;
      }
    }
    it = files_.emplace(file, std::move(e)).first;
  }
  const std::vector<llvm::StringRef>& lines = it->second.lines;
  if (line == 0 || line > lines.size()) return {};
  return lines[line - 1];
}

}  // namespace gocxx
