// gocxx lsp: a Language Server Protocol 3.17 server on stdin/stdout
// (docs/editors.md). Alone it is a companion that editors run beside
// clangd; with --clangd PATH it runs clangd as its child and is the one
// server an editor needs (clangd_proxy.hpp).
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "diagnostics.hpp"
#include "language_service.hpp"

namespace gocxx::lsp {

struct server_options {
  service_options service;
  std::optional<std::string> clangd;     // --clangd PATH
  std::vector<std::string> clangd_args;  // --clangd-arg, each
};

// Serves until `exit` or the end of stdin; returns the exit status (0
// after shutdown + exit, 1 otherwise, as LSP asks).
int run_language_server(const server_options& options);

// Shared by both servers:
// What the client can show, from its initialize params, with `encoding`.
client_features client_features_from(const nlohmann::json& initialize_params, position_encoding encoding);
// The encoding a server that can do all three picks from the client's
// offer (LSP 3.17 general.positionEncodings, or clangd's offsetEncoding):
// UTF-8 when offered, else UTF-16, which every client supports.
position_encoding preferred_encoding(const nlohmann::json& initialize_params);
// The service's options with clangd's initializationOptions.
// compilationDatabasePath, unless the command line named a directory.
service_options with_initialize_options(service_options options, const nlohmann::json& initialize_params);
// One line on stderr, which editors keep as the server's log.
void log_line(const std::string& line);

}  // namespace gocxx::lsp
