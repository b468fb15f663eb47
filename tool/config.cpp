#include "config.hpp"

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/YAMLTraits.h>
#include <llvm/Support/raw_ostream.h>

#include "report.hpp"

namespace {

// CheckOptions as a mapping (`id.Key: value`) or, as older clang-tidy
// configurations write it, a list of `{key: id.Key, value: value}`.
struct yaml_option_map {
  std::map<std::string, std::string> values;
};

struct key_value {
  std::string key;
  std::string value;
};

struct raw_config {
  std::optional<std::string> checks;
  std::optional<std::string> fail_on;
  yaml_option_map check_options;
};

}  // namespace

LLVM_YAML_IS_SEQUENCE_VECTOR(key_value)

namespace llvm::yaml {

template <>
struct MappingTraits<key_value> {
  static void mapping(IO& io, key_value& kv) {
    io.mapRequired("key", kv.key);
    io.mapRequired("value", kv.value);
  }
};

template <>
void yamlize(IO& io, yaml_option_map& m, bool, EmptyContext& ctx) {
  if (io.outputting()) {
    io.beginMapping();
    for (auto& [k, v] : m.values) io.mapRequired(k.c_str(), v);
    io.endMapping();
    return;
  }
  // Reading: the node decides the form.
  auto& in = static_cast<Input&>(io);
  if (llvm::isa<SequenceNode>(in.getCurrentNode())) {
    std::vector<key_value> list;
    yamlize(io, list, true, ctx);
    for (key_value& kv : list) m.values[kv.key] = std::move(kv.value);
  } else if (llvm::isa<MappingNode>(in.getCurrentNode())) {
    io.beginMapping();
    for (StringRef key : io.keys()) io.mapRequired(key.str().c_str(), m.values[key.str()]);
    io.endMapping();
  } else {
    io.setError("CheckOptions: expected a mapping or a list of {key, value}");
  }
}

template <>
struct MappingTraits<raw_config> {
  static void mapping(IO& io, raw_config& c) {
    io.mapOptional("Checks", c.checks);
    io.mapOptional("FailOn", c.fail_on);
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

}  // namespace

bool parse_config(const std::string& path, const std::string& text, config& out, std::string& error) {
  out = config{};
  out.path = path;
  if (llvm::StringRef(text).trim().empty()) return true;
  diag_capture diags;
  auto buffer = llvm::MemoryBuffer::getMemBuffer(text, path);
  raw_config raw;
  llvm::yaml::Input in(buffer->getMemBufferRef(), nullptr, capture, &diags);
  in >> raw;
  if (in.error()) {
    error = diags.first.empty() ? path + ": malformed YAML" : diags.first;
    return false;
  }
  if (raw.checks) out.checks = *raw.checks;
  if (raw.fail_on) {
    severity s;
    if (!parse_severity(*raw.fail_on, s)) {
      error = path + ": FailOn: '" + *raw.fail_on + "' is not one of remark, note, warning, error";
      return false;
    }
    out.fail_on = s;
  }
  out.check_options = std::move(raw.check_options.values);
  return true;
}

std::string write_config(const config& cfg) {
  raw_config raw;
  raw.checks = cfg.checks;
  if (cfg.fail_on) raw.fail_on = std::string(severity_name(*cfg.fail_on));
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
