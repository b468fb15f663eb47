// libFuzzer target: the .gocxx.yaml reader (tool/config.cpp). Any bytes
// must give a configuration or one error line, never a crash or a hang; a
// configuration it accepts, whose keys and values are printable ASCII, must
// survive write_config -> parse_config. (Control characters and invalid
// UTF-8 in a key or value are not promised a round trip: LLVM's YAML writer
// does not escape them all; no check id or option value needs them.)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  gocxx::config cfg;
  std::string error;
  if (!gocxx::parse_config(".gocxx.yaml", text, cfg, error)) {
    if (error.empty() || error.find('\n') != std::string::npos) {
      std::fprintf(stderr, "parse_config failed without a one-line message: '%s'\n", error.c_str());
      std::abort();
    }
    return 0;
  }
  auto printable = [](const std::string& s) {
    for (unsigned char c : s)
      if (c < 0x20 || c > 0x7e) return false;
    return true;
  };
  bool plain = printable(cfg.checks);
  for (const auto& [key, value] : cfg.check_options) plain = plain && printable(key) && printable(value);
  if (!plain) return 0;
  gocxx::config again;
  std::string written = gocxx::write_config(cfg);
  if (!gocxx::parse_config(".gocxx.yaml", written, again, error) || again.checks != cfg.checks ||
      again.fail_on != cfg.fail_on || again.check_options != cfg.check_options) {
    std::fprintf(stderr, "write_config does not round-trip: %s\nwritten:\n%s\n", error.c_str(), written.c_str());
    std::abort();
  }
  return 0;
}
