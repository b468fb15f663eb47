#include "clangd_proxy.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "child_process.hpp"
#include "diagnostics_merger.hpp"
#include "json_rpc.hpp"

namespace gocxx::lsp {

namespace {

std::string key_of(const nlohmann::json& id) { return id.dump(); }

// How long gocxx's diagnostics wait for clangd's of the same version
// (diagnostics_merger.hpp).
constexpr std::chrono::milliseconds clangd_grace(1000);

class clangd_proxy {
 public:
  // options.clangd is set.
  explicit clangd_proxy(const server_options& options)
      : options_(options), clangd_path_(options.clangd.value_or("clangd")), client_(1) {}

  int run() {
    std::vector<std::string> argv{clangd_path_};
    argv.insert(argv.end(), options_.clangd_args.begin(), options_.clangd_args.end());
    if (options_.service.compile_commands_dir)
      argv.push_back("--compile-commands-dir=" + *options_.service.compile_commands_dir);
    std::string error;
    if (!clangd_.start(argv, error)) {
      log_line(error);
      return 2;
    }
    to_clangd_ = std::make_unique<message_writer>(clangd_.to_child());
    std::thread([this] { from_clangd(); }).detach();

    message_reader in(0);
    nlohmann::json m;
    while (next_message(in, client_, m, log_line)) {
      if (is_notification(m) && m["method"] == "exit") {
        to_clangd_->write(m);
        clangd_.finish(2);
        return shutdown_ ? 0 : 1;
      }
      if (is_request(m))
        client_request(m);
      else
        client_other(m);
    }
    log_line("the client closed its stream without 'exit'");
    clangd_.finish(1);
    return 1;
  }

 private:
  // A request from the client: clangd's to answer (gocxx adds to some
  // answers), unless clangd has ended.
  void client_request(const nlohmann::json& m) {
    const std::string method = m["method"].get<std::string>();
    const nlohmann::json& id = m["id"];
    nlohmann::json params = m.value("params", nlohmann::json::object());
    if (method == "initialize" && !service_ && params.is_object()) start_service(params);
    if (method == "shutdown") shutdown_ = true;
    std::unique_lock<std::mutex> lock(mu_);
    if (!clangd_alive_) {
      lock.unlock();
      client_.write(answer_without_clangd(id, method, params));
      return;
    }
    pending_[key_of(id)] = {method, params};
    lock.unlock();
    to_clangd_->write(m);
  }

  // Notifications and the client's answers to clangd's requests: passed on;
  // gocxx follows the documents.
  void client_other(const nlohmann::json& m) {
    if (is_notification(m)) {
      const std::string method = m["method"].get<std::string>();
      if (service_ && language_service::is_document_notification(method)) {
        std::string error;
        nlohmann::json params = m.value("params", nlohmann::json::object());
        if (!service_->on_document_notification(method, params, error)) log_line(error);
        nlohmann::json::json_pointer uri("/textDocument/uri");
        if (method == "textDocument/didClose" && params.contains(uri) && params[uri].is_string()) {
          merger_.forget(params[uri].get<std::string>());
          // clangd clears its and gocxx's; without clangd, gocxx clears its own.
          bool alive;
          {
            std::lock_guard<std::mutex> lock(mu_);
            alive = clangd_alive_;
          }
          if (!alive)
            client_.write(notification("textDocument/publishDiagnostics",
                                       {{"uri", params[uri]}, {"diagnostics", nlohmann::json::array()}}));
        }
      }
    }
    bool alive;
    {
      std::lock_guard<std::mutex> lock(mu_);
      alive = clangd_alive_;
    }
    // Not under mu_: the write blocks while clangd's input is full, and
    // clangd's reader needs mu_ to pass clangd's output on.
    if (alive) to_clangd_->write(m);
  }

  void start_service(const nlohmann::json& params) {
    auto service = std::make_unique<language_service>(
        with_initialize_options(options_.service, params),
        [this](const std::string& uri, int64_t version, nlohmann::json diagnostics) {
          nlohmann::json params = merger_.from_gocxx(uri, version, std::move(diagnostics));
          if (!params.is_null()) {
            client_.write(notification("textDocument/publishDiagnostics", std::move(params)));
            return;
          }
          // Waiting for clangd's of this version, which may never come.
          std::thread([this, uri, version] {
            std::this_thread::sleep_for(clangd_grace);
            nlohmann::json late = merger_.overdue(uri, version);
            if (!late.is_null()) client_.write(notification("textDocument/publishDiagnostics", std::move(late)));
          }).detach();
        },
        log_line);
    // The encoding is clangd's choice, known from its answer; until then
    // the client's preference (the same unless clangd refuses it).
    initialize_params_ = params;
    service->set_client(client_features_from(params, preferred_encoding(params)));
    std::string error;
    if (!service->start(error)) {
      log_line("cannot start the analysis thread: " + error + "; clangd alone from here");
      return;
    }
    service_ = std::move(service);
  }

  // What gocxx answers when clangd cannot: its own capabilities, shutdown,
  // its own quick fixes, else an error.
  nlohmann::json answer_without_clangd(const nlohmann::json& id, const std::string& method,
                                       const nlohmann::json& params) {
    if (method == "initialize") {
      if (!params.is_object()) return error_response(id, invalid_params, "initialize needs params");
      position_encoding e = preferred_encoding(params);
      if (service_) service_->set_client(client_features_from(params, e));
      return response(id,
                      {{"capabilities",
                        {{"positionEncoding", encoding_name(e)},
                         {"textDocumentSync", {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
                         {"codeActionProvider", {{"codeActionKinds", {"quickfix"}}}}}},
                       {"serverInfo", {{"name", "gocxx"}}}});
    }
    if (method == "shutdown") return response(id, nullptr);
    if (method == "textDocument/codeAction") return response(id, gocxx_actions(params));
    return error_response(id, request_failed, "clangd is not running: " + clangd_end_);
  }

  nlohmann::json gocxx_actions(const nlohmann::json& params) {
    nlohmann::json actions = nlohmann::json::array();
    std::string error;
    if (service_ && !service_->code_actions(params, actions, error)) log_line(error);
    return actions;
  }

  // clangd's side: its messages to the client, some completed by gocxx's.
  void from_clangd() {
    message_reader in(clangd_.from_child());
    for (;;) {
      std::string body;
      std::string problem;
      message_reader::status s = in.read(body, problem);
      if (s == message_reader::status::end) break;
      if (s == message_reader::status::malformed) {
        log_line("clangd sent a malformed message: " + problem);
        continue;
      }
      nlohmann::json m = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
      if (m.is_discarded() || !m.is_object()) {
        client_.write_raw(body);
        continue;
      }
      if (is_notification(m) && m["method"] == "textDocument/publishDiagnostics") {
        m["params"] = merger_.from_clangd(m.value("params", nlohmann::json::object()));
        client_.write(m);
        continue;
      }
      if (is_response(m) && complete_response(m)) {
        client_.write(m);
        continue;
      }
      client_.write_raw(body);
    }
    clangd_ended();
  }

  // clangd answered a client's request: gocxx adds its part to initialize
  // and codeAction answers. False when the answer passes unchanged.
  bool complete_response(nlohmann::json& m) {
    std::unique_lock<std::mutex> lock(mu_);
    auto it = pending_.find(key_of(m["id"]));
    if (it == pending_.end()) return false;
    auto [method, params] = it->second;
    pending_.erase(it);
    lock.unlock();
    if (method == "initialize" && m.contains("result") && m["result"].is_object()) {
      nlohmann::json& caps = m["result"]["capabilities"];
      position_encoding e = position_encoding::utf16;
      if (caps.is_object() && caps.contains("positionEncoding") && caps["positionEncoding"].is_string())
        e = parse_encoding(caps["positionEncoding"].get<std::string>()).value_or(e);
      else if (m["result"].contains("offsetEncoding") && m["result"]["offsetEncoding"].is_string())
        e = parse_encoding(m["result"]["offsetEncoding"].get<std::string>()).value_or(e);
      if (service_) service_->set_client(client_features_from(initialize_params_, e));
      if (!caps.is_object()) caps = nlohmann::json::object();
      if (!caps.contains("codeActionProvider") || caps["codeActionProvider"] == false)
        caps["codeActionProvider"] = {{"codeActionKinds", {"quickfix"}}};
      return true;
    }
    if (method == "textDocument/codeAction") {
      nlohmann::json ours = gocxx_actions(params);
      if (ours.empty()) return false;
      nlohmann::json all = m.contains("result") && m["result"].is_array() ? m["result"] : nlohmann::json::array();
      for (nlohmann::json& a : ours) all.push_back(std::move(a));
      m.erase("error");  // clangd failed it: gocxx's still answer it
      m["result"] = std::move(all);
      return true;
    }
    return false;
  }

  void clangd_ended() {
    std::map<std::string, std::pair<std::string, nlohmann::json>> unanswered;
    {
      std::lock_guard<std::mutex> lock(mu_);
      clangd_alive_ = false;
      unanswered.swap(pending_);
    }
    std::string how = clangd_path_ + " " + clangd_.ended_how();
    {
      std::lock_guard<std::mutex> lock(mu_);
      clangd_end_ = how;
    }
    // What clangd left unanswered (a shutdown among them) is answered,
    // whether or not it was asked to go.
    for (auto& [key, request] : unanswered)
      client_.write(answer_without_clangd(nlohmann::json::parse(key), request.first, request.second));
    if (shutdown_) return;  // it was asked to go: nothing to tell
    log_line("clangd ended (" + clangd_end_ + "); gocxx's diagnostics and quick fixes go on alone");
    client_.write(notification("window/showMessage",
                               {{"type", 2},
                                {"message", "clangd ended (" + clangd_end_ +
                                                "). gocxx keeps publishing its own diagnostics; restart the "
                                                "language server to get clangd's back."}}));
    for (nlohmann::json& params : merger_.clangd_ended())
      client_.write(notification("textDocument/publishDiagnostics", std::move(params)));
  }

  const server_options& options_;
  std::string clangd_path_;
  message_writer client_;
  child_process clangd_;
  std::unique_ptr<message_writer> to_clangd_;
  std::unique_ptr<language_service> service_;
  nlohmann::json initialize_params_;
  diagnostics_merger merger_;
  std::atomic<bool> shutdown_{false};

  std::mutex mu_;  // guards what follows
  bool clangd_alive_ = true;
  std::string clangd_end_;
  // The client's requests clangd has not answered: method and params.
  std::map<std::string, std::pair<std::string, nlohmann::json>> pending_;
};

}  // namespace

// Never destroyed: clangd's reader and the analysis thread run until the
// process ends (server.cpp).
int run_clangd_wrapper(const server_options& options) { return (new clangd_proxy(options))->run(); }

}  // namespace gocxx::lsp
