#include "diagnostics_merger.hpp"

#include "uri.hpp"

namespace gocxx::lsp {

std::string diagnostics_merger::key(const std::string& uri) {
  std::optional<std::string> file = file_from_uri(uri);
  return file ? *file : uri;
}

nlohmann::json diagnostics_merger::params(const document& d, bool with_clangd, std::optional<int64_t> version,
                                          bool gocxx_of_version_only) {
  nlohmann::json all = with_clangd ? d.clangd : nlohmann::json::array();
  bool gocxx_fits = d.gocxx_version && (!gocxx_of_version_only || !version || *version == *d.gocxx_version);
  if (gocxx_fits)
    for (const nlohmann::json& g : d.gocxx) all.push_back(g);
  nlohmann::json out = {{"uri", d.uri}, {"diagnostics", std::move(all)}};
  if (version) out["version"] = *version;
  return out;
}

nlohmann::json diagnostics_merger::from_clangd(nlohmann::json p) {
  if (!p.is_object() || !p.contains("uri") || !p["uri"].is_string() || !p.contains("diagnostics") ||
      !p["diagnostics"].is_array())
    return p;  // not ours to judge: passed on as it came
  std::string uri = p["uri"].get<std::string>();
  std::lock_guard<std::mutex> lock(mu_);
  document& d = docs_[key(uri)];
  d.uri = uri;
  d.clangd_seen = true;
  d.clangd = p["diagnostics"];
  d.clangd_version.reset();
  if (p.contains("version") && p["version"].is_number_integer()) d.clangd_version = p["version"].get<int64_t>();
  nlohmann::json out = params(d, true, d.clangd_version, /*gocxx_of_version_only=*/true);
  // Other members clangd may add are kept.
  for (auto& [k, value] : p.items())
    if (k != "diagnostics" && k != "uri" && k != "version") out[k] = value;
  return out;
}

nlohmann::json diagnostics_merger::from_gocxx(const std::string& uri, int64_t version, nlohmann::json diagnostics) {
  std::lock_guard<std::mutex> lock(mu_);
  document& d = docs_[key(uri)];
  if (d.uri.empty()) d.uri = uri;
  d.gocxx_version = version;
  d.gocxx = std::move(diagnostics);
  if (clangd_alive_ && (!d.clangd_seen || (d.clangd_version && *d.clangd_version != version))) return nullptr;
  return params(d, clangd_alive_, version, /*gocxx_of_version_only=*/false);
}

nlohmann::json diagnostics_merger::overdue(const std::string& uri, int64_t version) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = docs_.find(key(uri));
  if (it == docs_.end()) return nullptr;  // closed
  const document& d = it->second;
  if (d.gocxx_version != version || (d.clangd_version && *d.clangd_version == version)) return nullptr;
  return params(d, clangd_alive_, version, /*gocxx_of_version_only=*/false);
}

std::vector<nlohmann::json> diagnostics_merger::clangd_ended() {
  std::lock_guard<std::mutex> lock(mu_);
  clangd_alive_ = false;
  std::vector<nlohmann::json> out;
  for (auto& [k, d] : docs_)
    if (d.gocxx_version) out.push_back(params(d, false, d.gocxx_version, false));
  return out;
}

void diagnostics_merger::forget(const std::string& uri) {
  std::lock_guard<std::mutex> lock(mu_);
  docs_.erase(key(uri));
}

}  // namespace gocxx::lsp
