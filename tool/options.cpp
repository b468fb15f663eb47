// Command-line parsing. Hand-written rather than llvm::cl: gocxx has
// subcommands with their own options, and every usage error must be one
// clear line (`gocxx: error: ...`) and exit status 2.
#include "options.hpp"

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/FileSystem.h>

#include "header_filter.hpp"

namespace gocxx {

const char* const usage_text = R"(USAGE: gocxx [SUBCOMMAND] [OPTIONS] [FILES...]

Subcommands:
  check    run every check (the default when no subcommand is given)
  escape   escape analysis report, Go -gcflags=-m style (-m[=N])
  layout   struct size / alignment / padding report
  fix      show findings that have fix-its; --apply them, or --export-fixes
  lsp      language server on stdio for editors, beside clangd, or wrapping
           it with --clangd (docs/editors.md)

Options:
  -p BUILD_DIR            directory holding compile_commands.json
                          (default: searched upwards from the first FILE or
                          the current directory)
  -j N, --jobs=N          analyse N translation units in parallel (default: all cores)
  --unit-timeout=SECONDS  give up on a translation unit whose analysis takes
                          longer (an error of that unit; default 300, 0: no limit)
  --checks=GLOBS          select checks like clang-tidy: -*,gocxx-layout-*
  --format=FMT            text | go | json | sarif | codeclimate (GitLab Code
                          Quality) (default: text; go for escape)
  --sarif-category=NAME   SARIF runAutomationDetails category, to keep several
                          uploads per commit apart (default: gocxx/SUBCOMMAND)
  --fail-on=SEVERITY      remark | note | warning | error (default: warning)
  --header-filter=REGEX   show findings in (and fix) the headers whose absolute
                          path REGEX matches (default: the headers below the
                          project, not the runtime's; never system headers)
  --system-headers        system headers too (with --header-filter: those it matches)
  --baseline=FILE         hide findings already in FILE (a previous JSON output)
  --export-fixes=FILE     write the fix-its as YAML for clang-apply-replacements
  --apply                 (fix) apply the fix-its to the files
  -m, -m=N                (escape) report verbosity, like go build -gcflags=-m=N
  --summaries=DIR         cross-unit escape summaries: read the other units'
                          from DIR, write the analysed units' to it (a run over
                          the whole database computes them itself; docs/scale.md)
  --shard=I/N             analyse the I-th of N deterministic parts of the
                          database (needs --summaries; the union of the N
                          outputs is the whole run's)
  --stats                 print on stderr how many passes the cross-unit
                          summaries took
  --list-checks           list the checks and exit
  --dump-config [FILE]    print the effective .gocxx.yaml for FILE (default: the
                          current directory) with the options of every enabled
                          check, and exit
  --clangd PATH           (lsp) run clangd (e.g. clangd-19) as a child and serve
                          its answers with gocxx's diagnostics merged in
  --clangd-arg ARG        (lsp) pass ARG to clangd (repeatable)
  --compile-commands-dir DIR
                          (lsp) the compile_commands.json to use (default: the
                          nearest one above each file, as clangd finds it)
  --debounce MS           (lsp) analyse MS milliseconds after the last edit
                          (default: 50)
  --print-tidy-module     print the absolute path of the clang-tidy module that
                          matches this binary (clang-tidy-19 --load=PATH), and exit
  --print-plugin          print the absolute path of the compiler plugin that
                          matches this binary (clang++-19 -fplugin=PATH), and exit
  --help, --version

With no FILES every translation unit of the compilation database is analysed.
Exit status: 0 no findings at or above --fail-on, 1 findings, 2 usage error or
a translation unit that could not be analysed.
)";

output_format options::effective_format() const {
  if (format) return *format;
  return command == subcommand::escape ? output_format::go : output_format::text;
}

namespace {

bool parse_positive(llvm::StringRef text, unsigned& out) {
  unsigned v = 0;
  if (text.getAsInteger(10, v) || v == 0) return false;
  out = v;
  return true;
}

}  // namespace

const char* subcommand_name(subcommand c) {
  switch (c) {
    case subcommand::check: return "check";
    case subcommand::escape: return "escape";
    case subcommand::layout: return "layout";
    case subcommand::fix: return "fix";
    case subcommand::lsp: return "lsp";
  }
  return "check";
}

bool parse_options(int argc, const char* const* argv, options& out, std::string& error) {
  std::vector<llvm::StringRef> args(argv + 1, argv + argc);
  size_t i = 0;
  if (i < args.size()) {
    static const std::pair<const char*, subcommand> commands[] = {{"check", subcommand::check},
                                                                  {"escape", subcommand::escape},
                                                                  {"layout", subcommand::layout},
                                                                  {"fix", subcommand::fix},
                                                                  {"lsp", subcommand::lsp}};
    bool found = false;
    for (const auto& [name, c] : commands) {
      if (args[i] == name) {
        out.command = c;
        ++i;
        found = true;
        break;
      }
    }
    // A bare word that is no file is a mistyped subcommand, not a FILE.
    llvm::StringRef first = found ? llvm::StringRef() : args[0];
    if (!first.empty() && !first.starts_with("-") && !first.contains('.') && !first.contains('/') &&
        !llvm::sys::fs::exists(first)) {
      error = "unknown subcommand '" + first.str() + "' (check, escape, layout, fix, lsp)";
      return false;
    }
  }

  bool only_files = false;
  // The value of an option given as `--opt=value` or `--opt value`.
  auto value_of = [&](llvm::StringRef arg, llvm::StringRef name, std::string& value) -> int {
    // 0: not this option; 1: parsed; -1: error
    if (arg == name) {
      if (i + 1 >= args.size()) {
        error = name.str() + " needs a value";
        return -1;
      }
      value = args[++i].str();
      return 1;
    }
    if (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '=') {
      value = arg.substr(name.size() + 1).str();
      return 1;
    }
    return 0;
  };

  for (; i < args.size(); ++i) {
    llvm::StringRef arg = args[i];
    if (only_files || !arg.starts_with("-") || arg == "-") {
      out.files.push_back(arg.str());
      continue;
    }
    if (arg == "--") {
      only_files = true;
      continue;
    }
    if (arg == "--help" || arg == "-h" || arg == "-help") {
      out.help = true;
      continue;
    }
    if (arg == "--version") {
      out.version = true;
      continue;
    }
    if (arg == "--list-checks") {
      out.list_checks = true;
      continue;
    }
    if (arg == "--print-tidy-module" || arg == "--print-plugin") {
      out.print_library = arg == "--print-plugin" ? companion::compiler_plugin : companion::tidy_module;
      continue;
    }
    if (arg == "--dump-config") {
      out.dump_config = true;
      continue;
    }
    if (arg == "--apply") {
      out.apply = true;
      continue;
    }
    std::string value;
    int r;
    if (arg.starts_with("-p") && !arg.starts_with("-p=") && arg != "-p") {
      // -pBUILD_DIR
      out.build_dir = arg.substr(2).str();
      continue;
    }
    if ((r = value_of(arg, "-p", value)) != 0) {
      if (r < 0) return false;
      if (value.empty()) {
        error = "-p needs a build directory";
        return false;
      }
      out.build_dir = value;
      continue;
    }
    if ((r = value_of(arg, "-j", value)) != 0 || (r = value_of(arg, "--jobs", value)) != 0) {
      if (r < 0) return false;
      if (!parse_positive(value, out.jobs)) {
        error = "-j: '" + value + "' is not a positive number";
        return false;
      }
      continue;
    }
    if (arg.starts_with("-j") && !arg.starts_with("-j=")) {
      value = arg.substr(2).str();
      if (!parse_positive(value, out.jobs)) {
        error = "-j: '" + value + "' is not a positive number";
        return false;
      }
      continue;
    }
    if ((r = value_of(arg, "--clangd", value)) != 0) {
      if (r < 0) return false;
      if (value.empty()) {
        error = "--clangd needs the path of clangd";
        return false;
      }
      out.clangd = value;
      continue;
    }
    if ((r = value_of(arg, "--clangd-arg", value)) != 0) {
      if (r < 0) return false;
      out.clangd_args.push_back(value);
      continue;
    }
    if ((r = value_of(arg, "--compile-commands-dir", value)) != 0) {
      if (r < 0) return false;
      if (value.empty()) {
        error = "--compile-commands-dir needs a directory";
        return false;
      }
      out.build_dir = value;
      continue;
    }
    if ((r = value_of(arg, "--debounce", value)) != 0) {
      if (r < 0) return false;
      unsigned ms = 0;
      if (llvm::StringRef(value).getAsInteger(10, ms) || ms > 60000) {
        error = "--debounce: '" + value + "' is not a number of milliseconds up to 60000";
        return false;
      }
      out.debounce_ms = ms;
      continue;
    }
    if ((r = value_of(arg, "--unit-timeout", value)) != 0) {
      if (r < 0) return false;
      if (llvm::StringRef(value).getAsInteger(10, out.unit_timeout)) {
        error = "--unit-timeout: '" + value + "' is not a number of seconds";
        return false;
      }
      continue;
    }
    if ((r = value_of(arg, "--checks", value)) != 0) {
      if (r < 0) return false;
      if (!out.checks.empty()) out.checks += ",";
      out.checks += value;
      continue;
    }
    if ((r = value_of(arg, "--format", value)) != 0) {
      if (r < 0) return false;
      if (value == "text")
        out.format = output_format::text;
      else if (value == "go")
        out.format = output_format::go;
      else if (value == "json")
        out.format = output_format::json;
      else if (value == "sarif")
        out.format = output_format::sarif;
      else if (value == "codeclimate")
        out.format = output_format::codeclimate;
      else {
        error = "--format: '" + value + "' is not one of text, go, json, sarif, codeclimate";
        return false;
      }
      continue;
    }
    if ((r = value_of(arg, "--sarif-category", value)) != 0) {
      if (r < 0) return false;
      // GitHub reads the category up to the id's last slash.
      if (value.empty() || llvm::StringRef(value).ends_with("/")) {
        error = "--sarif-category needs a name that does not end with '/'";
        return false;
      }
      out.sarif_category = value;
      continue;
    }
    if ((r = value_of(arg, "--fail-on", value)) != 0) {
      if (r < 0) return false;
      severity s;
      if (!parse_severity(value, s)) {
        error = "--fail-on: '" + value + "' is not one of remark, note, warning, error";
        return false;
      }
      out.fail_on = s;
      continue;
    }
    if (arg == "--system-headers") {
      out.system_headers = true;
      continue;
    }
    if ((r = value_of(arg, "--header-filter", value)) != 0) {
      if (r < 0) return false;
      std::string why = check_header_filter_regex(value);
      if (!why.empty()) {
        error = "--header-filter: '" + value + "': " + why;
        return false;
      }
      out.header_filter = value;
      continue;
    }
    if ((r = value_of(arg, "--baseline", value)) != 0) {
      if (r < 0) return false;
      if (value.empty()) {
        error = "--baseline needs a file";
        return false;
      }
      out.baseline = value;
      continue;
    }
    if ((r = value_of(arg, "--summaries", value)) != 0) {
      if (r < 0) return false;
      if (value.empty()) {
        error = "--summaries needs a directory";
        return false;
      }
      out.summaries = value;
      continue;
    }
    if ((r = value_of(arg, "--shard", value)) != 0) {
      if (r < 0) return false;
      auto [index, count] = llvm::StringRef(value).split('/');
      unsigned i = 0, n = 0;
      if (!parse_positive(index, i) || !parse_positive(count, n) || i > n) {
        error = "--shard: '" + value + "' is not I/N with 1 <= I <= N";
        return false;
      }
      out.shard = std::make_pair(i, n);
      continue;
    }
    if (arg == "--stats") {
      out.stats = true;
      continue;
    }
    if ((r = value_of(arg, "--export-fixes", value)) != 0) {
      if (r < 0) return false;
      if (value.empty()) {
        error = "--export-fixes needs a file";
        return false;
      }
      out.export_fixes = value;
      continue;
    }
    if (arg == "-m") {
      out.escape_level = 1;
      continue;
    }
    if (arg.starts_with("-m=")) {
      unsigned level = 0;
      if (!parse_positive(arg.substr(3), level)) {
        error = "-m: '" + arg.substr(3).str() + "' is not a positive number";
        return false;
      }
      out.escape_level = level;
      continue;
    }
    error = "unknown option '" + arg.str() + "' (see gocxx --help)";
    return false;
  }

  if (out.apply && out.command != subcommand::fix) {
    error = "--apply is only valid with 'gocxx fix'";
    return false;
  }
  if (out.dump_config && out.files.size() > 1) {
    error = "--dump-config takes at most one FILE";
    return false;
  }
  if (out.apply && out.export_fixes) {
    error = "gocxx fix takes --apply or --export-fixes, not both";
    return false;
  }
  if ((out.clangd || !out.clangd_args.empty() || out.debounce_ms) && out.command != subcommand::lsp) {
    error = "--clangd, --clangd-arg and --debounce are only valid with 'gocxx lsp'";
    return false;
  }
  if (!out.clangd_args.empty() && !out.clangd) {
    error = "--clangd-arg needs --clangd";
    return false;
  }
  if (out.command == subcommand::lsp && !out.files.empty()) {
    error = "gocxx lsp takes no FILES: the editor opens them";
    return false;
  }
  if (out.shard && !out.files.empty()) {
    error = "--shard splits the whole compilation database: it takes no FILES";
    return false;
  }
  // A shard cannot see the other units' functions: their summaries must
  // come from DIR (docs/scale.md), or its findings would not be the whole
  // run's.
  if (out.shard && !out.summaries && out.command != subcommand::layout) {
    error = "--shard needs --summaries=DIR: the other shards' units are summarised there (docs/scale.md)";
    return false;
  }
  if ((out.summaries || out.shard || out.stats) && out.command == subcommand::lsp) {
    error = "--summaries, --shard and --stats are not valid with 'gocxx lsp'";
    return false;
  }
  if (out.escape_level && out.command != subcommand::escape) {
    error = "-m is only valid with 'gocxx escape'";
    return false;
  }
  return true;
}

}  // namespace gocxx
