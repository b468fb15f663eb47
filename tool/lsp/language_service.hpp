// gocxx's side of a language server, whichever way editors reach it (the
// companion server, or the clangd wrapper): the open documents, their
// analysis, the diagnostics it produced and the quick fixes behind them.
// The host feeds it the client's document notifications and code action
// requests and publishes what it hands back.
//
// Invariant: diagnostics and code actions are only ever those of a
// document's current text: an analysis of text that changed meanwhile is
// dropped, and code actions are asked of the latest analysis only while
// its document has not changed since.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis_scheduler.hpp"
#include "diagnostics.hpp"
#include "documents.hpp"
#include "effective_config.hpp"

namespace gocxx::lsp {

class unit_analyser;

struct service_options {
  run_settings settings;                            // --checks and the like
  std::optional<std::string> compile_commands_dir;  // --compile-commands-dir
  std::optional<std::chrono::milliseconds> debounce;
  size_t preambles = 4;  // how many files keep a precompiled preamble
};

class language_service {
 public:
  // Called on the analysis thread: the diagnostics of `uri` at `version`.
  using publish_fn = std::function<void(const std::string& uri, int64_t version, nlohmann::json diagnostics)>;
  // A line for the server's log (stderr).
  using log_fn = std::function<void(const std::string& line)>;

  language_service(service_options options, publish_fn publish, log_fn log);
  ~language_service();
  language_service(const language_service&) = delete;
  language_service& operator=(const language_service&) = delete;

  bool start(std::string& error);
  // What the client can show; before the first document is opened.
  void set_client(const client_features& client) { client_ = client; }
  const client_features& client() const { return client_; }

  // textDocument/didOpen, didChange, didSave, didClose. False with `error`
  // for malformed params or an unknown document (the host logs it). After
  // didClose nothing more is published for the document; the host clears
  // what was.
  static bool is_document_notification(const std::string& method);
  bool on_document_notification(const std::string& method, const nlohmann::json& params, std::string& error);

  // textDocument/codeAction: the quick fixes of gocxx's diagnostics that
  // meet the request's range (an array, maybe empty); false with `error`
  // for malformed params.
  bool code_actions(const nlohmann::json& params, nlohmann::json& actions, std::string& error);

 private:
  struct result {
    uint64_t generation = 0;
    std::vector<nlohmann::json> diagnostics;
    std::vector<nlohmann::json> actions;  // null where the finding has no fix
    std::string problem;                  // logged when it changes
    std::string database_problem;         // likewise
  };
  void analyse(const std::string& uri);  // the scheduler's thread

  service_options options_;
  publish_fn publish_;
  log_fn log_;
  client_features client_;
  document_store documents_;
  std::unique_ptr<unit_analyser> analyser_;  // the scheduler's thread only
  analysis_scheduler scheduler_;
  mutable std::mutex mu_;
  std::map<std::string, result> results_;
};

}  // namespace gocxx::lsp
