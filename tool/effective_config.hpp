// The configuration in effect for one file: which checks run and with which
// options, from the subcommand's default selection, the file's .gocxx.yaml
// and the command line, in that order. Also what is wrong with it: malformed
// option values and option keys that no check reads (a typo would otherwise
// be silently ignored).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "check.hpp"
#include "config.hpp"

namespace gocxx {

struct run_settings {
  std::string default_checks;  // the subcommand's selection, before .gocxx.yaml and --checks
  std::string cli_checks;      // --checks
  std::optional<severity> cli_fail_on;
  std::optional<std::string> cli_header_filter;  // --header-filter, a valid regex
  bool cli_system_headers = false;               // --system-headers
  std::string project_root;                      // the default header filter's root
  option_map extra_options;                      // CheckOptions from the command line (-m)
  unsigned jobs = 0;                             // 0: every core
  unsigned unit_timeout = 0;                     // seconds per unit (--unit-timeout); 0: none
};

// The selection as one clang-tidy glob list, in the order it is applied.
std::string effective_checks_glob(const run_settings& settings, const config& cfg);

// The registered checks that glob list enables, in registration order.
std::vector<const check_registry::entry*> enabled_checks(const run_settings& settings, const config& cfg);

struct effective_options_result {
  option_map options;  // every option of every enabled check, with its value in effect
  std::vector<std::string> warnings;
};

// Instantiates each enabled check (it reads its options in its constructor;
// no AST is needed) and collects what store_options() writes back. Warns
// about values a check could not parse and about keys of .gocxx.yaml that
// name an enabled check but no option it reads, or no check at all.
effective_options_result effective_options(const std::vector<const check_registry::entry*>& enabled, const config& cfg,
                                           const option_map& extra);

// What one unit runs under its configuration: the enabled checks, the
// options they are given (.gocxx.yaml's CheckOptions, then the command
// line's), where those came from, the header filter, and what is wrong
// with the options (effective_options' warnings). The driver's runner and
// the compiler plugin share it.
struct unit_configuration {
  std::vector<const check_registry::entry*> enabled;
  option_map options;
  std::string origin;  // the .gocxx.yaml, or "the command line"
  std::optional<std::string> header_regex;
  bool system_headers = false;
  std::vector<std::string> warnings;
};
unit_configuration configure_unit(const run_settings& settings, const config& cfg);

// The header filter in effect: --header-filter, else HeaderFilterRegex,
// else none (the default: the project's files).
std::optional<std::string> effective_header_filter(const run_settings& settings, const config& cfg);
// Whether system headers are filtered like others: --system-headers, else
// SystemHeaders, else no.
bool effective_system_headers(const run_settings& settings, const config& cfg);

// gocxx --dump-config: the effective configuration as .gocxx.yaml text
// (parse_config reads it back to the same configuration).
std::string dump_effective_config(const run_settings& settings, const config& cfg, std::vector<std::string>& warnings);

}  // namespace gocxx
