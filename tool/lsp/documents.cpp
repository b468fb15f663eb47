#include "documents.hpp"

#include "uri.hpp"

namespace gocxx::lsp {

bool document_store::open(const std::string& uri, std::string text, int64_t version, std::string& error) {
  std::optional<std::string> file = file_from_uri(uri);
  if (!file) {
    error = "'" + uri + "' is not a file:// URI of this machine";
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  docs_.insert_or_assign(uri, document{uri, *file, std::move(text), version, next_generation_++});
  return true;
}

bool document_store::change(const std::string& uri, int64_t version, const nlohmann::json& changes, position_encoding e,
                            std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = docs_.find(uri);
  if (it == docs_.end()) {
    error = "didChange of '" + uri + "', which is not open";
    return false;
  }
  if (!changes.is_array()) {
    error = "didChange: 'contentChanges' must be an array";
    return false;
  }
  std::string text = it->second.text;
  for (const nlohmann::json& c : changes) {
    if (!c.is_object() || !c.contains("text") || !c["text"].is_string()) {
      error = "didChange: a content change needs a 'text' string";
      return false;
    }
    const std::string& replacement = c["text"].get_ref<const std::string&>();
    if (!c.contains("range")) {
      text = replacement;
      continue;
    }
    line_index lines(text);
    const nlohmann::json& range = c["range"];
    std::optional<size_t> begin =
        range.is_object() && range.contains("start") ? lines.offset(range["start"], e) : std::nullopt;
    std::optional<size_t> end =
        range.is_object() && range.contains("end") ? lines.offset(range["end"], e) : std::nullopt;
    if (!begin || !end || *end < *begin) {
      error = "didChange: a content change has a malformed range";
      return false;
    }
    text.replace(*begin, *end - *begin, replacement);
  }
  it->second.text = std::move(text);
  it->second.version = version;
  it->second.generation = next_generation_++;
  return true;
}

void document_store::close(const std::string& uri) {
  std::lock_guard<std::mutex> lock(mu_);
  docs_.erase(uri);
}

std::optional<document> document_store::get(const std::string& uri) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = docs_.find(uri);
  if (it == docs_.end()) return std::nullopt;
  return it->second;
}

bool document_store::current(const std::string& uri, uint64_t generation) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = docs_.find(uri);
  return it != docs_.end() && it->second.generation == generation;
}

}  // namespace gocxx::lsp
