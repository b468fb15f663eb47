// gocxx lsp --clangd PATH: one language server that is clangd plus gocxx.
// clangd runs as a child; every message passes through unchanged both ways
// (requests, responses, notifications, clangd's own requests to the
// client), except that
// - clangd's publishDiagnostics carries gocxx's diagnostics of the same
//   document version too, and gocxx's arrive the same way when they come
//   later than clangd's;
// - clangd's codeAction results are followed by gocxx's quick fixes.
// If clangd ends, gocxx says so once (window/showMessage), answers the
// requests clangd left unanswered with an error, and serves its own
// diagnostics and quick fixes alone.
#pragma once
#include "server.hpp"

namespace gocxx::lsp {

int run_clangd_wrapper(const server_options& options);

}  // namespace gocxx::lsp
