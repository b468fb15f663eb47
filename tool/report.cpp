#include "report.hpp"

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <algorithm>
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

namespace {

auto key(const reported_finding& r) {
  const finding& f = r.f;
  return std::tie(f.loc.file, f.loc.line, f.loc.column, f.check, f.message);
}

bool same(const finding& a, const finding& b) {
  if (a.check != b.check || a.message != b.message || a.loc.file != b.loc.file || a.loc.line != b.loc.line ||
      a.loc.column != b.loc.column || a.sev != b.sev || a.notes.size() != b.notes.size() ||
      a.fixes.size() != b.fixes.size())
    return false;
  for (size_t i = 0; i < a.fixes.size(); ++i) {
    const text_edit &x = a.fixes[i], &y = b.fixes[i];
    if (x.file != y.file || x.offset != y.offset || x.length != y.length || x.replacement != y.replacement)
      return false;
  }
  return true;
}

}  // namespace

void sort_and_unique(std::vector<reported_finding>& findings) {
  // Ties (same key, different notes or fixes) keep the order the units came
  // in, which is the sorted order of the units: deterministic whatever -j.
  std::vector<size_t> order(findings.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    auto ka = key(findings[a]), kb = key(findings[b]);
    return ka < kb || (ka == kb && a < b);
  });
  std::vector<reported_finding> out;
  out.reserve(findings.size());
  for (size_t i : order) {
    reported_finding& r = findings[i];
    bool dup = false;
    // Duplicates are adjacent up to message: compare with the run of equal keys.
    for (auto it = out.rbegin(); it != out.rend() && key(*it) == key(r); ++it) {
      if (same(it->f, r.f)) {
        dup = true;
        // The strictest threshold of the units that reported it.
        if (r.fail_on < it->fail_on) it->fail_on = r.fail_on;
        break;
      }
    }
    if (!dup) out.push_back(std::move(r));
  }
  findings = std::move(out);
}

void sort_and_unique(std::vector<tu_error>& errors) {
  std::sort(errors.begin(), errors.end(), [](const tu_error& a, const tu_error& b) {
    return std::tie(a.file, a.message) < std::tie(b.file, b.message);
  });
  errors.erase(std::unique(errors.begin(), errors.end(),
                           [](const tu_error& a, const tu_error& b) {
                             return a.file == b.file && a.message == b.message;
                           }),
               errors.end());
}

}  // namespace gocxx
