// A directory of cross-unit escape summaries (--summaries=DIR,
// -fplugin-arg-gocxx-summaries=DIR; docs/scale.md): one file per
// translation unit, written by whoever analysed the unit (gocxx check, the
// compiler plugin, the clang-tidy module), read by the analyses of the
// others.
//
// A file, `<source name>.<hash of its path>.gocxx-summaries`, is text,
// sorted, with nothing that depends on time or order of analysis, so equal
// analyses write equal bytes (a build cache hits):
//
//   gocxx-escape-summaries 2
//   unit /abs/src/a.cpp
//   command <xxh3-64 hex>                        each compile command it was analysed with
//   input <xxh3-64 hex> /abs/src/a.cpp          every non-system file it read
//   def <identity> <summary> /abs/src/a.cpp:3:6  its functions (unit_summaries.hpp)
//   use <identity> <summary, or ->               other units' summaries it relied on
//
// Reading keeps only what is still true (read_valid_units): a unit whose inputs
// or compile command changed since its file was written is dropped, and so is one that relied
// on a summary that now says a function keeps more than it did -- over and
// over, since dropping a unit drops its summaries. What remains is sound to
// use: each summary was computed from the files as they are, from summaries
// that still hold.
#pragma once
#include <clang/Basic/SourceManager.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "escape/unit_summaries.hpp"

namespace gocxx {

struct unit_summaries {
  std::string unit;                        // the source file, absolute
  std::set<std::string> commands;          // command_hash of each command it was analysed with; none: not known
  std::map<std::string, uint64_t> inputs;  // file -> xxh3-64 of its contents
  std::map<std::string, escape::summary_exchange::definition> defs;
  std::map<std::string, std::optional<escape::function_summary>> uses;
};

// After a unit's analysis: what it exchanged, and the files it read.
unit_summaries collect_unit_summaries(const clang::SourceManager& sm, const escape::summary_exchange& exchange);

// Two analyses of one source (a file the database compiles twice, with
// other flags) as one record: each function at its worst in either, every
// input of either, and, for each summary relied on, the stricter.
void merge_unit_summaries(unit_summaries& into, unit_summaries&& other);

std::string serialize(const unit_summaries& u);
// False with a message naming the line on malformed text.
bool parse(llvm::StringRef text, unit_summaries& out, std::string& error);

// A compile command as the summaries record it: a hash of its directory and
// arguments, without the output file and the dependency-file flags (which
// name where results go, not what the unit means). A -D, -I or -std that
// changes changes it.
std::string command_hash(const std::string& directory, const std::vector<std::string>& arguments);

// The file in `dir` that holds `unit`'s summaries.
std::string summary_file_path(const std::string& dir, const std::string& unit);

// Writes the unit's file (through a temporary file and a rename: a reader
// never sees half of it). False with a message.
bool write_unit_summaries(const std::string& dir, const unit_summaries& u, std::string& error);

// The summaries of several units merged by identity: a function defined in
// several units (inline, a template) takes the worst of them. A
// disagreement (ODR trouble, or units built with different flags) is kept
// for -m=2.
struct summary_conflict {
  std::string identity;
  std::vector<std::string> where;  // each definition's file:line:col
  std::string first_unit;          // the first of the defining units, in sorted order
};
struct merged_summaries {
  escape::summary_index index;
  std::vector<summary_conflict> conflicts;
};
merged_summaries merge_units(const std::vector<unit_summaries>& units);

// The same, one unit at a time: a run keeps the merge of the units it does
// not analyse, not the units themselves.
class summary_merger {
 public:
  void add(const unit_summaries& u);
  merged_summaries result() const;

 private:
  escape::summary_index index_;
  std::map<std::string, std::vector<std::string>> where_;
  std::map<std::string, std::string> first_unit_;
  std::set<std::string> differing_, unmergeable_;
};

// The units of `dir` whose summaries still hold (see above), read a file
// at a time, so that only those whose inputs are unchanged are held; each
// kept unit's `inputs` is left empty (checked, and not needed any more).
// An unreadable or malformed file is skipped with a message in `problems`;
// `dropped` says which units were left out and why. A missing directory
// holds nothing.
//
// `current`, when given, says with which commands the unit would be
// compiled now (command_hash of each; nullopt: the unit is not in the
// database): a unit whose file records other commands is dropped too.
using current_commands = std::function<std::optional<std::set<std::string>>(const std::string& unit)>;
std::vector<unit_summaries> read_valid_units(const std::string& dir, std::vector<std::string>& problems,
                                             std::vector<std::string>& dropped,
                                             const current_commands& current = nullptr);

// Whether `u` relied on a summary that `index` no longer backs: its
// analysis must run again.
bool needs_reanalysis(const unit_summaries& u, const escape::summary_index& index);

}  // namespace gocxx
