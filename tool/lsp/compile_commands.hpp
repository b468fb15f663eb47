// Where gocxx lsp finds a document's compile command, as clangd does: the
// nearest compile_commands.json in the file's directory or an ancestor (or
// in a build/ directory beside one), else the one --compile-commands-dir
// names; a file the database does not list (a header, a new source) gets
// the command of its most similar entry (clang's interpolation), and a file
// with no database a plain C++20 command.
#pragma once
#include <clang/Tooling/CompilationDatabase.h>
#include <llvm/Support/Chrono.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace gocxx::lsp {

struct document_command {
  clang::tooling::CompileCommand command;
  std::string database;      // the compile_commands.json used; empty: the fallback command
  std::string project_root;  // the default header filter's root (compilation_database.hpp)
  std::string problem;       // a database that could not be read (the fallback is used)
};

class compile_command_source {
 public:
  explicit compile_command_source(std::optional<std::string> directory) : directory_(std::move(directory)) {}
  document_command for_file(const std::string& file);

 private:
  struct database {
    std::unique_ptr<clang::tooling::CompilationDatabase> db;  // null: unreadable
    std::string path;
    std::string project_root;
    std::string problem;
    llvm::sys::TimePoint<> modified;  // the file's, when it was read
    uint64_t size = 0;
  };
  // The database of directory `dir` (holding compile_commands.json), read
  // again when the file changed (a build reconfigured, a half-written file
  // completed); null when `dir` has none.
  database* load(const std::string& dir);

  std::optional<std::string> directory_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<database>> databases_;  // by directory
};

}  // namespace gocxx::lsp
