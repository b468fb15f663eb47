#include "diagnostics_merger.hpp"

namespace gocxx::lsp {

nlohmann::json diagnostics_merger::merged(const std::string& uri, const document& d, std::optional<int64_t> version,
                                          bool with_clangd) {
  nlohmann::json all = with_clangd ? d.clangd : nlohmann::json::array();
  // gocxx's belong to a version; they join clangd's of that version (or of
  // none, when clangd does not say).
  if (d.gocxx_version && (!version || *version == *d.gocxx_version))
    for (const nlohmann::json& g : d.gocxx) all.push_back(g);
  nlohmann::json params = {{"uri", uri}, {"diagnostics", std::move(all)}};
  if (version) params["version"] = *version;
  return params;
}

nlohmann::json diagnostics_merger::from_clangd(nlohmann::json params) {
  if (!params.is_object() || !params.contains("uri") || !params["uri"].is_string() || !params.contains("diagnostics") ||
      !params["diagnostics"].is_array())
    return params;  // not ours to judge: passed on as it came
  std::string uri = params["uri"].get<std::string>();
  std::lock_guard<std::mutex> lock(mu_);
  document& d = docs_[uri];
  d.clangd_seen = true;
  d.clangd = params["diagnostics"];
  d.clangd_version.reset();
  if (params.contains("version") && params["version"].is_number_integer())
    d.clangd_version = params["version"].get<int64_t>();
  nlohmann::json out = merged(uri, d, d.clangd_version, true);
  // Other members clangd may add are kept.
  for (auto& [key, value] : params.items())
    if (key != "diagnostics" && key != "uri" && key != "version") out[key] = value;
  return out;
}

nlohmann::json diagnostics_merger::from_gocxx(const std::string& uri, int64_t version, nlohmann::json diagnostics) {
  std::lock_guard<std::mutex> lock(mu_);
  document& d = docs_[uri];
  d.gocxx_version = version;
  d.gocxx = std::move(diagnostics);
  if (!clangd_alive_) return merged(uri, d, version, false);
  if (d.clangd_seen && (!d.clangd_version || *d.clangd_version == version))
    return merged(uri, d, d.clangd_version, true);
  return nullptr;  // clangd publishes this version later
}

std::vector<nlohmann::json> diagnostics_merger::clangd_ended() {
  std::lock_guard<std::mutex> lock(mu_);
  clangd_alive_ = false;
  std::vector<nlohmann::json> out;
  for (auto& [uri, d] : docs_) {
    if (!d.gocxx_version) continue;
    // clangd's diagnostics are cleared with it: they would never update.
    out.push_back(merged(uri, d, d.gocxx_version, false));
  }
  return out;
}

void diagnostics_merger::forget(const std::string& uri) {
  std::lock_guard<std::mutex> lock(mu_);
  docs_.erase(uri);
}

}  // namespace gocxx::lsp
