// What the clangd wrapper publishes for a document: clangd's diagnostics
// and gocxx's of the same version in one publishDiagnostics. Whichever
// side is later completes the pair; until then the earlier side's
// diagnostics go out alone only if they are clangd's (gocxx's wait for
// clangd's of their version, which clangd always publishes for the latest
// text). Once clangd has ended, gocxx's go out alone.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace gocxx::lsp {

class diagnostics_merger {
 public:
  // clangd published `params`; the params to send instead.
  nlohmann::json from_clangd(nlohmann::json params);
  // gocxx's diagnostics of `uri` at `version`; the params to send, or null
  // to wait for clangd's.
  nlohmann::json from_gocxx(const std::string& uri, int64_t version, nlohmann::json diagnostics);
  // clangd ended: from now on gocxx's go out alone; the params of every
  // document whose gocxx diagnostics were waiting.
  std::vector<nlohmann::json> clangd_ended();
  void forget(const std::string& uri);

 private:
  struct document {
    bool clangd_seen = false;
    std::optional<int64_t> clangd_version;  // clangd may publish without one
    nlohmann::json clangd = nlohmann::json::array();
    std::optional<int64_t> gocxx_version;
    nlohmann::json gocxx = nlohmann::json::array();
  };
  static nlohmann::json merged(const std::string& uri, const document& d, std::optional<int64_t> version,
                               bool with_clangd);

  std::mutex mu_;
  std::map<std::string, document> docs_;
  bool clangd_alive_ = true;
};

}  // namespace gocxx::lsp
