// libFuzzer target: the compile_commands.json loader and the choice of
// translation units (tool/compilation_database.cpp). Any file must load or
// give one error line, never a crash or LLVM's own output.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <llvm/Support/FileSystem.h>

#include "compilation_database.hpp"
#include "fuzz_input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir = [] {
    std::string d = fuzz_input_path("cdb");
    llvm::sys::fs::create_directories(d);
    return d;
  }();
  write_fuzz_input(dir + "/compile_commands.json", data, size);
  gocxx::compilation_database cdb;
  std::string error;
  if (!gocxx::load_compilation_database(dir, {}, cdb, error)) {
    if (error.empty() || error.find('\n') != std::string::npos) {
      std::fprintf(stderr, "load_compilation_database failed without a one-line message: '%s'\n", error.c_str());
      std::abort();
    }
    return 0;
  }
  std::vector<gocxx::tu_error> errors;
  gocxx::select_translation_units(cdb, {}, errors);
  for (const gocxx::tu_error& e : errors)
    if (e.message.find('\n') != std::string::npos) {
      std::fprintf(stderr, "a unit's error is not one line: '%s'\n", e.message.c_str());
      std::abort();
    }
  return 0;
}
