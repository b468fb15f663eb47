#include "baseline.hpp"

#include <llvm/Support/MemoryBuffer.h>

#include <nlohmann/json.hpp>

#include "report.hpp"

namespace gocxx {

namespace {

// Why entry `d` is not a diagnostic of gocxx's JSON output (empty if it is),
// and its check, file and message.
std::string read_entry(const nlohmann::json& d, std::string& check, std::string& file, std::string& message) {
  if (!d.is_object()) return "is not an object";
  for (const char* key : {"check", "file", "message"}) {
    auto it = d.find(key);
    if (it == d.end()) return std::string("has no \"") + key + "\"";
    if (!it->is_string()) return std::string("\"") + key + "\" is not a string";
  }
  for (const char* key : {"line", "column"}) {
    auto it = d.find(key);
    if (it != d.end() && !it->is_number_unsigned()) return std::string("\"") + key + "\" is not a line number";
  }
  check = d["check"].get<std::string>();
  file = d["file"].get<std::string>();
  message = d["message"].get<std::string>();
  // A name that is not UTF-8: "file" has lost bytes, "file_uri" has them.
  if (auto it = d.find("file_uri"); it != d.end()) {
    std::optional<std::string> exact = it->is_string() ? path_from_uri(it->get<std::string>()) : std::nullopt;
    if (!exact) return "\"file_uri\" is not a percent-encoded path";
    file = *exact;
  }
  return "";
}

}  // namespace

bool baseline::load(const std::string& path, std::string& error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    error = "--baseline: cannot read '" + path + "': " + buffer.getError().message();
    return false;
  }
  nlohmann::json doc = nlohmann::json::parse((*buffer)->getBuffer().begin(), (*buffer)->getBuffer().end(), nullptr,
                                             /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    error = "--baseline: '" + path + "' is not valid JSON";
    return false;
  }
  if (!doc.is_object() || !doc.contains("diagnostics") || !doc["diagnostics"].is_array()) {
    error = "--baseline: '" + path + "' is not a gocxx --format=json output (no \"diagnostics\" array)";
    return false;
  }
  // Version 1 is the only one there is; a later one could mean its entries
  // differently, and matching them as version 1 would hide the wrong findings.
  auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() || *version != 1) {
    error = "--baseline: '" + path + "': \"version\" is " + (version == doc.end() ? "missing" : version->dump()) +
            ", not 1";
    return false;
  }
  const nlohmann::json& diagnostics = doc["diagnostics"];
  for (size_t i = 0; i < diagnostics.size(); ++i) {
    std::string check, file, message;
    std::string why = read_entry(diagnostics[i], check, file, message);
    if (!why.empty()) {
      error = "--baseline: '" + path + "': diagnostics[" + std::to_string(i) + "] " + why;
      return false;
    }
    known_.emplace(std::move(check), std::move(file), std::move(message));
  }
  return true;
}

bool baseline::contains(const finding& f) const {
  return known_.count({f.check, display_path(f.loc.file), f.message}) != 0;
}

}  // namespace gocxx
