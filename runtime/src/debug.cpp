// GOCXXDEBUG (see debug.hpp).
#include "debug.hpp"

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace go::detail {
namespace {

// A setting's value: a decimal number; anything else reads as 0.
int setting_value(std::string_view v) noexcept {
  int n = 0;
  if (v.empty()) return 0;
  for (char ch : v) {
    if (ch < '0' || ch > '9' || n > 100'000'000) return 0;
    n = n * 10 + (ch - '0');
  }
  return n;
}

void apply(std::string_view key, std::string_view value, debug_vars& vars) noexcept {
  if (key == "goroutineleak") vars.goroutineleak = setting_value(value);
  if (key == "longrunning") vars.longrunning = setting_value(value);
}

void parse(const char* value, debug_vars& vars) noexcept {
  std::string_view rest = value ? value : "";
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view entry = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    apply(entry.substr(0, eq), entry.substr(eq + 1), vars);
  }
}

}  // namespace

const debug_vars& gocxxdebug() noexcept {
  static const debug_vars vars = [] {
    debug_vars v;
    parse(std::getenv("GOCXXDEBUG"), v);
    return v;
  }();
  return vars;
}

}  // namespace go::detail
