// The companion server: gocxx's diagnostics and quick fixes for the
// documents an editor opens, beside clangd's. It answers initialize,
// shutdown and codeAction, and follows the documents' notifications;
// everything else is clangd's business (unknown requests: MethodNotFound).
#include "server.hpp"

#include <llvm/Support/raw_ostream.h>

#include <csignal>
#include <cstdlib>

#include "clangd_proxy.hpp"
#include "json_rpc.hpp"

#ifndef GOCXX_VERSION
#define GOCXX_VERSION "0.1.0"
#endif

namespace gocxx::lsp {

void log_line(const std::string& line) {
  llvm::errs() << "gocxx lsp: " << line << "\n";
  llvm::errs().flush();
}

position_encoding preferred_encoding(const nlohmann::json& params) {
  const nlohmann::json* offered = nullptr;
  if (!params.is_object()) return position_encoding::utf16;
  const nlohmann::json caps = params.value("capabilities", nlohmann::json::object());
  if (caps.is_object() && caps.contains("general") && caps["general"].is_object() &&
      caps["general"].contains("positionEncodings"))
    offered = &caps["general"]["positionEncodings"];
  else if (caps.is_object() && caps.contains("offsetEncoding"))
    offered = &caps["offsetEncoding"];
  if (offered && offered->is_array())
    for (const nlohmann::json& e : *offered)
      if (e == "utf-8") return position_encoding::utf8;
  return position_encoding::utf16;
}

client_features client_features_from(const nlohmann::json& params, position_encoding encoding) {
  client_features out;
  out.encoding = encoding;
  nlohmann::json::json_pointer related("/capabilities/textDocument/publishDiagnostics/relatedInformation");
  out.related_information = params.is_object() && params.contains(related) && params[related] == true;
  return out;
}

service_options with_initialize_options(service_options options, const nlohmann::json& params) {
  nlohmann::json::json_pointer db("/initializationOptions/compilationDatabasePath");
  if (!options.compile_commands_dir && params.is_object() && params.contains(db) && params[db].is_string())
    options.compile_commands_dir = params[db].get<std::string>();
  return options;
}

namespace {

nlohmann::json server_capabilities(position_encoding encoding) {
  return {{"positionEncoding", encoding_name(encoding)},
          {"textDocumentSync", {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
          {"codeActionProvider", {{"codeActionKinds", {"quickfix"}}}}};
}

class companion_server {
 public:
  explicit companion_server(const server_options& options) : options_(options), out_(1) {}

  int run() {
    message_reader in(0);
    nlohmann::json m;
    while (next_message(in, out_, m, log_line)) {
      if (is_response(m)) continue;  // it sends no requests
      const std::string method = m["method"].get<std::string>();
      const nlohmann::json params = m.value("params", nlohmann::json::object());
      if (method == "exit") return shutdown_ ? 0 : 1;
      if (is_request(m))
        request(m["id"], method, params);
      else
        on_notification(method, params);
    }
    log_line("the client closed its stream without 'exit'");
    return 1;
  }

 private:
  void request(const nlohmann::json& id, const std::string& method, const nlohmann::json& params) {
    if (method == "initialize") return initialize(id, params);
    if (!service_) return reply_error(id, server_not_initialized, "the server is not initialized");
    if (shutdown_) return reply_error(id, invalid_request, "the server is shutting down");
    if (method == "shutdown") {
      shutdown_ = true;
      out_.write(response(id, nullptr));
      return;
    }
    if (method == "textDocument/codeAction") {
      nlohmann::json actions;
      std::string error;
      if (!service_->code_actions(params, actions, error)) return reply_error(id, invalid_params, error);
      out_.write(response(id, actions));
      return;
    }
    reply_error(id, method_not_found, "gocxx lsp does not handle '" + method + "'");
  }

  void on_notification(const std::string& method, const nlohmann::json& params) {
    if (!service_ || !language_service::is_document_notification(method)) return;  // initialized, $/..., ...
    std::string error;
    if (!service_->on_document_notification(method, params, error)) {
      log_line(error);
    } else if (method == "textDocument/didClose") {
      out_.write(notification("textDocument/publishDiagnostics",
                              {{"uri", params["textDocument"]["uri"]}, {"diagnostics", nlohmann::json::array()}}));
    }
  }

  void initialize(const nlohmann::json& id, const nlohmann::json& params) {
    if (service_) return reply_error(id, invalid_request, "initialize was already called");
    if (!params.is_object()) return reply_error(id, invalid_params, "initialize needs params");
    service_options so = with_initialize_options(options_.service, params);
    position_encoding encoding = preferred_encoding(params);
    auto service = std::make_unique<language_service>(
        so,
        [this](const std::string& uri, int64_t version, const nlohmann::json& diagnostics) {
          out_.write(notification("textDocument/publishDiagnostics",
                                  {{"uri", uri}, {"version", version}, {"diagnostics", diagnostics}}));
        },
        log_line);
    service->set_client(client_features_from(params, encoding));
    std::string error;
    if (!service->start(error)) return reply_error(id, internal_error, "cannot start the analysis thread: " + error);
    service_ = std::move(service);
    nlohmann::json result = {{"capabilities", server_capabilities(encoding)},
                             {"serverInfo", {{"name", "gocxx"}, {"version", GOCXX_VERSION}}}};
    // clangd's extension, for clients that offered it instead of LSP 3.17's.
    nlohmann::json::json_pointer legacy("/capabilities/offsetEncoding");
    if (params.contains(legacy)) result["offsetEncoding"] = encoding_name(encoding);
    out_.write(response(id, result));
  }

  void reply_error(const nlohmann::json& id, int code, const std::string& message) {
    out_.write(error_response(id, code, message));
  }

  const server_options& options_;
  message_writer out_;
  std::unique_ptr<language_service> service_;
  bool shutdown_ = false;
};

}  // namespace

int run_language_server(const server_options& options) {
  // A client that goes away is a write error, not a signal.
  std::signal(SIGPIPE, SIG_IGN);
  // The analysis thread may be inside clang when the client says exit: the
  // servers are never destroyed, and the process ends without destroying
  // what that thread reads.
  int status = options.clangd ? run_clangd_wrapper(options) : (new companion_server(options))->run();
  llvm::errs().flush();
  std::_Exit(status);
}

}  // namespace gocxx::lsp
