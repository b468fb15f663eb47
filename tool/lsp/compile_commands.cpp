#include "compile_commands.hpp"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "compilation_database.hpp"

namespace gocxx::lsp {

compile_command_source::database* compile_command_source::load(const std::string& dir) {
  llvm::SmallString<256> json(dir);
  llvm::sys::path::append(json, "compile_commands.json");
  llvm::sys::fs::file_status status;
  auto it = databases_.find(dir);
  if (llvm::sys::fs::status(json, status) || !llvm::sys::fs::exists(status)) {
    if (it != databases_.end()) databases_.erase(it);
    return nullptr;
  }
  if (it != databases_.end() && it->second->modified == status.getLastModificationTime() &&
      it->second->size == status.getSize())
    return it->second.get();
  auto db = std::make_unique<database>();
  db->modified = status.getLastModificationTime();
  db->size = status.getSize();
  compilation_database loaded;
  std::string error;
  if (load_compilation_database(dir, {}, loaded, error)) {
    db->project_root = project_root(loaded);
    db->path = loaded.path;
    db->db = clang::tooling::inferMissingCompileCommands(std::move(loaded.db));
  } else {
    db->path = std::string(json);
    db->problem = error;
  }
  return databases_.insert_or_assign(dir, std::move(db)).first->second.get();
}

document_command compile_command_source::for_file(const std::string& file) {
  std::lock_guard<std::mutex> lock(mu_);
  document_command out;
  database* db = nullptr;
  if (directory_) {
    db = load(*directory_);
    if (!db) out.problem = "--compile-commands-dir " + *directory_ + " holds no compile_commands.json";
  } else {
    for (llvm::StringRef dir = llvm::sys::path::parent_path(file); !dir.empty() && !db;
         dir = llvm::sys::path::parent_path(dir)) {
      db = load(dir.str());
      if (!db) {
        llvm::SmallString<256> build(dir);
        llvm::sys::path::append(build, "build");
        db = load(std::string(build));
      }
    }
  }
  if (db && db->db) {
    std::vector<clang::tooling::CompileCommand> commands = db->db->getCompileCommands(file);
    if (!commands.empty()) {
      out.command = commands.front();
      out.database = db->path;
      out.project_root = db->project_root;
      return out;
    }
  }
  if (db && !db->problem.empty()) out.problem = db->problem;
  // No database lists it and none is similar: what clangd does with no
  // database, in the language the runtime needs.
  std::string dir = llvm::sys::path::parent_path(file).str();
  out.command = clang::tooling::CompileCommand(dir, file, {"clang++", "-std=c++20", "-fsyntax-only", file}, "");
  out.project_root = checkout_root_or(dir);
  return out;
}

}  // namespace gocxx::lsp
