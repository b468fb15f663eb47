#include "summary_store.hpp"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Support/xxhash.h>

#include <set>

#include "file_snapshot.hpp"

namespace gocxx {

namespace {

constexpr llvm::StringLiteral header = "gocxx-escape-summaries 2";
constexpr llvm::StringLiteral extension = ".gocxx-summaries";

std::string hex(uint64_t v) { return llvm::utohexstr(v, /*LowerCase=*/true, 16); }

}  // namespace

unit_summaries collect_unit_summaries(const clang::SourceManager& sm, const escape::summary_exchange& exchange) {
  unit_summaries u;
  if (clang::OptionalFileEntryRef main = sm.getFileEntryRefForID(sm.getMainFileID())) {
    llvm::SmallString<256> path(main->getName());
    sm.getFileManager().makeAbsolutePath(path);
    llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
    u.unit = std::string(path);
  }
  each_analysed_file(
      sm, [&](const std::string& file, llvm::StringRef contents) { u.inputs[file] = llvm::xxh3_64bits(contents); });
  u.defs = exchange.exported;
  u.uses = exchange.used;
  return u;
}

void merge_unit_summaries(unit_summaries& into, unit_summaries&& other) {
  into.commands.insert(other.commands.begin(), other.commands.end());
  for (auto& [file, hash] : other.inputs) into.inputs.emplace(file, hash);
  for (auto& [id, d] : other.defs) {
    auto [it, fresh] = into.defs.try_emplace(id, d);
    // Not one function after all: no summary, so its calls keep everything.
    if (!fresh && !escape::merge_summaries(it->second.summary, d.summary)) into.defs.erase(it);
  }
  for (auto& [id, used] : other.uses) {
    auto [it, fresh] = into.uses.try_emplace(id, used);
    if (fresh || !used) continue;
    // The stricter of the two: the one the other covers (relied on less
    // escaping); nothing relied on yields to something relied on.
    std::optional<escape::function_summary>& have = it->second;
    if (!have.has_value() || escape::covers(have.value(), *used)) have = used;
  }
}

std::string serialize(const unit_summaries& u) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << header << "\n";
  os << "unit " << u.unit << "\n";
  for (const std::string& c : u.commands) os << "command " << c << "\n";
  for (const auto& [file, hash] : u.inputs) os << "input " << hex(hash) << " " << file << "\n";
  for (const auto& [id, d] : u.defs)
    os << "def " << id << " " << escape::encode_summary(d.summary) << " " << d.where << "\n";
  for (const auto& [id, s] : u.uses) os << "use " << id << " " << (s ? escape::encode_summary(*s) : "-") << "\n";
  return out;
}

bool parse(llvm::StringRef text, unit_summaries& out, std::string& error) {
  llvm::SmallVector<llvm::StringRef, 64> lines;
  text.split(lines, '\n', -1, /*KeepEmpty=*/false);
  if (lines.empty() || lines[0] != header) {
    error = "not a gocxx summaries file of this version (the first line is not '" + header.str() + "')";
    return false;
  }
  for (size_t n = 1; n < lines.size(); ++n) {
    llvm::StringRef line = lines[n];
    auto bad = [&](const char* why) {
      error = "line " + std::to_string(n + 1) + ": " + why;
      return false;
    };
    auto [kind, rest] = line.split(' ');
    if (kind == "unit") {
      if (rest.empty()) return bad("a unit without a file");
      out.unit = rest.str();
    } else if (kind == "command") {
      uint64_t h = 0;
      if (rest.size() != 16 || rest.getAsInteger(16, h)) return bad("a command is '<hex hash>'");
      out.commands.insert(rest.str());
    } else if (kind == "input") {
      auto [hash, file] = rest.split(' ');
      uint64_t h = 0;
      if (hash.getAsInteger(16, h) || file.empty()) return bad("an input is '<hex hash> <file>'");
      out.inputs[file.str()] = h;
    } else if (kind == "def") {
      auto [id, tail] = rest.split(' ');
      auto [summary, where] = tail.split(' ');
      std::optional<escape::function_summary> s = escape::decode_summary(summary);
      if (id.empty() || !s) return bad("a def is '<identity> <summary> <file:line:col>'");
      out.defs[id.str()] = escape::summary_exchange::definition{std::move(*s), where.str()};
    } else if (kind == "use") {
      auto [id, summary] = rest.split(' ');
      if (id.empty() || summary.empty()) return bad("a use is '<identity> <summary or ->'");
      if (summary == "-") {
        out.uses[id.str()] = std::nullopt;
        continue;
      }
      std::optional<escape::function_summary> s = escape::decode_summary(summary);
      if (!s) return bad("a use's summary is malformed");
      out.uses[id.str()] = std::move(s);
    } else {
      return bad("unknown line kind");
    }
  }
  if (out.unit.empty()) {
    error = "no unit line";
    return false;
  }
  return true;
}

std::string command_hash(const std::string& directory, const std::vector<std::string>& arguments) {
  // Flags whose argument (joined or next) names an output, not an input.
  auto output_flag = [](llvm::StringRef a) {
    if (a == "-o") return 2;
    if (a.starts_with("-o") && !a.starts_with("-ob")) return 1;  // -ofile, not -objcmt-*
    for (llvm::StringRef f : {"-MF", "-MT", "-MQ"})
      if (a.starts_with(f)) return a.size() == f.size() ? 2 : 1;
    return 0;
  };
  std::string text = directory;
  text.push_back('\0');
  for (size_t i = 0; i < arguments.size(); ++i) {
    llvm::StringRef a = arguments[i];
    if (a == "-MD" || a == "-MMD") continue;
    if (int n = output_flag(a)) {
      i += n - 1;
      continue;
    }
    text += arguments[i];
    text.push_back('\0');
  }
  return hex(llvm::xxh3_64bits(text));
}

std::string summary_file_path(const std::string& dir, const std::string& unit) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path,
                          llvm::sys::path::filename(unit).str() + "." + hex(llvm::xxh3_64bits(unit)) + extension.str());
  return std::string(path);
}

bool write_unit_summaries(const std::string& dir, const unit_summaries& u, std::string& error) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    error = "cannot create '" + dir + "': " + ec.message();
    return false;
  }
  std::string path = summary_file_path(dir, u.unit);
  llvm::SmallString<256> temp;
  int fd = -1;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(path + ".%%%%%%.tmp", fd, temp)) {
    error = "cannot write in '" + dir + "': " + ec.message();
    return false;
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << serialize(u);
    os.flush();
    if (os.has_error()) {
      error = "cannot write '" + std::string(temp) + "': " + os.error().message();
      os.clear_error();
      std::error_code ignored = llvm::sys::fs::remove(temp);  // at worst a stray .tmp, which no reader reads
      (void)ignored;
      return false;
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, path)) {
    error = "cannot write '" + path + "': " + ec.message();
    std::error_code ignored = llvm::sys::fs::remove(temp);  // at worst a stray .tmp, which no reader reads
    (void)ignored;
    return false;
  }
  return true;
}

namespace {

// Each file of `dir` parsed, in sorted order, to `visit`.
void each_summary_file(const std::string& dir, std::vector<std::string>& problems,
                       llvm::function_ref<void(unit_summaries&&)> visit) {
  if (!llvm::sys::fs::is_directory(dir)) return;
  std::vector<std::string> files;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec))
    if (llvm::StringRef(it->path()).ends_with(extension)) files.push_back(it->path());
  if (ec) problems.push_back("cannot list '" + dir + "': " + ec.message());
  std::sort(files.begin(), files.end());
  for (const std::string& f : files) {
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer = llvm::MemoryBuffer::getFile(f);
    if (!buffer) {
      problems.push_back("cannot read '" + f + "': " + buffer.getError().message());
      continue;
    }
    unit_summaries u;
    std::string error;
    if (!parse((*buffer)->getBuffer(), u, error)) {
      problems.push_back(f + ": " + error);
      continue;
    }
    visit(std::move(u));
  }
}

}  // namespace

void summary_merger::add(const unit_summaries& u) {
  for (const auto& [id, d] : u.defs) {
    where_[id].push_back(d.where);
    if (std::string& first = first_unit_[id]; first.empty() || u.unit < first) first = u.unit;
    auto [it, fresh] = index_.try_emplace(id, d.summary);
    if (fresh) continue;
    if (escape::encode_summary(it->second) != escape::encode_summary(d.summary)) differing_.insert(id);
    if (!escape::merge_summaries(it->second, d.summary)) unmergeable_.insert(id);
  }
}

merged_summaries summary_merger::result() const {
  merged_summaries out;
  out.index = index_;
  // Different parameter lists under one identity: not one function after
  // all, and no summary of it can be trusted (calls keep taking it to
  // keep everything).
  for (const std::string& id : unmergeable_) out.index.erase(id);
  for (const std::string& id : differing_) {
    std::vector<std::string> w = where_.at(id);
    std::sort(w.begin(), w.end());
    out.conflicts.push_back(summary_conflict{id, std::move(w), first_unit_.at(id)});
  }
  return out;
}

merged_summaries merge_units(const std::vector<unit_summaries>& units) {
  summary_merger m;
  for (const unit_summaries& u : units) m.add(u);
  return m.result();
}

namespace {

// The contents' hash of each file, read once.
class input_hashes {
 public:
  std::optional<uint64_t> of(const std::string& file) {
    auto [it, fresh] = cache_.try_emplace(file);
    if (fresh) {
      llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer = llvm::MemoryBuffer::getFile(file);
      if (buffer) it->second = llvm::xxh3_64bits((*buffer)->getBuffer());
    }
    return it->second;
  }

 private:
  std::map<std::string, std::optional<uint64_t>> cache_;
};

// Whether u's inputs are as they were; else why not, in `dropped`.
bool inputs_unchanged(unit_summaries& u, input_hashes& disk, std::vector<std::string>& dropped) {
  for (const auto& [file, hash] : u.inputs)
    if (disk.of(file) != hash) {
      dropped.push_back(u.unit + ": '" + file + "' changed since its summaries were written");
      return false;
    }
  u.inputs.clear();
  return true;
}

// Whether u was analysed with the commands its unit has now (when both are
// known); else why not, in `dropped`. A unit the plugin summarised records
// none: the build recompiles, and so rewrites, a unit whose flags change.
bool command_unchanged(const unit_summaries& u, const current_commands& current, std::vector<std::string>& dropped) {
  if (u.commands.empty() || !current) return true;
  std::optional<std::set<std::string>> now = current(u.unit);
  if (!now || *now == u.commands) return true;
  dropped.push_back(u.unit + ": its compile command changed since its summaries were written");
  return false;
}

// Drops, again and again, the units that relied on a summary the others no
// longer back.
std::vector<unit_summaries> consistent_units(std::vector<unit_summaries> kept, std::vector<std::string>& dropped);

}  // namespace

std::vector<unit_summaries> read_valid_units(const std::string& dir, std::vector<std::string>& problems,
                                             std::vector<std::string>& dropped, const current_commands& current) {
  input_hashes disk;
  std::vector<unit_summaries> kept;
  each_summary_file(dir, problems, [&](unit_summaries&& u) {
    if (inputs_unchanged(u, disk, dropped) && command_unchanged(u, current, dropped)) kept.push_back(std::move(u));
  });
  return consistent_units(std::move(kept), dropped);
}

namespace {

std::vector<unit_summaries> consistent_units(std::vector<unit_summaries> kept, std::vector<std::string>& dropped) {
  // A unit that relied on a summary the others no longer back goes too;
  // that may take more summaries away: again until nothing changes.
  for (bool again = true; again;) {
    again = false;
    merged_summaries merged = merge_units(kept);
    for (auto it = kept.begin(); it != kept.end();) {
      std::string stale;
      for (const auto& [id, used] : it->uses) {
        if (!used) continue;  // it took the function to keep everything: never wrong
        auto now = merged.index.find(id);
        if (now == merged.index.end() || !escape::covers(*used, now->second)) {
          stale = id;
          break;
        }
      }
      if (stale.empty()) {
        ++it;
        continue;
      }
      dropped.push_back(it->unit + ": it relied on a summary of '" + stale + "' that no longer holds");
      it = kept.erase(it);
      again = true;
    }
  }
  return kept;
}

}  // namespace

bool needs_reanalysis(const unit_summaries& u, const escape::summary_index& index) {
  for (const auto& [id, used] : u.uses) {
    auto now = index.find(id);
    bool present = now != index.end();
    if (present != used.has_value()) return true;
    if (present && escape::encode_summary(now->second) != escape::encode_summary(*used)) return true;
  }
  return false;
}

}  // namespace gocxx
