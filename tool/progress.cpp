#include "progress.hpp"

#include <llvm/Support/Process.h>
#include <llvm/Support/raw_ostream.h>

#include "report.hpp"

namespace gocxx {

progress::progress(size_t total)
    : total_(total), enabled_(llvm::sys::Process::StandardErrIsDisplayed()), start_(std::chrono::steady_clock::now()) {}

progress::~progress() {
  if (shown_) llvm::errs() << "\r\x1b[K";
  llvm::errs().flush();
}

void progress::done(const std::string& file) {
  std::lock_guard<std::mutex> lock(mu_);
  ++done_;
  if (!enabled_ || std::chrono::steady_clock::now() - start_ < std::chrono::seconds(1)) return;
  shown_ = true;
  std::string name = display_path(file);
  unsigned width = llvm::sys::Process::StandardErrColumns();
  std::string line = "gocxx: [" + std::to_string(done_) + "/" + std::to_string(total_) + "] " + name;
  if (width > 1 && line.size() >= width) line.resize(width - 1);
  llvm::errs() << "\r\x1b[K" << line;
  llvm::errs().flush();
}

}  // namespace gocxx
