#include "companion_libraries.hpp"

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

namespace gocxx {

namespace {

struct library_place {
  llvm::StringRef file;       // as CMake names the target's file (tool/CMakeLists.txt)
  llvm::StringRef build_dir;  // its directory in the build tree
  llvm::StringRef name;       // for messages
};

library_place place_of(companion which) {
  switch (which) {
    case companion::tidy_module: return {GOCXX_TIDY_MODULE_FILE, "integrations/clang_tidy", "the clang-tidy module"};
    case companion::compiler_plugin: return {GOCXX_PLUGIN_FILE, "integrations/plugin", "the compiler plugin"};
  }
  return {};
}

}  // namespace

std::string companion_name(companion which) { return place_of(which).name.str(); }

std::string companion_library(companion which) {
  library_place place = place_of(which);
  std::string exe = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
  if (exe.empty()) return {};
  llvm::StringRef bin = llvm::sys::path::parent_path(exe);
  llvm::StringRef prefix = llvm::sys::path::parent_path(bin);
  llvm::SmallString<256> installed(prefix), built(prefix);
  llvm::sys::path::append(installed, "lib", "gocxx", place.file);
  llvm::sys::path::append(built, place.build_dir, place.file);
  for (const llvm::SmallString<256>& candidate : {installed, built}) {
    llvm::SmallString<256> real;
    if (llvm::sys::fs::exists(candidate) && !llvm::sys::fs::real_path(candidate, real)) return std::string(real);
  }
  return {};
}

}  // namespace gocxx
