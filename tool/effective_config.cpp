#include "effective_config.hpp"

#include <llvm/ADT/StringRef.h>

#include "check_filter.hpp"

namespace gocxx {

std::string effective_checks_glob(const run_settings& settings, const config& cfg) {
  std::string out;
  for (const std::string* part : {&settings.default_checks, &cfg.checks, &settings.cli_checks}) {
    if (part->empty()) continue;
    if (!out.empty()) out += ",";
    out += *part;
  }
  return out;
}

std::vector<const check_registry::entry*> enabled_checks(const run_settings& settings, const config& cfg) {
  check_filter filter;
  filter.add(settings.default_checks);
  filter.add(cfg.checks);
  filter.add(settings.cli_checks);
  std::vector<const check_registry::entry*> out;
  for (const auto& e : check_registry::instance().entries())
    if (filter.enabled(e.id)) out.push_back(&e);
  return out;
}

namespace {

bool is_registered(llvm::StringRef id) {
  for (const auto& e : check_registry::instance().entries())
    if (e.id == id) return true;
  return false;
}

}  // namespace

effective_options_result effective_options(const std::vector<const check_registry::entry*>& enabled, const config& cfg,
                                           const option_map& extra) {
  option_map given = cfg.check_options;
  for (const auto& [k, v] : extra) given[k] = v;
  std::string origin = cfg.path.empty() ? "the command line" : cfg.path;
  check_context context(given, origin);
  effective_options_result out;
  for (const check_registry::entry* e : enabled) e->make(e->id, context)->store_options(out.options);
  out.warnings = context.config_warnings();

  // Only the file's keys are the user's to fix; the command line's (-m) are
  // set for the checks that read them.
  for (const auto& [key, value] : cfg.check_options) {
    llvm::StringRef id = llvm::StringRef(key).split('.').first;
    if (id.size() == key.size()) {
      out.warnings.push_back(origin + ": CheckOptions: '" + key + "' is not of the form check-id.Option");
    } else if (!is_registered(id)) {
      out.warnings.push_back(origin + ": CheckOptions: '" + key + "' names no check (see gocxx --list-checks)");
    } else if (!context.keys_read().count(key) && !out.options.count(key)) {
      bool on = false;
      for (const check_registry::entry* e : enabled) on = on || e->id == id;
      if (on)  // a disabled check's options are kept for when it is enabled
        out.warnings.push_back(origin + ": CheckOptions: unknown option '" + key.substr(id.size() + 1) +
                               "' for check '" + id.str() + "'");
    }
  }
  for (std::string& w : out.warnings) w = one_line(w);  // keys and values may span lines
  return out;
}

unit_configuration configure_unit(const run_settings& settings, const config& cfg) {
  unit_configuration out;
  out.enabled = enabled_checks(settings, cfg);
  out.options = cfg.check_options;
  for (const auto& [k, v] : settings.extra_options) out.options[k] = v;
  out.origin = cfg.path.empty() ? "the command line" : cfg.path;
  out.header_regex = effective_header_filter(settings, cfg);
  out.system_headers = effective_system_headers(settings, cfg);
  out.warnings = effective_options(out.enabled, cfg, settings.extra_options).warnings;
  return out;
}

std::optional<std::string> effective_header_filter(const run_settings& settings, const config& cfg) {
  return settings.cli_header_filter ? settings.cli_header_filter : cfg.header_filter;
}

bool effective_system_headers(const run_settings& settings, const config& cfg) {
  return settings.cli_system_headers || cfg.system_headers.value_or(false);
}

std::string dump_effective_config(const run_settings& settings, const config& cfg, std::vector<std::string>& warnings) {
  std::vector<const check_registry::entry*> enabled = enabled_checks(settings, cfg);
  effective_options_result options = effective_options(enabled, cfg, settings.extra_options);
  warnings = std::move(options.warnings);
  config effective;
  effective.checks = effective_checks_glob(settings, cfg);
  effective.fail_on = settings.cli_fail_on ? settings.cli_fail_on : cfg.fail_on.value_or(severity::warning);
  effective.header_filter = effective_header_filter(settings, cfg);
  effective.system_headers = effective_system_headers(settings, cfg);
  effective.check_options = std::move(options.options);
  return write_config(effective);
}

}  // namespace gocxx
