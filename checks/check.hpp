// The check framework shared by the gocxx driver, the clang-tidy module and
// the compiler plugin: a check is one small class with an id, options, AST
// matchers and an analysis, and it reports findings -- diagnostics with
// notes, fix-its and, for tools, a check-specific JSON object.
//
// Modelled on clang-tidy's ClangTidyCheck: matchers are registered once per
// translation unit, run() sees each match, on_end_of_translation_unit()
// sees the whole AST for analyses that are not match-by-match (escape
// analysis solves a graph over every function of the unit).
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/ASTMatchers/ASTMatchFinder.h>
#include <clang/Basic/SourceLocation.h>
#include <clang/Basic/SourceManager.h>
#include <llvm/ADT/StringRef.h>

#include "finding.hpp"

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace gocxx {

// Per-check options from .gocxx.yaml (`CheckOptions`-style key/value pairs).
// The driver gives each check the options whose key starts with its id and a
// dot, under both spellings: `MinBytes` and `gocxx-layout-padding.MinBytes`.
// get_int/get_bool return the fallback for a missing or malformed value.
class check_options {
 public:
  check_options() = default;
  explicit check_options(std::map<std::string, std::string> values) : values_(std::move(values)) {}
  std::string get(llvm::StringRef key, llvm::StringRef fallback) const;
  long long get_int(llvm::StringRef key, long long fallback) const;
  bool get_bool(llvm::StringRef key, bool fallback) const;

 private:
  std::map<std::string, std::string> values_;
};

// Builds a finding from Clang source locations.
class finding_builder {
 public:
  finding_builder(finding_sink& sink, const clang::SourceManager& sm, finding f);
  finding_builder(finding_builder&& other) noexcept;  // the moved-from builder reports nothing
  finding_builder& operator=(finding_builder&&) = delete;
  ~finding_builder();  // reports the finding
  finding_builder& note(clang::SourceLocation loc, llvm::StringRef message);
  finding_builder& fix_replace(clang::CharSourceRange range, llvm::StringRef replacement);
  finding_builder& fix_insert(clang::SourceLocation loc, llvm::StringRef text);
  finding_builder& data(nlohmann::json d);

 private:
  finding_sink* sink_;
  const clang::SourceManager* sm_;
  finding f_;
};

// The file position of `loc` (macro locations: where the macro is expanded),
// with `file` absolute and free of `.`/`..`.
location make_location(const clang::SourceManager& sm, clang::SourceLocation loc);

class check : public clang::ast_matchers::MatchFinder::MatchCallback {
 public:
  check(std::string id, check_options options) : id_(std::move(id)), options_(std::move(options)) {}
  ~check() override = default;

  const std::string& id() const { return id_; }
  const check_options& options() const { return options_; }

  // Called once per translation unit, before parsing finishes.
  virtual void register_matchers(clang::ast_matchers::MatchFinder&) {}
  // MatchCallback: one match of a registered matcher.
  void run(const clang::ast_matchers::MatchFinder::MatchResult&) override {}
  // After the matchers have run over the whole unit.
  virtual void on_end_of_translation_unit(clang::ASTContext&) {}

  void set_sink(finding_sink* sink) { sink_ = sink; }

 protected:
  finding_builder diag(const clang::SourceManager& sm, clang::SourceLocation loc, llvm::StringRef message,
                       severity sev = severity::warning);

 private:
  std::string id_;
  check_options options_;
  finding_sink* sink_ = nullptr;
};

// Every check the analyzer knows, by id. Each check family registers its
// checks in one function (checks/<family>/register.cpp).
class check_registry {
 public:
  using factory = std::unique_ptr<check> (*)(const check_options&);
  static check_registry& instance();
  void add(std::string id, std::string summary, factory make);
  struct entry {
    std::string id;
    std::string summary;
    factory make;
  };
  const std::vector<entry>& entries() const { return entries_; }

 private:
  std::vector<entry> entries_;
};

}  // namespace gocxx
