// The documents the client has open: their text as the editor holds it
// (not as it is on disk) and their version. The reading thread changes
// them; the analysis thread takes snapshots.
//
// Invariant: a document's `generation` grows with every change, so an
// analysis of an older generation is stale and its results are dropped.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "positions.hpp"

namespace gocxx::lsp {

struct document {
  std::string uri;   // as the client sent it
  std::string file;  // the absolute path it names
  std::string text;
  int64_t version = 0;
  uint64_t generation = 0;
};

class document_store {
 public:
  // False with `error` when the URI names no local file.
  bool open(const std::string& uri, std::string text, int64_t version, std::string& error);
  // Applies didChange's contentChanges in order (a full text, or a range
  // and its replacement); false with `error` for an unknown document or a
  // malformed change (the document is then left as it was).
  bool change(const std::string& uri, int64_t version, const nlohmann::json& changes, position_encoding e,
              std::string& error);
  void close(const std::string& uri);

  std::optional<document> get(const std::string& uri) const;
  // Whether `uri` is open and still at `generation`.
  bool current(const std::string& uri, uint64_t generation) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, document> docs_;
  uint64_t next_generation_ = 1;
};

}  // namespace gocxx::lsp
