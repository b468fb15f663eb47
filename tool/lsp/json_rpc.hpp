// JSON-RPC 2.0 over a byte stream with LSP's base protocol framing
// (`Content-Length: N\r\n\r\n` + N bytes of JSON): reading one message at a
// time from a file descriptor, and writing messages from several threads.
//
// Invariants: a reader never returns a partial message, and a malformed
// header costs only that message (the reader drops lines up to the next
// Content-Length); a writer writes each message whole, under one lock, so the
// replies of the reading thread and the notifications of the analysis
// thread never interleave.
#pragma once
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace gocxx::lsp {

// JSON-RPC and LSP error codes.
enum error_code : int {
  parse_error = -32700,
  invalid_request = -32600,
  method_not_found = -32601,
  invalid_params = -32602,
  internal_error = -32603,
  server_not_initialized = -32002,
  request_failed = -32803,
  request_cancelled = -32800,
};

class message_reader {
 public:
  explicit message_reader(int fd) : fd_(fd) {}

  enum class status {
    message,    // `body` holds one message's bytes (not necessarily valid JSON)
    malformed,  // a header was not LSP's; `problem` says why; reading may go on
    end,        // the stream ended (between messages, or inside one: `problem`)
  };
  status read(std::string& body, std::string& problem);

 private:
  // One header line without its line ending, and where it starts in
  // buffer_; false at the end of the stream.
  bool read_line(std::string& line, size_t& start);
  // Exactly `n` bytes; false at the end of the stream.
  bool read_bytes(size_t n, std::string& out);
  bool fill();

  int fd_;
  std::string buffer_;
  size_t at_ = 0;  // what of buffer_ was consumed
};

class message_writer {
 public:
  explicit message_writer(int fd) : fd_(fd) {}
  // False when the peer is gone (a broken pipe): the caller stops.
  bool write(const nlohmann::json& message);
  bool write_raw(const std::string& body);

 private:
  int fd_;
  std::mutex mu_;
};

// Message shapes.
nlohmann::json response(const nlohmann::json& id, nlohmann::json result);
nlohmann::json error_response(const nlohmann::json& id, int code, const std::string& message);
nlohmann::json notification(const std::string& method, nlohmann::json params);

// What kind of message `m` is: a request has a method and an id, a
// notification a method and no id, a response an id and no method.
inline bool is_request(const nlohmann::json& m) { return m.contains("method") && m.contains("id"); }
inline bool is_notification(const nlohmann::json& m) { return m.contains("method") && !m.contains("id"); }
inline bool is_response(const nlohmann::json& m) { return !m.contains("method") && m.contains("id"); }

// Why `m` is not a JSON-RPC 2.0 message an LSP server can act on; empty
// when it is one.
std::string invalid_message_reason(const nlohmann::json& m);

}  // namespace gocxx::lsp

namespace gocxx::lsp {

// The next valid message from `in`: malformed headers are logged and
// skipped, invalid JSON and invalid messages are answered on `out` with
// JSON-RPC's errors (id null when it cannot be read) and skipped. False at
// the end of the stream.
bool next_message(message_reader& in, message_writer& out, nlohmann::json& message,
                  void (*log)(const std::string& line));

}  // namespace gocxx::lsp
