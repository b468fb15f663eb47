#include "source_cache.hpp"

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/SourceManager.h>

namespace gocxx {

source_cache::source_cache() = default;
source_cache::~source_cache() = default;

source_cache::entry source_cache::make_entry(std::unique_ptr<llvm::MemoryBuffer> buffer) {
  entry e;
  if (buffer) {
    e.buffer = std::move(buffer);
    llvm::StringRef text = e.buffer->getBuffer();
    // Named plainly for its in-memory file system: only the text matters.
    e.sm = std::make_unique<clang::SourceManagerForFile>("source.cpp", text);
    clang::SourceManager& sm = e.sm->get();
    // The engine SourceManagerForFile makes has no client, and clang reports
    // a file it cannot read as text (a UTF-16 or UTF-32 byte order mark)
    // through it: without one, a null dereference (found by fuzzing).
    sm.getDiagnostics().setClient(new clang::IgnoringDiagConsumer(), /*ShouldOwnClient=*/true);
    clang::FileID fid = sm.getMainFileID();
    bool invalid = false;
    unsigned count = sm.getLineNumber(fid, static_cast<unsigned>(text.size()), &invalid);
    if (invalid) {  // not text clang reads: no lines, no markers
      e.sm.reset();
      count = 0;
    }
    for (unsigned n = 1; n <= count; ++n) {
      size_t begin = sm.getFileOffset(sm.translateLineCol(fid, n, 1));
      size_t end = text.find_first_of("\r\n", begin);
      e.lines.push_back(text.slice(begin, end));
    }
  }
  return e;
}

source_cache::entry& source_cache::get(const std::string& file) {
  auto it = files_.find(file);
  if (it != files_.end()) return it->second;
  auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false, /*RequiresNullTerminator=*/true);
  return files_.emplace(file, make_entry(buffer ? std::move(*buffer) : nullptr)).first->second;
}

void source_cache::set_contents(const std::string& file, llvm::StringRef text) {
  files_.insert_or_assign(file, make_entry(llvm::MemoryBuffer::getMemBufferCopy(text, file)));
}

llvm::StringRef source_cache::line(const std::string& file, unsigned line) {
  const std::vector<llvm::StringRef>& lines = get(file).lines;
  if (line == 0 || line > lines.size()) return {};
  return lines[line - 1];
}

const clang::SourceManager* source_cache::source_manager(const std::string& file) {
  entry& e = get(file);
  return e.sm ? &e.sm->get() : nullptr;
}

}  // namespace gocxx
