#include "json_rpc.hpp"

#include <llvm/ADT/StringRef.h>

#include <cerrno>
#include <unistd.h>

namespace gocxx::lsp {

namespace {

// Larger messages are a protocol error: nothing an editor sends comes near.
constexpr size_t max_message_size = size_t(1) << 30;

}  // namespace

bool message_reader::fill() {
  // What was read is dropped once it is half the buffer: a long burst of
  // messages does not grow it without end.
  if (at_ > 0 && at_ * 2 >= buffer_.size()) {
    buffer_.erase(0, at_);
    at_ = 0;
  }
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

bool message_reader::read_line(std::string& line, size_t& start) {
  for (;;) {
    size_t nl = buffer_.find('\n', at_);
    if (nl != std::string::npos) {
      start = at_;  // after the last fill(), which may move what is unread
      line.assign(buffer_, at_, nl - at_);
      at_ = nl + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return true;
    }
    if (!fill()) return false;
  }
}

bool message_reader::read_bytes(size_t n, std::string& out) {
  while (buffer_.size() - at_ < n)
    if (!fill()) return false;
  out.assign(buffer_, at_, n);
  at_ += n;
  return true;
}

message_reader::status message_reader::read(std::string& body, std::string& problem) {
  std::string line;
  size_t length = 0;
  bool have_length = false;
  bool any = false;
  for (;;) {
    size_t start = 0;
    if (!read_line(line, start)) {
      if (any) problem = "the stream ended inside a message's header";
      return status::end;
    }
    if (line.empty()) {
      if (!any) continue;  // blank lines between messages
      break;
    }
    llvm::StringRef l(line);
    auto [name, value] = l.split(':');
    name = name.trim();
    value = value.trim();
    if (l.contains(':') && name.equals_insensitive("Content-Length")) {
      unsigned long long n = 0;
      if (value.getAsInteger(10, n) || n > max_message_size) {
        problem = "Content-Length '" + value.take_front(40).str() + "' is not a size up to 1 GiB";
        return status::malformed;
      }
      length = static_cast<size_t>(n);
      have_length = true;
      any = true;
      continue;
    }
    if (l.contains(':') && !name.empty() && name.find_first_of(" \t{}\"") == llvm::StringRef::npos) {
      // Content-Type (utf-8 is the only encoding LSP defines) and header
      // fields LSP does not define (a client's trace id) are ignored, as
      // clangd and vscode-jsonrpc ignore them.
      any = true;
      continue;
    }
    // Not a header line (the rest of a message whose header was bad, or
    // garbage): resynchronise on a Content-Length later in the line, else
    // drop the line.
    problem = "'" + l.take_front(80).str() + "' is not a header line";
    size_t resume = line.find("Content-Length:");
    if (resume != std::string::npos && resume > 0) at_ = start + resume;
    return status::malformed;
  }
  if (!have_length) {
    problem = "a message header without Content-Length";
    return status::malformed;
  }
  if (!read_bytes(length, body)) {
    problem = "the stream ended inside a message (" + std::to_string(length) + " bytes announced)";
    return status::end;
  }
  return status::message;
}

bool message_writer::write_raw(const std::string& body) {
  std::string out = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  std::lock_guard<std::mutex> lock(mu_);
  const char* p = out.data();
  size_t left = out.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

bool message_writer::write(const nlohmann::json& message) {
  // Invalid UTF-8 in a message (a file's bytes) is replaced, not thrown.
  return write_raw(message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

nlohmann::json response(const nlohmann::json& id, nlohmann::json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

nlohmann::json error_response(const nlohmann::json& id, int code, const std::string& message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

nlohmann::json notification(const std::string& method, nlohmann::json params) {
  return {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

std::string invalid_message_reason(const nlohmann::json& m) {
  if (!m.is_object()) return "a message must be a JSON object";
  if (m.contains("id") && !m["id"].is_string() && !m["id"].is_number_integer() && !m["id"].is_null())
    return "'id' must be a number or a string";
  if (m.contains("method") && !m["method"].is_string()) return "'method' must be a string";
  if (!m.contains("method") && !m.contains("id")) return "a message needs a 'method' or an 'id'";
  if (m.contains("params") && !m["params"].is_object() && !m["params"].is_array())
    return "'params' must be an object or an array";
  return "";
}

}  // namespace gocxx::lsp

namespace gocxx::lsp {

bool next_message(message_reader& in, message_writer& out, nlohmann::json& message,
                  void (*log)(const std::string& line)) {
  for (;;) {
    std::string body;
    std::string problem;
    switch (in.read(body, problem)) {
      case message_reader::status::end:
        if (!problem.empty()) log("the client's stream ended: " + problem);
        return false;
      case message_reader::status::malformed: log("skipped a malformed message: " + problem); continue;
      case message_reader::status::message: break;
    }
    message = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (message.is_discarded()) {
      log("a message is not valid JSON");
      out.write(error_response(nullptr, parse_error, "the message is not valid JSON"));
      continue;
    }
    std::string why = invalid_message_reason(message);
    if (!why.empty()) {
      log("an invalid message: " + why);
      // A response is never answered; a request's id is kept when it is one.
      if (!is_response(message)) {
        nlohmann::json id = message.is_object() && message.contains("id") &&
                                    (message["id"].is_string() || message["id"].is_number_integer())
                                ? message["id"]
                                : nlohmann::json();
        out.write(error_response(id, invalid_request, why));
      }
      continue;
    }
    return true;
  }
}

}  // namespace gocxx::lsp
