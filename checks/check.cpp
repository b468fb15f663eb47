// The parts of the check framework that are not per check: options,
// building findings from Clang locations, the registry.
#include "check.hpp"

#include <clang/Basic/FileManager.h>
#include <clang/Basic/LangOptions.h>
#include <clang/Lex/Lexer.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/Path.h>

namespace gocxx {

const std::string* options_view::find(llvm::StringRef key) const {
  std::string full = prefix_ + key.str();
  context_->note_key_read(full);
  auto it = context_->options().find(full);
  return it == context_->options().end() ? nullptr : &it->second;
}

void options_view::malformed(llvm::StringRef key, const std::string& value, llvm::StringRef expected,
                             const std::string& fallback) const {
  context_->config_warning(one_line(context_->origin() + ": CheckOptions: " + prefix_ + key.str() + ": '" + value +
                                    "' is not " + expected.str() + "; using " + fallback));
}

std::string options_view::get(llvm::StringRef key, llvm::StringRef fallback) const {
  const std::string* v = find(key);
  return v ? *v : fallback.str();
}

long long options_view::get_int(llvm::StringRef key, long long fallback, long long min) const {
  const std::string* v = find(key);
  if (!v) return fallback;
  long long parsed = 0;
  if (llvm::StringRef(*v).trim().getAsInteger(10, parsed)) {
    malformed(key, *v, "an integer", std::to_string(fallback));
    return fallback;
  }
  if (parsed < min) {
    malformed(key, *v, "at least " + std::to_string(min), std::to_string(fallback));
    return fallback;
  }
  return parsed;
}

bool options_view::get_bool(llvm::StringRef key, bool fallback) const {
  const std::string* v = find(key);
  if (!v) return fallback;
  llvm::StringRef t = llvm::StringRef(*v).trim();
  // YAML 1.1's spellings, which users write in .gocxx.yaml.
  for (llvm::StringRef yes : {"true", "1", "yes", "on"})
    if (t.equals_insensitive(yes)) return true;
  for (llvm::StringRef no : {"false", "0", "no", "off"})
    if (t.equals_insensitive(no)) return false;
  malformed(key, *v, "true or false", fallback ? "true" : "false");
  return fallback;
}

void options_view::store(option_map& out, llvm::StringRef key, llvm::StringRef value) const {
  out[prefix_ + key.str()] = value.str();
}

void options_view::store(option_map& out, llvm::StringRef key, bool value) const {
  store(out, key, llvm::StringRef(value ? "true" : "false"));
}

namespace {

clang::LangOptions lexing_options() {
  clang::LangOptions lo;
  lo.CPlusPlus = lo.CPlusPlus11 = lo.CPlusPlus14 = lo.CPlusPlus17 = lo.CPlusPlus20 = true;
  lo.LineComment = true;
  lo.Bool = true;
  return lo;
}

}  // namespace

std::string absolute_name(const clang::SourceManager& sm, clang::FileID fid) {
  llvm::SmallString<256> path;
  if (auto ref = sm.getFileEntryRefForID(fid)) {
    path = ref->getName();
  } else {
    // A buffer without a file: <built-in>, <scratch space>, <command line>.
    return sm.getBufferName(sm.getLocForStartOfFile(fid)).str();
  }
  sm.getFileManager().makeAbsolutePath(path);
  llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
  return std::string(path);
}

location make_location(const clang::SourceManager& sm, clang::SourceLocation loc) {
  location out;
  if (loc.isInvalid()) return out;
  clang::SourceLocation file_loc = sm.getFileLoc(loc);
  std::pair<clang::FileID, unsigned> decomposed = sm.getDecomposedLoc(file_loc);
  out.file = absolute_name(sm, decomposed.first);
  out.offset = decomposed.second;
  out.line = sm.getLineNumber(decomposed.first, decomposed.second);
  out.column = sm.getColumnNumber(decomposed.first, decomposed.second);
  return out;
}

finding_builder::finding_builder(finding_sink& sink, const clang::SourceManager& sm, finding f, header_filter* filter)
    : sink_(&sink), sm_(&sm), filter_(filter), f_(std::move(f)) {}

finding_builder::finding_builder(finding_builder&& other) noexcept
    : sink_(other.sink_),
      sm_(other.sm_),
      filter_(other.filter_),
      f_(std::move(other.f_)),
      fix_outside_(std::move(other.fix_outside_)) {
  other.sink_ = nullptr;
}

finding_builder::~finding_builder() {
  if (!sink_) return;
  if (!fix_outside_.empty()) {
    // Part of a fix would be lost: offer none of it.
    f_.fixes.clear();
    f_.notes.push_back(finding_note{f_.loc, "no fix offered: it would edit " + fix_outside_ +
                                                ", which is outside the header filter (--header-filter)"});
  }
  sink_->report(std::move(f_));
}

bool finding_builder::may_edit(clang::FileID fid) {
  if (!filter_ || filter_->allows(*sm_, fid)) return true;
  if (fix_outside_.empty()) fix_outside_ = absolute_name(*sm_, fid);
  return false;
}

finding_builder& finding_builder::note(clang::SourceLocation loc, llvm::StringRef message) {
  f_.notes.push_back(finding_note{make_location(*sm_, loc), message.str()});
  return *this;
}

finding_builder& finding_builder::fix_replace(clang::CharSourceRange range, llvm::StringRef replacement) {
  if (range.isInvalid()) return *this;
  clang::SourceLocation begin = sm_->getFileLoc(range.getBegin());
  clang::SourceLocation end = sm_->getFileLoc(range.getEnd());
  if (range.isTokenRange()) {
    static const clang::LangOptions lo = lexing_options();
    end = end.getLocWithOffset(clang::Lexer::MeasureTokenLength(end, *sm_, lo));
  }
  auto b = sm_->getDecomposedLoc(begin);
  auto e = sm_->getDecomposedLoc(end);
  if (b.first != e.first || e.second < b.second) return *this;  // spans files or macros: no fix
  if (!may_edit(b.first)) return *this;
  f_.fixes.push_back(text_edit{absolute_name(*sm_, b.first), b.second, e.second - b.second, replacement.str()});
  return *this;
}

finding_builder& finding_builder::fix_insert(clang::SourceLocation loc, llvm::StringRef text) {
  if (loc.isInvalid()) return *this;
  auto d = sm_->getDecomposedLoc(sm_->getFileLoc(loc));
  if (!may_edit(d.first)) return *this;
  f_.fixes.push_back(text_edit{absolute_name(*sm_, d.first), d.second, 0, text.str()});
  return *this;
}

finding_builder& finding_builder::data(nlohmann::json d) {
  f_.data = std::move(d);
  return *this;
}

namespace {
// Reports nothing: a check diagnosing without a sink (a unit test) is harmless.
class null_sink final : public finding_sink {
 public:
  void report(finding) override {}
};
}  // namespace

finding_builder check::diag(const clang::SourceManager& sm, clang::SourceLocation loc, llvm::StringRef message,
                            severity sev) {
  static null_sink none;
  finding f;
  f.check = id_;
  f.sev = sev;
  f.loc = make_location(sm, loc);
  f.message = message.str();
  finding_sink* sink = context_.sink();
  header_filter* filter = context_.filter();
  // Outside the header filter: built as usual, reported nowhere.
  if (!sink || (filter && !filter->allows(sm, loc))) return finding_builder(none, sm, std::move(f), nullptr);
  return finding_builder(*sink, sm, std::move(f), filter);
}

check_registry& check_registry::instance() {
  static check_registry registry;
  return registry;
}

void check_registry::add(std::string id, std::string summary, factory make) {
  for (const entry& e : entries_)
    if (e.id == id) return;  // registered twice (two registration calls): keep the first
  entries_.push_back(entry{std::move(id), std::move(summary), std::move(make)});
}

void run_checks_on_unit(clang::ASTContext& ctx, const std::vector<const check_registry::entry*>& enabled,
                        check_context& context) {
  std::vector<std::unique_ptr<check>> checks;
  clang::ast_matchers::MatchFinder finder;
  for (const check_registry::entry* e : enabled) {
    checks.push_back(e->make(e->id, context));
    checks.back()->register_matchers(finder);
  }
  finder.matchAST(ctx);
  for (auto& c : checks) c->on_end_of_translation_unit(ctx);
}

}  // namespace gocxx
