#include "report.hpp"

#include <llvm/ADT/SmallString.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace gocxx {

std::string display_path(const std::string& path) {
  static const std::string cwd = [] {
    llvm::SmallString<256> dir;
    if (llvm::sys::fs::current_path(dir)) return std::string();
    llvm::sys::path::remove_dots(dir, true);
    return std::string(dir);
  }();
  if (cwd.empty() || !llvm::sys::path::is_absolute(path)) return path;
  llvm::StringRef rest(path);
  if (!rest.consume_front(cwd)) return path;
  if (cwd != "/") {
    if (rest.empty() || !llvm::sys::path::is_separator(rest.front())) return path;
    rest = rest.drop_front();
  }
  return rest.empty() ? path : rest.str();
}

std::string path_uri(const std::string& shown) {
  std::string uri = llvm::sys::path::is_absolute(shown) ? "file://" : "";
  for (char c : shown) {
    unsigned char u = static_cast<unsigned char>(c);
    if (llvm::isAlnum(c) || llvm::StringRef("/-._~").contains(c)) {
      uri += c;
    } else {
      uri += '%';
      uri += llvm::hexdigit(u >> 4);
      uri += llvm::hexdigit(u & 15);
    }
  }
  return uri;
}

std::optional<std::string> path_from_uri(llvm::StringRef uri) {
  uri.consume_front("file://");
  std::string path;
  for (size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] != '%') {
      path += uri[i];
      continue;
    }
    if (i + 2 >= uri.size()) return std::nullopt;
    unsigned hi = llvm::hexDigitValue(uri[i + 1]), lo = llvm::hexDigitValue(uri[i + 2]);
    if (hi == ~0u || lo == ~0u) return std::nullopt;
    path += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return path;
}

namespace {

auto key(const reported_finding& r) {
  const finding& f = r.f;
  return std::tie(f.loc.file, f.loc.line, f.loc.column, f.check, f.message);
}

using edit_key = std::tuple<std::string, unsigned, unsigned, std::string>;

std::vector<edit_key> edits(const finding& f) {
  std::vector<edit_key> out;
  out.reserve(f.fixes.size());
  for (const text_edit& e : f.fixes) out.emplace_back(e.file, e.offset, e.length, e.replacement);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Which of the copies of one finding (the same check, place and message, from
// several units: a record in a header) to keep, copies in unit order. They
// can differ in their fix-its, because each unit sees only its own part of
// the program (the unit with a constructor's out-of-line definition also
// reorders its initialisers), or in their notes. The kept copy's fix-its must
// be right for every unit that reached the finding:
// - all the same: the first;
// - some unit gave none (it found no safe fix, say because its constructor
//   reads a field the new order initialises later) while another gave one:
//   the first copy without, as applying another unit's fix could break that
//   unit;
// - one copy's edits include every other copy's: that one (the first such),
//   as each unit found its part safe and that copy does every part;
// - otherwise they disagree: the first, without fix-its, and a note saying so.
size_t choose(std::vector<reported_finding*>& copies) {
  std::vector<std::vector<edit_key>> sets;
  sets.reserve(copies.size());
  for (reported_finding* r : copies) sets.push_back(edits(r->f));
  bool all_same = true;
  for (const auto& s : sets) all_same = all_same && s == sets.front();
  if (all_same) return 0;
  for (size_t i = 0; i < sets.size(); ++i)
    if (sets[i].empty()) return i;
  for (size_t i = 0; i < sets.size(); ++i) {
    bool covers = true;
    for (const auto& other : sets)
      covers = covers && std::includes(sets[i].begin(), sets[i].end(), other.begin(), other.end());
    if (covers) return i;
  }
  finding& first = copies.front()->f;
  first.fixes.clear();
  first.notes.push_back(
      finding_note{first.loc, "no fix-it: the translation units that reach this disagree on how to fix it"});
  return 0;
}

}  // namespace

void sort_and_unique(std::vector<reported_finding>& findings) {
  // Ties (the same key) keep the order the units came in, which is the
  // sorted order of the units: deterministic whatever -j.
  std::vector<size_t> order(findings.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    auto ka = key(findings[a]), kb = key(findings[b]);
    return ka < kb || (ka == kb && a < b);
  });
  std::vector<reported_finding> out;
  out.reserve(findings.size());
  for (size_t i = 0; i < order.size();) {
    std::vector<reported_finding*> copies;
    size_t j = i;
    for (; j < order.size() && key(findings[order[j]]) == key(findings[order[i]]); ++j)
      copies.push_back(&findings[order[j]]);
    // The strictest threshold of the units that reported it, the highest
    // severity a unit gave it.
    severity fail_on = copies.front()->fail_on, sev = copies.front()->f.sev;
    for (const reported_finding* r : copies) {
      fail_on = std::min(fail_on, r->fail_on);
      sev = std::max(sev, r->f.sev);
    }
    reported_finding kept = std::move(*copies[choose(copies)]);
    kept.fail_on = fail_on;
    kept.f.sev = sev;
    out.push_back(std::move(kept));
    i = j;
  }
  findings = std::move(out);
}

void sort_and_unique(std::vector<tu_error>& errors) {
  std::sort(errors.begin(), errors.end(), [](const tu_error& a, const tu_error& b) {
    return std::tie(a.file, a.message) < std::tie(b.file, b.message);
  });
  errors.erase(
      std::unique(errors.begin(), errors.end(),
                  [](const tu_error& a, const tu_error& b) { return a.file == b.file && a.message == b.message; }),
      errors.end());
}

std::vector<std::string> finding_fingerprints(const std::vector<finding>& findings) {
  std::vector<std::string> out;
  std::map<std::tuple<std::string, std::string, std::string>, unsigned> seen;
  for (const finding& f : findings) {
    std::string file = display_path(f.loc.file);
    unsigned nth = seen[{f.check, file, f.message}]++;
    uint64_t h = 1469598103934665603ull;
    auto mix = [&](llvm::StringRef s) {
      for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
      }
      h ^= 0xff;  // separator
      h *= 1099511628211ull;
    };
    mix(f.check);
    mix(file);
    mix(f.message);
    if (nth > 0) mix(std::to_string(nth));  // the first keeps the hash of earlier versions
    out.push_back(llvm::utohexstr(h, /*LowerCase=*/true, /*Width=*/16));
  }
  return out;
}

}  // namespace gocxx
