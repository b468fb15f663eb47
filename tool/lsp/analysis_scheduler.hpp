// When documents are analysed: once right away on open and save, and a
// short pause after the last edit (50 ms, or --debounce), on one thread of
// its own with the large stack analyses need (isolation.hpp). Edits made
// while a document is being analysed coalesce: the next analysis takes the
// latest text, however many edits came, so typing faster than the analysis
// runs never queues work; the scheduler's client drops the result of an
// analysis whose document changed meanwhile (documents.hpp).
//
// The pause is clangd's shortest, not clangd's adaptive one (as long as the
// last rebuild took): gocxx's analysis reads more of the preamble than
// clangd's rebuild (preamble_cache.hpp), and the coalescing already bounds
// the work a burst of typing costs.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace gocxx::lsp {

class analysis_scheduler {
 public:
  using clock = std::chrono::steady_clock;
  // Runs on the scheduler's thread, one document at a time.
  using job = std::function<void(const std::string& uri)>;
  static constexpr std::chrono::milliseconds default_pause{50};

  analysis_scheduler(job run, std::chrono::milliseconds pause) : run_(std::move(run)), pause_(pause) {}
  analysis_scheduler(const analysis_scheduler&) = delete;
  analysis_scheduler& operator=(const analysis_scheduler&) = delete;

  // Starts the thread (it runs until the process ends); false with `error`.
  bool start(std::string& error);
  // Analyses `uri` after the debounce pause, or as soon as the thread is
  // free when `now`.
  void schedule(const std::string& uri, bool now);
  void cancel(const std::string& uri);

 private:
  void loop();

  job run_;
  std::chrono::milliseconds pause_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::string, clock::time_point> due_;                // pending analyses
  std::map<std::string, std::chrono::milliseconds> last_took_;  // adaptive debounce
};

}  // namespace gocxx::lsp
