#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

extern char** environ;  // NOLINT(readability-identifier-naming): POSIX's

namespace gocxx::lsp {

child_process::~child_process() {
  if (pid_ > 0) finish(0);
  if (from_child_ >= 0) ::close(from_child_);
}

bool child_process::start(const std::vector<std::string>& argv, std::string& error) {
  int in[2];
  int out[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
    error = std::string("cannot make a pipe: ") + std::strerror(errno);
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int rc = ::posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  if (rc != 0) {
    ::close(in[1]);
    ::close(out[0]);
    pid_ = -1;
    error = "cannot run '" + argv[0] + "': " + std::strerror(rc);
    return false;
  }
  to_child_ = in[1];
  from_child_ = out[0];
  return true;
}

bool child_process::reap(bool wait) {
  std::lock_guard<std::mutex> lock(mu_);
  if (status_ >= 0) return true;
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, wait ? 0 : WNOHANG);
  if (r != pid_) return false;
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
  return true;
}

int child_process::finish(unsigned seconds) {
  if (to_child_ >= 0) {
    ::close(to_child_);
    to_child_ = -1;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!reap(false) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (!reap(false) && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

std::string child_process::ended_how() {
  // Its stdout closes a moment before it can be reaped.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (!reap(false) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::lock_guard<std::mutex> lock(mu_);
  if (status_ < 0) return "closed its output";
  return status_ > 128 ? "killed by signal " + std::to_string(status_ - 128)
                       : "exited with status " + std::to_string(status_);
}

}  // namespace gocxx::lsp
