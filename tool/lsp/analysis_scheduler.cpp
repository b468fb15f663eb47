#include "analysis_scheduler.hpp"

#include <algorithm>

#include "isolation.hpp"

namespace gocxx::lsp {

bool analysis_scheduler::start(std::string& error) {
  return start_analysis_thread([this] { loop(); }, error);
}

void analysis_scheduler::schedule(const std::string& uri, bool now) {
  std::lock_guard<std::mutex> lock(mu_);
  due_[uri] = now ? clock::now() : clock::now() + pause_;
  wake_.notify_one();
}

void analysis_scheduler::cancel(const std::string& uri) {
  std::lock_guard<std::mutex> lock(mu_);
  due_.erase(uri);
}

void analysis_scheduler::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (due_.empty()) {
      wake_.wait(lock);
      continue;
    }
    auto next =
        std::min_element(due_.begin(), due_.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    if (next->second > clock::now()) {
      wake_.wait_until(lock, next->second);
      continue;  // an edit may have moved it, or added an earlier one
    }
    std::string uri = next->first;
    due_.erase(next);
    lock.unlock();
    run_(uri);
    lock.lock();
  }
}

}  // namespace gocxx::lsp
