#include "baseline.hpp"

#include <llvm/Support/MemoryBuffer.h>

#include <nlohmann/json.hpp>

#include "report.hpp"

namespace gocxx {

bool baseline::load(const std::string& path, std::string& error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    error = "--baseline: cannot read '" + path + "': " + buffer.getError().message();
    return false;
  }
  nlohmann::json doc = nlohmann::json::parse((*buffer)->getBuffer().begin(), (*buffer)->getBuffer().end(),
                                             nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    error = "--baseline: '" + path + "' is not valid JSON";
    return false;
  }
  if (!doc.is_object() || !doc.contains("diagnostics") || !doc["diagnostics"].is_array()) {
    error = "--baseline: '" + path + "' is not a gocxx --format=json output (no \"diagnostics\" array)";
    return false;
  }
  for (const nlohmann::json& d : doc["diagnostics"]) {
    if (!d.is_object()) continue;
    auto str = [&](const char* key) {
      auto it = d.find(key);
      return it != d.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    known_.emplace(str("check"), str("file"), str("message"));
  }
  return true;
}

bool baseline::contains(const finding& f) const {
  return known_.count({f.check, display_path(f.loc.file), f.message}) != 0;
}

}  // namespace gocxx
