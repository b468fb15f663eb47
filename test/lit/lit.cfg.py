# lit configuration for gocxx's lit + FileCheck tests (see CMakeLists.txt).
#
# Substitutions available in RUN lines:
#   %examples          directory of the example binaries (build/examples)
#   %gocxx             the analyzer, build/tool/gocxx
#   %gocxx_test        the analyzer with the driver tests' check gocxx-driver-test
#                      (build/test/driver_check/gocxx-driver-test)
#   %cdb DIR FILES... [-- FLAGS...]
#                      write DIR/compile_commands.json for FILES (C++20,
#                      -fsyntax-only, -I the runtime's include directory, FLAGS)
#   %expect_exit N     run the rest of the line as a command, passing its output
#                      through; succeed iff it exits with status N (and within
#                      the per-test timeout, --param timeout=SECONDS, default 60)
#   %cxx, %gocxx_include   the C++ compiler and the runtime's include directory
#   %gocxx_build       the build tree (cmake --install it for the package)
#   %node, %nvim, %clangd  Node.js, Neovim and clangd-19 (the editor tests)
#   %editors           test/editors: the editor tests' clients and scripts
#   FileCheck, not     LLVM's tools
import os
import lit.formats

# Pointed at the source tree, lit finds this file first: load the build
# tree's lit.site.cfg.py named by --param gocxx_site_config=... (or by the
# environment variable GOCXX_LIT_SITE_CONFIG).
if not hasattr(config, "gocxx_examples_dir"):
    site = lit_config.params.get("gocxx_site_config") or os.environ.get("GOCXX_LIT_SITE_CONFIG")
    if not site:
        lit_config.fatal("run lit on <build>/test/lit, or pass "
                         "--param gocxx_site_config=<build>/test/lit/lit.site.cfg.py")
    config.gocxx_loading_site_config = True
    lit_config.load_config(config, site)

config.name = "gocxx"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".test", ".cpp"]
config.excludes = ["Inputs", "utils"]
config.test_source_root = os.path.dirname(os.path.abspath(__file__))
config.test_exec_root = config.gocxx_lit_obj_dir

# A clean, deterministic environment: lit passes only a few variables through
# (GOMAXPROCS, GOCXX_LEAKCHECK and friends are not among them); tests set what
# they need with `env`.
config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environment.get("PATH", os.environ.get("PATH", ""))])

timeout = lit_config.params.get("timeout", "60")
expect_exit = '"%s" "%s" --timeout=%s' % (
    config.python_executable, os.path.join(config.test_source_root, "utils", "expect_exit.py"), timeout)

# Patterns are regular expressions. A tool name is replaced only where it
# stands as a word of its own (not inside a path or another word).
def tool(name):
    return r"(?<![\w/.%-])" + name + r"(?![\w/.-])"

config.substitutions += [
    ("%examples", config.gocxx_examples_dir),
    # Longest first: %gocxx is a prefix of the others.
    ("%gocxx_include", config.gocxx_runtime_include),
    ("%gocxx_build", config.gocxx_obj_root),
    ("%gocxx_test", os.path.join(config.gocxx_obj_root, "test", "driver_check", "gocxx-driver-test")),
    ("%gocxx", os.path.join(config.gocxx_tools_dir, "gocxx")),
    ("%cdb", '"%s" "%s" --runtime-include "%s"' % (
        config.python_executable, os.path.join(config.test_source_root, "utils", "cdb.py"),
        config.gocxx_runtime_include)),
    ("%expect_exit", expect_exit),
    ("%sarif_multitool", config.sarif_multitool),
    ("%clang_tidy", config.clang_tidy),
    ("%tidy_module", config.tidy_module),
    ("%compiler_plugin", config.compiler_plugin),
    ("%cxx", config.cxx_compiler),
    ("%node", config.node),
    ("%nvim", config.nvim),
    ("%clangd", config.clangd),
    ("%editors", os.path.join(os.path.dirname(config.test_source_root), "editors")),
    (tool("FileCheck"), config.filecheck),
    (tool("not"), config.not_tool),
]

# Root may write to read-only files and directories: tests of what gocxx does
# when it may not write need `REQUIRES: non-root-user`.
if os.name == "posix" and os.geteuid() != 0:
    config.available_features.add("non-root-user")

if config.gocxx_sanitize:
    config.available_features.add(config.gocxx_sanitize + "-sanitizer")
