// The check framework the gocxx driver runs: a check is one small class with
// options, AST matchers and an analysis, and it reports findings --
// diagnostics with notes, fix-its and, for tools, a check-specific JSON
// object.
//
// Modelled on clang-tidy's ClangTidyCheck and ClangTidyModule:
// - the registry supplies a check's id (`registry.add("gocxx-x-y", "summary",
//   &make_check<my_check>)`); a check never spells its own id;
// - options are read once, in the constructor, through `options()`, and
//   written back by store_options(), so the driver can print the effective
//   configuration (--dump-config) and warn about keys no check reads;
// - matchers are registered once per translation unit, run() sees each
//   match, on_end_of_translation_unit() sees the whole AST for analyses that
//   are not match-by-match (escape analysis solves a graph over the unit).
//
// Check instances live for one translation unit; so does their
// check_context, which also holds analyses that several checks of a family
// share (the escape family's solved graph): nothing outlives the AST it
// points into.
#pragma once
#include <clang/AST/ASTContext.h>
#include <clang/ASTMatchers/ASTMatchFinder.h>
#include <clang/Basic/SourceLocation.h>
#include <clang/Basic/SourceManager.h>
#include <llvm/ADT/StringRef.h>

#include "finding.hpp"
#include "header_filter.hpp"

#include <climits>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

namespace gocxx {

// CheckOptions as .gocxx.yaml spells them: `check-id.Key` -> value.
using option_map = std::map<std::string, std::string>;

// What the checks of one translation unit share: the configured options,
// where findings go, problems found in the configuration, and analyses
// computed once for several checks.
class check_context {
 public:
  // `origin` names where the options came from (a .gocxx.yaml path) for
  // messages about them.
  // `filter`: which files findings may be in and fixes may edit; null:
  // every file (a unit test, a host with a filter of its own).
  check_context(option_map options, std::string origin, finding_sink* sink = nullptr, header_filter* filter = nullptr)
      : options_(std::move(options)), origin_(std::move(origin)), sink_(sink), filter_(filter) {}
  check_context(const check_context&) = delete;
  check_context& operator=(const check_context&) = delete;

  const option_map& options() const { return options_; }
  const std::string& origin() const { return origin_; }
  finding_sink* sink() const { return sink_; }
  header_filter* filter() const { return filter_; }

  // A malformed option value, and every full key a check looked up.
  void config_warning(std::string message) { warnings_.push_back(std::move(message)); }
  const std::vector<std::string>& config_warnings() const { return warnings_; }
  void note_key_read(std::string key) { keys_read_.insert(std::move(key)); }
  const std::set<std::string>& keys_read() const { return keys_read_; }

  // The unit's shared instance of T, default-constructed on first use (the
  // escape analysis result that report, heap-to-stack and dangling read).
  template <class T>
  T& unit_data() {
    std::shared_ptr<void>& slot = data_[&type_tag<T>];
    if (!slot) slot = std::make_shared<T>();
    return *static_cast<T*>(slot.get());
  }

 private:
  template <class T>
  static constexpr char type_tag = 0;  // one address per type, without RTTI

  option_map options_;
  std::string origin_;
  finding_sink* sink_;
  header_filter* filter_;
  std::vector<std::string> warnings_;
  std::set<std::string> keys_read_;
  std::map<const void*, std::shared_ptr<void>> data_;
};

// One check's view of the options (clang-tidy's OptionsView): `Key` is
// looked up as `check-id.Key`. A malformed value is a warning naming the
// file, the key and the value, and the fallback is used.
class options_view {
 public:
  options_view(const std::string& check_id, check_context& context) : prefix_(check_id + "."), context_(&context) {}

  std::string get(llvm::StringRef key, llvm::StringRef fallback) const;
  long long get_int(llvm::StringRef key, long long fallback, long long min = LLONG_MIN) const;
  bool get_bool(llvm::StringRef key, bool fallback) const;

  void store(option_map& out, llvm::StringRef key, llvm::StringRef value) const;
  void store(option_map& out, llvm::StringRef key, bool value) const;
  template <class Int>
    requires(std::is_integral_v<Int> && !std::is_same_v<Int, bool>)
  void store(option_map& out, llvm::StringRef key, Int value) const {
    store(out, key, llvm::StringRef(std::to_string(value)));
  }

 private:
  const std::string* find(llvm::StringRef key) const;
  void malformed(llvm::StringRef key, const std::string& value, llvm::StringRef expected,
                 const std::string& fallback) const;

  std::string prefix_;
  check_context* context_;
};

// Builds a finding from Clang source locations. A fix that would edit a file
// outside `filter` is dropped whole, with a note saying so.
class finding_builder {
 public:
  finding_builder(finding_sink& sink, const clang::SourceManager& sm, finding f, header_filter* filter = nullptr);
  finding_builder(finding_builder&& other) noexcept;  // the moved-from builder reports nothing
  finding_builder& operator=(finding_builder&&) = delete;
  ~finding_builder();  // reports the finding
  finding_builder& note(clang::SourceLocation loc, llvm::StringRef message);
  finding_builder& fix_replace(clang::CharSourceRange range, llvm::StringRef replacement);
  finding_builder& fix_insert(clang::SourceLocation loc, llvm::StringRef text);
  finding_builder& data(nlohmann::json d);

 private:
  bool may_edit(clang::FileID fid);

  finding_sink* sink_;
  const clang::SourceManager* sm_;
  header_filter* filter_;
  finding f_;
  std::string fix_outside_;  // the first file a fix would edit outside filter_
};

// The name of file `fid`, absolute and free of `.`/`..`; a buffer without a
// file by its own name (<built-in>, <scratch space>).
std::string absolute_name(const clang::SourceManager& sm, clang::FileID fid);

// The file position of `loc` (macro locations: where the macro is expanded),
// with `file` absolute and free of `.`/`..`.
location make_location(const clang::SourceManager& sm, clang::SourceLocation loc);

class check : public clang::ast_matchers::MatchFinder::MatchCallback {
 public:
  check(llvm::StringRef id, check_context& context) : id_(id.str()), context_(context), options_(id_, context) {}
  ~check() override = default;
  check(const check&) = delete;
  check& operator=(const check&) = delete;

  const std::string& id() const { return id_; }

  // Writes every option the check reads, with the value in effect, into
  // `out` (through options().store). The default: the check has none.
  virtual void store_options(option_map& out) const { (void)out; }

  // Called once per translation unit, before parsing finishes.
  virtual void register_matchers(clang::ast_matchers::MatchFinder&) {}
  // MatchCallback: one match of a registered matcher.
  void run(const clang::ast_matchers::MatchFinder::MatchResult&) override {}
  // After the matchers have run over the whole unit.
  virtual void on_end_of_translation_unit(clang::ASTContext&) {}

 protected:
  const options_view& options() const { return options_; }
  check_context& context() const { return context_; }
  finding_builder diag(const clang::SourceManager& sm, clang::SourceLocation loc, llvm::StringRef message,
                       severity sev = severity::warning);

 private:
  std::string id_;
  check_context& context_;
  options_view options_;
};

// The factory of check class T: what a family registers for each check
// (in the .cpp that defines T, when T is private to it).
template <class Check>
std::unique_ptr<check> make_check(llvm::StringRef id, check_context& context) {
  return std::make_unique<Check>(id, context);
}

// Every check the analyzer knows, by id. Each check family registers its
// checks in one function (checks/<family>/register.cpp, checks/families.hpp).
class check_registry {
 public:
  using factory = std::function<std::unique_ptr<check>(llvm::StringRef id, check_context&)>;
  struct entry {
    std::string id;
    std::string summary;
    factory make;
  };

  static check_registry& instance();

  // Registers `make` under `id`; the registry passes the id to it, so a
  // check never spells its own (make_check<T> for a check class T).
  void add(std::string id, std::string summary, factory make);
  const std::vector<entry>& entries() const { return entries_; }

 private:
  std::vector<entry> entries_;
};

// Runs the `enabled` checks over a parsed unit, as every host does that
// owns the matching (the driver, the compiler plugin; clang-tidy drives its
// own): each is made in `context`, registers its matchers, the matchers
// run, then each check's whole-unit analysis. The checks are gone when it
// returns; their findings are in the context's sink.
void run_checks_on_unit(clang::ASTContext& ctx, const std::vector<const check_registry::entry*>& enabled,
                        check_context& context);

}  // namespace gocxx
