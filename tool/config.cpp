#include "config.hpp"

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/YAMLParser.h>
#include <llvm/Support/YAMLTraits.h>
#include <llvm/Support/raw_ostream.h>

#include <set>
#include <utility>
#include <vector>

#include "header_filter.hpp"
#include "report.hpp"

namespace {

// For write_config only: reading walks the YAML nodes itself (see below).
struct yaml_option_map {
  std::map<std::string, std::string> values;
};

struct yaml_option_entry {
  std::string key, value;
};

struct raw_config {
  std::optional<std::string> checks;
  std::optional<std::string> fail_on;
  std::optional<std::string> header_filter;
  std::optional<bool> system_headers;
  yaml_option_map check_options;
};

}  // namespace

LLVM_YAML_IS_SEQUENCE_VECTOR(yaml_option_entry)

namespace llvm::yaml {

// yaml::Output writes a mapping key as it is given (a value is quoted when
// it must be), and a YAML reader takes an unquoted key of 1024 characters or
// more as no key at all. So the options are written as `key: value` lines
// while every key reads back as itself, and as the list of {key, value}
// (whose keys are values, quoted as needed) otherwise; the reader takes both.
bool plain_keys(const std::map<std::string, std::string>& options) {
  for (const auto& entry : options)
    if (entry.first.size() >= 1024 || needsQuotes(entry.first, /*ForcePreserveAsString=*/false) != QuotingType::None)
      return false;
  return true;
}

template <>
struct MappingTraits<yaml_option_entry> {
  static void mapping(IO& io, yaml_option_entry& e) {
    io.mapRequired("key", e.key);
    io.mapRequired("value", e.value);
  }
};

template <>
void yamlize(IO& io, yaml_option_map& m, bool, EmptyContext& ctx) {
  if (plain_keys(m.values)) {
    io.beginMapping();
    for (auto& [k, v] : m.values) io.mapRequired(k.c_str(), v);
    io.endMapping();
    return;
  }
  std::vector<yaml_option_entry> entries;
  entries.reserve(m.values.size());
  for (const auto& [k, v] : m.values) entries.push_back({k, v});
  yamlize(io, entries, true, ctx);
}

template <>
struct MappingTraits<raw_config> {
  static void mapping(IO& io, raw_config& c) {
    io.mapOptional("Checks", c.checks);
    io.mapOptional("FailOn", c.fail_on);
    io.mapOptional("HeaderFilterRegex", c.header_filter);
    io.mapOptional("SystemHeaders", c.system_headers);
    io.mapOptional("CheckOptions", c.check_options);
  }
};

}  // namespace llvm::yaml

namespace gocxx {

namespace {

struct diag_capture {
  std::string first;
};

void capture(const llvm::SMDiagnostic& d, void* context) {
  auto* c = static_cast<diag_capture*>(context);
  if (!c->first.empty()) return;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << d.getFilename() << ":" << d.getLineNo() << ":" << (d.getColumnNo() + 1) << ": " << d.getMessage();
  c->first = os.str();
}

// Reads a .gocxx.yaml from LLVM's YAML nodes. Not YAMLTraits: its mapping
// input checks each key against a list of the keys asked for, quadratic in
// the number of CheckOptions (80,000 keys took 15 s). The reader never goes
// deeper than CheckOptions' list items and stops at the first node of the
// wrong kind, so nesting, however deep, costs no stack. Each error is
// printed through the stream (a `file:line:col:` diagnostic) and returns
// false.
class config_reader {
 public:
  explicit config_reader(llvm::yaml::Stream& stream) : stream_(stream) {}

  // FailOn is returned as written, for the caller to check.
  bool read(config& out, std::optional<std::string>& fail_on) {
    auto doc = stream_.begin();
    if (doc == stream_.end()) return !stream_.failed();
    llvm::yaml::Node* root = doc->getRoot();
    // No root without a diagnostic: LLVM's parser gives up on some
    // directives (`%hecks: ...`); the caller says "malformed YAML".
    if (stream_.failed() || !root) return false;
    if (!llvm::isa<llvm::yaml::NullNode>(root) && !read_top(root, out, fail_on)) return false;
    // Further documents would be ignored: an error, unless empty (`---` at
    // the end).
    for (++doc; doc != stream_.end(); ++doc) {
      llvm::yaml::Node* next = doc->getRoot();
      if (stream_.failed() || !next) return false;
      if (!llvm::isa<llvm::yaml::NullNode>(next)) return fail(next, "a second YAML document: a .gocxx.yaml holds one");
    }
    return !stream_.failed();
  }

 private:
  bool fail(llvm::yaml::Node* at, const llvm::Twine& message) {
    stream_.printError(at, message);
    return false;
  }

  // The key of a mapping entry, a plain string.
  bool key_of(llvm::yaml::KeyValueNode& kv, std::string& key) {
    auto* k = llvm::dyn_cast_or_null<llvm::yaml::ScalarNode>(kv.getKey());
    if (!k) return stream_.failed() ? false : fail(kv.getKey() ? kv.getKey() : &kv, "expected a key");
    llvm::SmallString<64> storage;
    key = k->getValue(storage).str();
    return !stream_.failed();
  }

  // A scalar value: plain, quoted or a block.
  bool string_of(llvm::yaml::Node* value, llvm::yaml::Node* owner, const llvm::Twine& what, std::string& out) {
    if (auto* s = llvm::dyn_cast_or_null<llvm::yaml::ScalarNode>(value)) {
      llvm::SmallString<64> storage;
      out = s->getValue(storage).str();
      return !stream_.failed();
    }
    if (auto* b = llvm::dyn_cast_or_null<llvm::yaml::BlockScalarNode>(value)) {
      out = b->getValue().str();
      return true;
    }
    if (stream_.failed()) return false;
    bool missing = !value || llvm::isa<llvm::yaml::NullNode>(value);
    return fail(missing ? owner : value, what + (missing ? ": expected a value" : ": expected a string"));
  }

  bool read_top(llvm::yaml::Node* root, config& out, std::optional<std::string>& fail_on) {
    auto* map = llvm::dyn_cast<llvm::yaml::MappingNode>(root);
    if (!map)
      return fail(root, "expected a mapping of Checks, FailOn, HeaderFilterRegex, SystemHeaders and CheckOptions");
    std::set<std::string> seen;
    for (llvm::yaml::KeyValueNode& kv : *map) {
      std::string key;
      if (!key_of(kv, key)) return false;
      if (!seen.insert(key).second) return fail(kv.getKey(), "duplicated mapping key '" + key + "'");
      if (key == "Checks" || key == "FailOn" || key == "HeaderFilterRegex" || key == "SystemHeaders") {
        std::string value;
        if (!string_of(kv.getValue(), kv.getKey(), key, value)) return false;
        if (value == "<none>") continue;  // clang-tidy's spelling of "not given"
        if (key == "HeaderFilterRegex") {
          std::string why = check_header_filter_regex(value);
          if (!why.empty()) return fail(kv.getValue(), "HeaderFilterRegex: '" + value + "': " + why);
          out.header_filter = value;
          continue;
        }
        if (key == "SystemHeaders") {
          llvm::StringRef v(value);
          if (v == "true" || v == "True" || v == "TRUE" || v == "yes" || v == "on")
            out.system_headers = true;
          else if (v == "false" || v == "False" || v == "FALSE" || v == "no" || v == "off")
            out.system_headers = false;
          else
            return fail(kv.getValue(), "SystemHeaders: '" + value + "' is not true or false");
          continue;
        }
        (key == "Checks" ? out.checks : fail_on.emplace()) = value;
      } else if (key == "CheckOptions") {
        if (!read_options(kv.getValue(), kv.getKey(), out.check_options)) return false;
      } else {
        return fail(kv.getKey(), "unknown key '" + key + "'");
      }
    }
    return !stream_.failed();
  }

  // `id.Key: value` entries, or a list of `{key: id.Key, value: value}`.
  bool read_options(llvm::yaml::Node* node, llvm::yaml::Node* owner, std::map<std::string, std::string>& out) {
    if (auto* map = llvm::dyn_cast_or_null<llvm::yaml::MappingNode>(node)) {
      for (llvm::yaml::KeyValueNode& kv : *map) {
        std::string key, value;
        if (!key_of(kv, key) || !string_of(kv.getValue(), kv.getKey(), "CheckOptions: " + key, value)) return false;
        if (!out.emplace(key, std::move(value)).second)
          return fail(kv.getKey(), "duplicated mapping key '" + key + "'");
      }
      return !stream_.failed();
    }
    if (auto* list = llvm::dyn_cast_or_null<llvm::yaml::SequenceNode>(node)) {
      for (llvm::yaml::Node& item : *list) {
        auto* entry = llvm::dyn_cast<llvm::yaml::MappingNode>(&item);
        if (!entry) return stream_.failed() ? false : fail(&item, "CheckOptions: expected {key: ..., value: ...}");
        std::optional<std::string> key, value;
        for (llvm::yaml::KeyValueNode& kv : *entry) {
          std::string name;
          if (!key_of(kv, name)) return false;
          if (name != "key" && name != "value") return fail(kv.getKey(), "unknown key '" + name + "'");
          std::optional<std::string>& slot = name == "key" ? key : value;
          if (slot) return fail(kv.getKey(), "duplicated mapping key '" + name + "'");
          slot.emplace();
          if (!string_of(kv.getValue(), kv.getKey(), "CheckOptions: " + name, *slot)) return false;
        }
        if (stream_.failed()) return false;
        if (!key || !value) return fail(entry, std::string("missing required key '") + (key ? "value" : "key") + "'");
        out[*key] = std::move(*value);
      }
      return !stream_.failed();
    }
    if (stream_.failed()) return false;
    return fail(node && !llvm::isa<llvm::yaml::NullNode>(node) ? node : owner,
                "CheckOptions: expected a mapping or a list of {key, value}");
  }

 private:
  llvm::yaml::Stream& stream_;
};

}  // namespace

namespace {

bool parse_config_text(const std::string& path, const std::string& text, config& out, std::string& error) {
  out = config{};
  out.path = path;
  if (llvm::StringRef(text).trim().empty()) return true;
  diag_capture diags;
  llvm::SourceMgr sm;
  sm.setDiagHandler(capture, &diags);
  llvm::yaml::Stream stream(llvm::MemoryBufferRef(text, path), sm, /*ShowColors=*/false);
  std::optional<std::string> fail_on;
  if (!config_reader(stream).read(out, fail_on)) {
    error = diags.first.empty() ? path + ": malformed YAML" : diags.first;
    return false;
  }
  if (fail_on) {
    severity s;
    if (!parse_severity(*fail_on, s)) {
      error = path + ": FailOn: '" + *fail_on + "' is not one of remark, note, warning, error";
      return false;
    }
    out.fail_on = s;
  }
  return true;
}

}  // namespace

bool parse_config(const std::string& path, const std::string& text, config& out, std::string& error) {
  if (parse_config_text(path, text, out, error)) return true;
  error = one_line(error);  // it quotes keys and values, which may span lines
  return false;
}

std::string write_config(const config& cfg) {
  raw_config raw;
  raw.checks = cfg.checks;
  if (cfg.fail_on) raw.fail_on = std::string(severity_name(*cfg.fail_on));
  raw.header_filter = cfg.header_filter;
  raw.system_headers = cfg.system_headers;
  raw.check_options.values = cfg.check_options;
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::yaml::Output out(os);
  out << raw;
  return os.str();
}

config_finder::loaded config_finder::for_directory(const std::string& dir) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = dirs_.find(dir);
    if (it != dirs_.end()) return it->second;
  }
  loaded result;
  llvm::SmallString<256> candidate(dir);
  llvm::sys::path::append(candidate, ".gocxx.yaml");
  if (llvm::sys::fs::is_regular_file(candidate)) {
    auto buffer = llvm::MemoryBuffer::getFile(candidate, /*IsText=*/true);
    auto cfg = std::make_shared<config>();
    std::string shown = display_path(std::string(candidate));
    if (!buffer) {
      result.error = shown + ": " + buffer.getError().message();
    } else if (parse_config(shown, (*buffer)->getBuffer().str(), *cfg, result.error)) {
      result.cfg = std::move(cfg);
    }
  } else {
    llvm::StringRef parent = llvm::sys::path::parent_path(dir);
    if (parent.empty() || parent == dir) {
      result.cfg = std::make_shared<config>();  // none up to the root
    } else {
      result = for_directory(parent.str());
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  return dirs_.emplace(dir, std::move(result)).first->second;  // the first one parsed wins
}

std::shared_ptr<const config> config_finder::for_file(const std::string& file, std::string& error) {
  loaded l = for_directory(llvm::sys::path::parent_path(file).str());
  if (!l.cfg) error = l.error;
  return l.cfg;
}

}  // namespace gocxx
