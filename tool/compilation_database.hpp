// The compilation database: compile_commands.json from -p BUILD_DIR or found
// upwards from the first file, and the translation units to analyse.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <clang/Tooling/CompilationDatabase.h>

#include "report.hpp"

namespace gocxx {

struct compilation_database {
  std::unique_ptr<clang::tooling::CompilationDatabase> db;
  std::string path;  // the compile_commands.json read
};

// Loads the database; false with a one-line message in `error`.
bool load_compilation_database(const std::optional<std::string>& build_dir, const std::vector<std::string>& files,
                               compilation_database& out, std::string& error);

// The absolute paths of the translation units to analyse: `files` (each made
// absolute against the current directory) or, when empty, every file of the
// database, sorted. Files that do not exist or are not in the database go
// to `errors`.
std::vector<std::string> select_translation_units(const compilation_database& cdb,
                                                  const std::vector<std::string>& files, std::vector<tu_error>& errors);

// The project the database builds, for the default header filter
// (header_filter.hpp): the deepest directory holding every source file of the
// database, or, when that lies in a version-controlled tree (an ancestor
// holds .git, .hg or .svn), that tree's root -- so that include/ beside src/
// is in while /usr/include and a vendored SDK outside the repository are out.
// With no sources: the database's own directory.
std::string project_root(const compilation_database& cdb);

// The nearest directory at or above `dir` (absolute) holding a checkout
// (.git, .hg, .svn), else `dir`: how project_root widens, and the compiler
// plugin's project root for a unit.
std::string checkout_root_or(const std::string& dir);

}  // namespace gocxx
