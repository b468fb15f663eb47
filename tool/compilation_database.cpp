#include "compilation_database.hpp"

#include "finding.hpp"

#include <clang/Tooling/JSONCompilationDatabase.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace gocxx {

namespace {

std::string absolute(llvm::StringRef path) {
  llvm::SmallString<256> p(path);
  // On failure (no current directory, checked at start) the path stays as given.
  if (std::error_code ignored = llvm::sys::fs::make_absolute(p)) (void)ignored;
  llvm::sys::path::remove_dots(p, /*remove_dot_dot=*/true);
  return std::string(p);
}

// Does `path` exist as a directory entry? Unlike fs::exists, true for a
// symbolic link that leads nowhere (or to itself): reading it says why.
bool entry_exists(const llvm::Twine& path) {
  llvm::sys::fs::file_status st;
  return !llvm::sys::fs::status(path, st, /*follow=*/false);
}

// Does `command` end inside quotes? Read as LLVM reads it (JSONCommandLine
// Syntax::Gnu): a backslash escapes the next character, except within single
// quotes. LLVM keeps such a quote in the argument ('"a.cpp': no such file).
bool unbalanced_quotes(const std::string& command) {
  char quote = 0;
  for (size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (c == '\\' && quote != '\'') {
      ++i;
    } else if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    }
  }
  return quote != 0;
}

// What is wrong with one entry of the database, or "". LLVM's own parser
// takes a number for a string and says nothing of it: the unit then fails
// with a misleading "no input files" or is silently skipped.
std::string entry_problem(const nlohmann::json& entry) {
  if (!entry.is_object()) return "not an object";
  for (const char* key : {"directory", "file"})
    if (!entry.contains(key)) return "no \"" + std::string(key) + "\"";
  if (!entry.contains("command") && !entry.contains("arguments")) return "neither \"command\" nor \"arguments\"";
  for (const char* key : {"directory", "file", "command", "output"})
    if (entry.contains(key) && !entry[key].is_string()) return "\"" + std::string(key) + "\" is not a string";
  if (entry.contains("arguments")) {
    const nlohmann::json& args = entry["arguments"];
    if (!args.is_array() || !std::all_of(args.begin(), args.end(), [](const auto& a) { return a.is_string(); }))
      return "\"arguments\" is not a list of strings";
    if (args.empty()) return "\"arguments\" is empty";
  } else {
    const std::string& command = entry["command"].get_ref<const std::string&>();
    if (llvm::StringRef(command).trim().empty()) return "\"command\" is empty";
    if (unbalanced_quotes(command)) return "\"command\" has an unbalanced quote";
  }
  return "";
}

bool load_file(const std::string& json, compilation_database& out, std::string& error) {
  // Validate the JSON first: LLVM's parser prints its own multi-line
  // complaint on stderr and then reports a misleading "Missing key".
  auto buffer = llvm::MemoryBuffer::getFile(json, /*IsText=*/true);
  if (!buffer) {
    error = "cannot read " + json + ": " + buffer.getError().message();
    return false;
  }
  try {
    nlohmann::json doc = nlohmann::json::parse((*buffer)->getBuffer().begin(), (*buffer)->getBuffer().end());
    if (!doc.is_array()) {
      error = "malformed compilation database " + json + ": not a JSON array";
      return false;
    }
    for (size_t i = 0; i < doc.size(); ++i) {
      std::string problem = entry_problem(doc[i]);
      if (problem.empty()) continue;
      std::string which = "entry " + std::to_string(i + 1);
      if (doc[i].is_object() && doc[i].contains("file") && doc[i]["file"].is_string())
        which += " (" + doc[i]["file"].get<std::string>() + ")";
      error = "malformed compilation database " + json + ": " + which + ": " + problem;
      return false;
    }
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 3: ..."
    size_t at = what.find("] ");
    error = "malformed compilation database " + json + ": " + (at == std::string::npos ? what : what.substr(at + 2));
    return false;
  }
  std::string message;
  auto db = clang::tooling::JSONCompilationDatabase::loadFromFile(json, message,
                                                                  clang::tooling::JSONCommandLineSyntax::AutoDetect);
  if (!db) {
    // LLVM's message names the file already in some cases; keep it one line.
    llvm::StringRef m = llvm::StringRef(message).trim();
    m = m.take_until([](char c) { return c == '\n'; });
    error = "malformed compilation database " + json + (m.empty() ? std::string() : ": " + m.str());
    return false;
  }
  out.db = std::move(db);
  out.path = json;
  return true;
}

}  // namespace

namespace {

bool load_database(const std::optional<std::string>& build_dir, const std::vector<std::string>& files,
                   compilation_database& out, std::string& error) {
  if (build_dir) {
    std::string dir = absolute(*build_dir);
    if (llvm::sys::path::filename(dir) == "compile_commands.json" && entry_exists(dir) &&
        !llvm::sys::fs::is_directory(dir))
      return load_file(dir, out, error);
    if (!llvm::sys::fs::is_directory(dir)) {
      error = "-p " + *build_dir + ": no such directory";
      return false;
    }
    llvm::SmallString<256> json(dir);
    llvm::sys::path::append(json, "compile_commands.json");
    if (!entry_exists(json)) {
      error = "no compile_commands.json in " + *build_dir +
              " (configure the build with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)";
      return false;
    }
    return load_file(std::string(json), out, error);
  }
  // No -p: upwards from the first file's directory, or the current one.
  std::string start = files.empty() ? absolute(".") : llvm::sys::path::parent_path(absolute(files.front())).str();
  for (llvm::StringRef dir = start; !dir.empty(); dir = llvm::sys::path::parent_path(dir)) {
    llvm::SmallString<256> json(dir);
    llvm::sys::path::append(json, "compile_commands.json");
    if (entry_exists(json)) return load_file(std::string(json), out, error);
  }
  error = "no compile_commands.json found in " + start + " or its parents (pass -p BUILD_DIR)";
  return false;
}

}  // namespace

bool load_compilation_database(const std::optional<std::string>& build_dir, const std::vector<std::string>& files,
                               compilation_database& out, std::string& error) {
  if (load_database(build_dir, files, out, error)) return true;
  // Messages quote file names and paths, which may hold any byte (found by
  // the fuzzer: a "file" with an escaped newline split the error line).
  error = one_line(error);
  return false;
}

std::vector<std::string> select_translation_units(const compilation_database& cdb,
                                                  const std::vector<std::string>& files,
                                                  std::vector<tu_error>& errors) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  if (files.empty()) {
    for (const std::string& f : cdb.db->getAllFiles()) {
      std::string abs = absolute(f);
      if (seen.insert(abs).second) out.push_back(abs);
    }
    std::sort(out.begin(), out.end());
    if (out.empty()) errors.push_back(tu_error{display_path(cdb.path), "the compilation database lists no files"});
    return out;
  }
  for (const std::string& f : files) {
    std::string abs = absolute(f);
    if (!seen.insert(abs).second) continue;
    if (!llvm::sys::fs::exists(abs)) {
      errors.push_back(tu_error{f, "no such file"});
      continue;
    }
    if (cdb.db->getCompileCommands(abs).empty()) {
      errors.push_back(tu_error{f, "not in the compilation database " + display_path(cdb.path)});
      continue;
    }
    out.push_back(abs);
  }
  return out;
}

std::string project_root(const compilation_database& cdb) {
  std::string common;
  bool any = false;
  for (const std::string& f : cdb.db->getAllFiles()) {
    std::string dir = llvm::sys::path::parent_path(absolute(f)).str();
    if (!any) {
      common = dir;
      any = true;
      continue;
    }
    // Shorten `common` to the deepest directory holding `dir` too.
    while (!common.empty() && !(dir == common || (llvm::StringRef(dir).starts_with(common) &&
                                                  (llvm::sys::path::is_separator(common.back()) ||
                                                   llvm::sys::path::is_separator(dir[common.size()])))))
      common = llvm::sys::path::parent_path(common).str();
  }
  if (!any) return llvm::sys::path::parent_path(cdb.path).str();
  return checkout_root_or(common);
}

std::string checkout_root_or(const std::string& dir) {
  for (llvm::StringRef at = dir; !at.empty(); at = llvm::sys::path::parent_path(at)) {
    for (const char* marker : {".git", ".hg", ".svn"}) {
      llvm::SmallString<256> path(at);
      llvm::sys::path::append(path, marker);
      if (entry_exists(path)) return at.str();
    }
  }
  return dir;
}

}  // namespace gocxx
