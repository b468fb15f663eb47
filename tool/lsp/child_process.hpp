// A child process whose stdin and stdout are pipes to this one (clangd, run
// by gocxx lsp --clangd); its stderr is ours, so its log reaches the
// editor's log with ours.
#pragma once
#include <sys/types.h>

#include <mutex>
#include <string>
#include <vector>

namespace gocxx::lsp {

class child_process {
 public:
  child_process() = default;
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  // Runs argv[0] (looked up on PATH); false with `error` when it cannot run.
  bool start(const std::vector<std::string>& argv, std::string& error);

  int to_child() const { return to_child_; }      // the child's stdin
  int from_child() const { return from_child_; }  // the child's stdout

  // Closes the child's stdin and waits up to `seconds` for it to end, then
  // kills it. Its exit status (or 128 + signal).
  int finish(unsigned seconds);
  // How the child ended, for the log, once its output closed (it is given
  // a second to exit).
  std::string ended_how();

 private:
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::mutex mu_;    // reaping: the exit path and clangd's reader may both ask
  int status_ = -1;  // once reaped: the exit status, or 128 + signal
  bool reap(bool wait);
};

}  // namespace gocxx::lsp
