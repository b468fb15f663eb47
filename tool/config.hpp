// .gocxx.yaml, found upwards from each analysed file:
//
//   Checks: '-*,gocxx-layout-*'        # appended to the subcommand's default
//   FailOn: note                       # remark | note | warning | error
//   HeaderFilterRegex: '/src/'         # headers whose findings are shown
//   SystemHeaders: false               # system headers too
//   CheckOptions:
//     gocxx-layout-padding.MinBytes: 8
//
// The command line's --checks come after the file's Checks, its --fail-on
// wins over FailOn, its --header-filter over HeaderFilterRegex and
// --system-headers over SystemHeaders.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "finding.hpp"

namespace gocxx {

struct config {
  std::string path;  // the .gocxx.yaml it came from; empty: none found
  std::string checks;
  std::optional<severity> fail_on;
  std::optional<std::string> header_filter;  // a valid llvm::Regex
  std::optional<bool> system_headers;
  std::map<std::string, std::string> check_options;
};

// Parses the text of one .gocxx.yaml; false with a one-line message
// (`path:line:col: ...`) in `error`.
bool parse_config(const std::string& path, const std::string& text, config& out, std::string& error);

// The .gocxx.yaml text of `cfg` (gocxx --dump-config); parse_config reads
// it back to the same configuration.
std::string write_config(const config& cfg);

class config_finder {
 public:
  // The configuration for `file` (absolute): the nearest .gocxx.yaml in its
  // directory or a parent. Thread-safe; each file is read once (or a few
  // times, by units asking at the same moment).
  // Null with a one-line `error` when that file is malformed.
  std::shared_ptr<const config> for_file(const std::string& file, std::string& error);

 private:
  struct loaded {
    std::shared_ptr<const config> cfg;
    std::string error;
  };
  // mu_ guards the cache only: files are read and parsed unlocked, so that
  // a unit whose analysis fails there (its thread jumps out: isolation.hpp)
  // cannot leave it locked. Two units may parse one file; the first wins.
  loaded for_directory(const std::string& dir);
  std::mutex mu_;
  std::map<std::string, loaded> dirs_;
};

}  // namespace gocxx
