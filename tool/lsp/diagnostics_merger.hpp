// What the clangd wrapper publishes for a document: clangd's diagnostics
// and gocxx's in one publishDiagnostics.
// - clangd publishes: its diagnostics, with gocxx's of the same version
//   (gocxx's of an older text are left out until gocxx catches up).
// - gocxx publishes: its diagnostics with clangd's of the same version. If
//   clangd has not published that version yet, gocxx's wait for it -- but
//   not for ever: clangd skips a text equal to the one it last built (an
//   edit undone) and publishes nothing, so after a second (overdue()) they
//   go out with clangd's latest, which stand for that text.
// - Once clangd has ended, gocxx's go out alone.
// Documents are keyed by the file their URI names, not by the URI's
// spelling: clients and clangd escape different characters.
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
  // to wait for clangd's of that version.
  nlohmann::json from_gocxx(const std::string& uri, int64_t version, nlohmann::json diagnostics);
  // A while after from_gocxx(uri, version) waited: the params to send if
  // clangd has still not published that version (and gocxx has nothing
  // newer), else null.
  nlohmann::json overdue(const std::string& uri, int64_t version);
  // clangd ended: from now on gocxx's go out alone; the params of every
  // document gocxx has diagnostics of (clangd's are cleared with it).
  std::vector<nlohmann::json> clangd_ended();
  void forget(const std::string& uri);

 private:
  struct document {
    std::string uri;  // as last published
    bool clangd_seen = false;
    std::optional<int64_t> clangd_version;  // clangd may publish without one
    nlohmann::json clangd = nlohmann::json::array();
    std::optional<int64_t> gocxx_version;
    nlohmann::json gocxx = nlohmann::json::array();
  };
  static std::string key(const std::string& uri);
  // `d`'s params, published as `version`: clangd's diagnostics when
  // `with_clangd`, and gocxx's -- only if of `version`, when
  // `gocxx_of_version_only`.
  static nlohmann::json params(const document& d, bool with_clangd, std::optional<int64_t> version,
                               bool gocxx_of_version_only);

  std::mutex mu_;
  std::map<std::string, document> docs_;
  bool clangd_alive_ = true;
};

}  // namespace gocxx::lsp
