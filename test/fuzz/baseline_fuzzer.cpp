// libFuzzer target: the --baseline reader (tool/baseline.cpp). Any file
// must load or give one error line, never a crash.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "baseline.hpp"
#include "fuzz_input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = fuzz_input_path("baseline") + ".json";
  write_fuzz_input(path, data, size);
  gocxx::baseline known;
  std::string error;
  if (!known.load(path, error) && (error.empty() || error.find('\n') != std::string::npos)) {
    std::fprintf(stderr, "baseline::load failed without a one-line message: '%s'\n", error.c_str());
    std::abort();
  }
  return 0;
}
