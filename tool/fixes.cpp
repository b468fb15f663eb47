#include "fixes.hpp"

#include <clang/Format/Format.h>
#include <clang/Tooling/Core/Replacement.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Process.h>
#include <llvm/Support/raw_ostream.h>

#include <signal.h>
#include <unistd.h>

#include <map>
#include <optional>
#include <set>

#include "file_snapshot.hpp"
#include "report.hpp"

namespace gocxx {

namespace {

const char* level(severity s) {
  switch (s) {
    case severity::error: return "Error";
    case severity::warning: return "Warning";
    default: return "Remark";
  }
}

std::string where(const finding& f) {
  return display_path(f.loc.file) + ":" + std::to_string(f.loc.line) + ":" + std::to_string(f.loc.column) + " [" +
         f.check + "]";
}

// A YAML double-quoted scalar that LLVM's YAML parser (what
// clang-apply-replacements reads with) turns back into the same bytes: `"`,
// `\` and control characters escaped, every other byte as it is, including
// bytes that are not UTF-8 (a file name's, a replacement's). llvm::yaml::Output
// would cut such a string at its first invalid byte.
std::string yaml_quote(llvm::StringRef s) {
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out += "\\x";
          out += llvm::hexdigit(u >> 4);
          out += llvm::hexdigit(u & 15);
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// clang-tidy's --export-fixes document (clang/Tooling/DiagnosticsYaml.h),
// written by hand for yaml_quote's sake, in the same layout.
// A DiagnosticMessage at `indent`; `list_item`: the first line starts "- ".
void write_message(std::string& out, const std::string& indent, bool list_item, llvm::StringRef message,
                   const std::string& file, unsigned offset,
                   const std::map<std::string, clang::tooling::Replacements>& fix) {
  std::string lead = list_item ? indent.substr(0, indent.size() - 2) + "- " : indent;
  out += lead + "Message:         " + yaml_quote(message) + "\n";
  out += indent + "FilePath:        " + yaml_quote(file) + "\n";
  out += indent + "FileOffset:      " + std::to_string(offset) + "\n";
  bool any = false;
  for (const auto& [path, reps] : fix) any = any || !reps.empty();
  if (!any) {
    out += indent + "Replacements:    []\n";
    return;
  }
  out += indent + "Replacements:\n";
  for (const auto& [path, reps] : fix) {
    for (const clang::tooling::Replacement& r : reps) {
      out += indent + "  - FilePath:        " + yaml_quote(r.getFilePath()) + "\n";
      out += indent + "    Offset:          " + std::to_string(r.getOffset()) + "\n";
      out += indent + "    Length:          " + std::to_string(r.getLength()) + "\n";
      out += indent + "    ReplacementText: " + yaml_quote(r.getReplacementText()) + "\n";
    }
  }
}

// A file's new contents, written to a new file beside it and then renamed
// over it, so that the file holds either its old contents or all of the new
// ones, never a part (a full disk, a file size limit). Destroyed before
// commit(), it removes what it wrote.
class pending_file {
 public:
  pending_file() = default;
  pending_file(const pending_file&) = delete;
  pending_file& operator=(const pending_file&) = delete;
  ~pending_file() {
    if (temp_.empty()) return;
    std::error_code ignored = llvm::sys::fs::remove(temp_);  // at worst a stray file beside the target
    (void)ignored;
  }

  // The new file gets `like`'s permissions (and owner, where allowed). False
  // with the system's message.
  bool write(const std::string& path, llvm::StringRef contents, const llvm::sys::fs::file_status* like,
             std::string& error) {
    path_ = path;
    // Renaming over a file needs no right to write it; a file the user may
    // not write stays as it is, as it would were it written in place.
    if (like) {
      if (std::error_code ec = llvm::sys::fs::access(path, llvm::sys::fs::AccessMode::Write)) {
        error = ec.message();
        return false;
      }
    }
    llvm::SmallString<256> model(llvm::sys::path::parent_path(path));
    llvm::sys::path::append(model, "." + llvm::sys::path::filename(path).str() + ".gocxx-%%%%%%%%");
    int fd = -1;
    llvm::SmallString<256> temp;
    if (std::error_code ec = llvm::sys::fs::createUniqueFile(model, fd, temp)) {
      error = ec.message();
      return false;
    }
    temp_ = std::string(temp);
    // A file size limit (RLIMIT_FSIZE) is an error like a full disk, not the
    // signal that would kill the process (LLVM's handler takes it for a crash).
    struct sigaction ignore = {}, previous = {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGXFSZ, &ignore, &previous);
    std::error_code ec;
    {
      llvm::raw_fd_ostream os(fd, /*shouldClose=*/false);
      os << contents;
      os.flush();
      if (os.has_error()) {
        ec = os.error();
        os.clear_error();
      }
    }
    if (!ec && like) {
      ec = llvm::sys::fs::setPermissions(fd, like->permissions());
      if (::fchown(fd, like->getUser(), like->getGroup()) != 0) {
        // Neither the owner nor root: the new file is the caller's, as an
        // editor's save would make it.
      }
    }
    if (!ec && ::fsync(fd) != 0) ec = std::error_code(errno, std::generic_category());
    if (std::error_code closed = llvm::sys::Process::SafelyCloseFileDescriptor(fd); !ec) ec = closed;
    sigaction(SIGXFSZ, &previous, nullptr);
    if (ec) error = ec.message();
    return !ec;
  }

  bool commit(std::string& error) {
    std::error_code ec = llvm::sys::fs::rename(temp_, path_);
    if (ec) {
      error = ec.message();
      return false;
    }
    temp_.clear();
    return true;
  }

 private:
  std::string path_, temp_;
};

// A file that fixes edit, as apply_fixes found it.
struct target {
  std::optional<file_snapshot> analysed;  // what the fixes' offsets point into
  std::string real;                       // the path with symbolic links resolved: what is replaced
  llvm::sys::fs::file_status status;
  std::unique_ptr<llvm::MemoryBuffer> contents;
};

std::string read_file(const std::string& path, llvm::sys::fs::file_status& status,
                      std::unique_ptr<llvm::MemoryBuffer>& contents) {
  llvm::Expected<llvm::sys::fs::file_t> fd = llvm::sys::fs::openNativeFileForRead(path);
  if (!fd) return "cannot read: " + llvm::toString(fd.takeError());
  std::string error;
  if (std::error_code ec = llvm::sys::fs::status(*fd, status)) {
    error = "cannot read: " + ec.message();
  } else if (status.type() != llvm::sys::fs::file_type::regular_file) {
    error = "cannot read: not a regular file";
  } else {
    // Volatile: read, not mapped, so later writes to the file do not show
    // through what was checked.
    auto buffer = llvm::MemoryBuffer::getOpenFile(*fd, path, status.getSize(), /*RequiresNullTerminator=*/false,
                                                  /*IsVolatile=*/true);
    if (buffer)
      contents = std::move(*buffer);
    else
      error = "cannot read: " + buffer.getError().message();
  }
  std::error_code ignored = llvm::sys::fs::closeFile(*fd);  // read only: nothing to lose
  (void)ignored;
  return error;
}

// The findings applied, in order, skipping those that edit an `excluded`
// file or overlap an earlier one.
struct plan {
  std::map<std::string, clang::tooling::Replacements> by_file;
  std::vector<const finding*> applied;
  std::vector<std::string> conflicts;
};

// Two findings inserting at one place (two variables added to one lambda's
// captures) do not conflict: the later text goes after the earlier one.
bool merge_insertion(clang::tooling::Replacements& reps, const clang::tooling::Replacement& r) {
  const clang::tooling::Replacement* earlier = nullptr;
  for (const clang::tooling::Replacement& old : reps)
    if (old.getLength() == 0 && old.getOffset() == r.getOffset()) earlier = &old;
  if (!earlier) return false;
  clang::tooling::Replacements merged;
  for (const clang::tooling::Replacement& old : reps) {
    const bool is_earlier = &old == earlier;
    clang::tooling::Replacement next =
        is_earlier ? clang::tooling::Replacement(r.getFilePath(), r.getOffset(), 0,
                                                 (old.getReplacementText() + r.getReplacementText()).str())
                   : old;
    if (llvm::Error err = merged.add(next)) {
      llvm::consumeError(std::move(err));
      return false;
    }
  }
  reps = std::move(merged);
  return true;
}

plan make_plan(const std::vector<finding>& findings, const std::set<std::string>& excluded) {
  plan p;
  for (const finding& f : findings) {
    if (f.fixes.empty()) continue;
    bool skip = false;
    for (const text_edit& e : f.fixes) skip = skip || excluded.count(e.file);
    if (skip) continue;
    // Try the finding's edits on a copy: all or nothing.
    std::map<std::string, clang::tooling::Replacements> trial;
    bool ok = true;
    for (const text_edit& e : f.fixes) {
      auto it = trial.find(e.file);
      if (it == trial.end()) it = trial.emplace(e.file, p.by_file[e.file]).first;
      clang::tooling::Replacement r(e.file, e.offset, e.length, e.replacement);
      // An identical edit already there (two findings, one fix): fine.
      bool present = false;
      for (const clang::tooling::Replacement& old : it->second) present = present || old == r;
      if (present) continue;
      if (llvm::Error err = it->second.add(r)) {
        llvm::consumeError(std::move(err));
        if (r.getLength() == 0 && merge_insertion(it->second, r)) continue;
        ok = false;
        break;
      }
    }
    if (!ok) {
      p.conflicts.push_back(where(f) + ": fix overlaps another fix; not applied");
      continue;
    }
    for (auto& [file, reps] : trial) p.by_file[file] = std::move(reps);
    p.applied.push_back(&f);
  }
  return p;
}

// How a file's fixes are tidied before they are applied: cleaned up around
// (clang-format's cleanupAroundReplacements: what an edit leaves behind, an
// empty line or a stray comma) and, where the file's directories hold a
// .clang-format, the lines they touch formatted in that style, as the rest
// of the file is. Without one the edits keep the file's own indentation,
// which the checks copy; no style is imposed.
struct fix_style {
  std::optional<clang::format::FormatStyle> style;  // none: apply the edits as they are
  std::string warning;                              // why there is none, when the user has one
};

fix_style style_for(const std::string& path, llvm::StringRef code) {
  fix_style out;
  llvm::Expected<clang::format::FormatStyle> style = clang::format::getStyle("file", path, "none", code);
  if (!style) {
    out.warning = display_path(path) + ": its .clang-format cannot be read (" + llvm::toString(style.takeError()) +
                  "); the fixes are applied as they are, unformatted";
    return out;
  }
  out.style = *style;
  return out;
}

llvm::Expected<std::string> apply_tidied(llvm::StringRef code, const clang::tooling::Replacements& reps,
                                         const fix_style& fs) {
  if (!fs.style) return clang::tooling::applyAllReplacements(code, reps);
  llvm::Expected<clang::tooling::Replacements> cleaned =
      clang::format::cleanupAroundReplacements(code, reps, *fs.style);
  if (!cleaned) return cleaned.takeError();
  llvm::Expected<clang::tooling::Replacements> formatted = clang::format::formatReplacements(code, *cleaned, *fs.style);
  if (!formatted) return formatted.takeError();
  return clang::tooling::applyAllReplacements(code, *formatted);
}

}  // namespace

bool export_fixes(const std::string& path, const std::vector<finding>& findings, std::string& error) {
  std::string main_file, diagnostics;
  for (const finding& f : findings) {
    if (f.fixes.empty()) continue;
    std::map<std::string, clang::tooling::Replacements> fix;
    bool ok = true;
    for (const text_edit& e : f.fixes) {
      if (llvm::Error err = fix[e.file].add(clang::tooling::Replacement(e.file, e.offset, e.length, e.replacement))) {
        llvm::consumeError(std::move(err));
        ok = false;
      }
    }
    if (!ok) continue;
    if (main_file.empty()) main_file = f.loc.file;
    diagnostics += "  - DiagnosticName:  " + yaml_quote(f.check) + "\n";
    diagnostics += "    DiagnosticMessage:\n";
    write_message(diagnostics, "      ", false, f.message, f.loc.file, f.loc.offset, fix);
    if (!f.notes.empty()) {
      diagnostics += "    Notes:\n";
      for (const finding_note& n : f.notes)
        write_message(diagnostics, "        ", true, n.message, n.loc.file, n.loc.offset, {});
    }
    diagnostics += std::string("    Level:           ") + level(f.sev) + "\n";
    diagnostics += "    BuildDirectory:  \"\"\n";
  }
  std::string doc = "---\nMainSourceFile:  " + yaml_quote(main_file) + "\n";
  doc += diagnostics.empty() ? "Diagnostics:     []\n" : "Diagnostics:\n" + diagnostics;
  doc += "...\n";
  // A symbolic link stays one: the file it names is replaced.
  llvm::SmallString<256> real;
  if (llvm::sys::fs::real_path(path, real)) real = path;
  // A device or a pipe (/dev/stdout, a FIFO) is written to, never replaced:
  // renaming over it would put a regular file where the device was.
  llvm::sys::fs::file_status st;
  if (!llvm::sys::fs::status(real, st) && st.type() != llvm::sys::fs::file_type::regular_file &&
      st.type() != llvm::sys::fs::file_type::directory_file) {
    std::error_code ec;
    llvm::raw_fd_ostream os(real, ec, llvm::sys::fs::OF_None);
    if (!ec) {
      os << doc;
      os.flush();
      if (os.has_error()) ec = os.error();
      os.clear_error();
    }
    if (ec) error = "--export-fixes: cannot write '" + path + "': " + ec.message();
    return !ec;
  }
  pending_file out;
  if (!out.write(std::string(real), doc, nullptr, error) || !out.commit(error)) {
    error = "--export-fixes: cannot write '" + path + "': " + error;
    return false;
  }
  return true;
}

apply_result apply_fixes(const std::vector<finding>& findings) {
  apply_result result;
  std::map<std::string, target> files;
  for (const finding& f : findings)
    for (const text_edit& e : f.fixes) files[e.file];
  for (auto& [file, t] : files) {
    t.analysed = file_snapshots::analysed().find(file);
    if (t.analysed) continue;
    // Not recorded while analysed (a system header; a runner that does not
    // call record_analysed_files): compare with what the file holds now.
    auto now = llvm::MemoryBuffer::getFile(file, /*IsText=*/false, /*RequiresNullTerminator=*/false,
                                           /*IsVolatile=*/true);
    if (now) t.analysed = file_snapshot::of((*now)->getBuffer());
  }
  if (before_apply_hook) before_apply_hook();

  std::set<std::string> excluded;
  std::map<std::string, fix_style> styles;
  auto fail = [&](const std::string& file, const std::string& why) {
    result.errors.push_back(display_path(file) + why + "; its fixes were not applied");
    excluded.insert(file);
  };
  const std::string changed = " changed since it was analysed";
  for (auto& [file, t] : files) {
    llvm::SmallString<256> real;
    std::string error;
    if (std::error_code ec = llvm::sys::fs::real_path(file, real))
      error = "cannot read: " + ec.message();
    else
      error = read_file(std::string(real), t.status, t.contents);
    t.real = std::string(real);
    if (!error.empty())
      fail(file, ": " + error);
    else if (!t.analysed || !t.analysed->matches(t.contents->getBuffer()))
      fail(file, changed);
  }
  for (auto& [file, t] : files) {
    if (excluded.count(file)) continue;
    fix_style& fs = styles[file] = style_for(t.real, t.contents->getBuffer());
    if (!fs.warning.empty()) result.warnings.push_back(fs.warning);
  }

  // Write every file's new contents beside it. A file that cannot be written
  // takes the findings that edit it out, which changes what other files get:
  // plan again, until every file of the plan is written; then rename them all.
  plan p;
  std::map<std::string, std::unique_ptr<pending_file>> pending;
  for (bool again = true; again;) {
    again = false;
    pending.clear();
    p = make_plan(findings, excluded);
    for (const auto& [file, reps] : p.by_file) {
      if (reps.empty()) continue;
      const target& t = files[file];
      llvm::Expected<std::string> code = apply_tidied(t.contents->getBuffer(), reps, styles[file]);
      std::string error;
      auto out = std::make_unique<pending_file>();
      if (!code)
        error = llvm::toString(code.takeError());
      else if (out->write(t.real, *code, &t.status, error))
        pending[file] = std::move(out);
      else
        error = "cannot write: " + error;
      if (!error.empty()) {
        fail(file, ": " + error);
        again = true;
        break;
      }
    }
  }
  std::set<std::string> written;
  for (auto& [file, out] : pending) {
    // Nor may it change while it is rewritten.
    const target& t = files[file];
    llvm::sys::fs::file_status now;
    std::string error;
    if (llvm::sys::fs::status(t.real, now) || now.getSize() != t.status.getSize() ||
        now.getLastModificationTime() != t.status.getLastModificationTime())
      fail(file, changed);
    else if (!out->commit(error))
      fail(file, ": cannot write: " + error);
    else
      written.insert(file);
  }
  result.files = static_cast<unsigned>(written.size());
  for (const finding* f : p.applied) {
    bool all = true;
    for (const text_edit& e : f->fixes) all = all && written.count(e.file);
    result.applied += all;
  }
  result.conflicts = std::move(p.conflicts);
  return result;
}

}  // namespace gocxx
