// libFuzzer target: the `// gocxx:ignore[...]` scanner (tool/suppression.cpp),
// which lexes any source file a finding points into. Any bytes (unbalanced
// comments, CR-only lines, NULs, invalid UTF-8) must give an answer for
// every line, never a crash or a hang.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_input_file.hpp"
#include "source_cache.hpp"
#include "suppression.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = fuzz_input_path("suppression") + ".cpp";
  write_fuzz_input(path, data, size);
  gocxx::source_cache sources;
  gocxx::suppressions ignores(sources);
  gocxx::finding finding;
  finding.check = "gocxx-layout-padding";
  finding.loc.file = path;
  unsigned lines = 2;
  for (size_t i = 0; i < size; ++i) lines += data[i] == '\n' || data[i] == '\r';
  for (unsigned line = 1; line <= lines && line <= 64; ++line) {
    finding.loc.line = line;
    (void)ignores.suppressed(finding);
  }
  return 0;
}
