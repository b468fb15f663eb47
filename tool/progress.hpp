// A progress line on stderr ("gocxx: [3/10] src/a.cpp"), shown only when
// stderr is a terminal and the run has lasted more than a second; erased at
// the end. Thread-safe.
#pragma once
#include <chrono>
#include <mutex>
#include <string>

namespace gocxx {

class progress {
 public:
  explicit progress(size_t total);
  ~progress();
  void done(const std::string& file);  // one more translation unit finished

 private:
  std::mutex mu_;
  size_t total_;
  size_t done_ = 0;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace gocxx
