// The fuzz input as a file, for readers that take a path: one file per
// target and process under /tmp, rewritten for every input.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

inline void write_fuzz_input(const std::string& path, const uint8_t* data, size_t size) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(data, 1, size, f) != size || std::fclose(f) != 0) std::abort();
}

inline std::string fuzz_input_path(const char* name) {
  return "/tmp/gocxx-" + std::string(name) + "-fuzz-" + std::to_string(getpid());
}
