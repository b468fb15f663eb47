#!/usr/bin/env python3
"""End-to-end test of a stack-allocation rewrite (README.md in this directory).

For each program: compile and run the original; copy it into a fresh
directory with a compile_commands.json and `gocxx fix --apply` it with the one
check; check the number of fixes; fix again (must apply nothing); compile the
rewritten file with AddressSanitizer and UndefinedBehaviorSanitizer and run it:
same stdout, same exit status, no sanitizer report, and exactly the promised
number of heap allocations gone.

Programs:
  test/rewrite/*.cpp      gocxx programs with a `// fixes: F` / `// moved: M`
                          header, checked against gocxx-escape-heap-to-stack;
                          they print `gocxx-mallocs N` (go::mem_stats().mallocs)
                          to stderr last
  test/rewrite/cxx/*.cpp  plain C++ programs with the same header, checked
                          against the check named by --cxx-check (skipped, with
                          a notice, when gocxx does not know it); linked with
                          cxx/count_new.cpp, which prints `cxx-news N`
  examples/*.cpp          no header: the fixes are only reported, and the GC
                          allocations at exit (printed by a helper linked in)
                          may only go down

Exit status 0 when every program passes, 1 otherwise (the reasons follow the
table), 2 on a usage error.
"""
import argparse
import concurrent.futures
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
HEAP_CHECK = "gocxx-escape-heap-to-stack"
RUN_TIMEOUT = 60
TOOL_TIMEOUT = 600

SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-fno-omit-frame-pointer"]
# detect_stack_use_after_return: a go::local (a stack object) used after its
# function returned is reported, not silently read from a dead frame.
# detect_leaks is chosen per kind of program:
#  - gocxx programs: 0. Their objects live in the collector's arenas (mmap'd,
#    never scanned by LeakSanitizer), so malloc'd memory that only a GC object
#    refers to (a std::string's buffer in a go::new_'d struct), the runtime's
#    own structures and the goroutines that go::run abandons at exit would all
#    be reported as leaks: noise, not a fault of the rewrite.
#  - plain C++ programs: 1. They free everything they allocate, so a leak
#    there means the rewrite lost (or duplicated the ownership of) an object.
ASAN_GOCXX = "detect_stack_use_after_return=1:detect_leaks=0"
ASAN_CXX = "detect_stack_use_after_return=1:detect_leaks=1"
UBSAN = "print_stacktrace=1:halt_on_error=1"
SANITIZER_REPORT = re.compile(
    r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: \w+Sanitizer|WARNING: \w+Sanitizer")
APPLIED = re.compile(r"applied the fixes of (\d+) findings? to (\d+) files?")

# An extra translation unit for the examples, which print no figure of their
# own: an atexit handler, registered before main, so that it runs after main
# returns (the collector's state is never destroyed).
EXIT_MALLOCS_TU = r"""
#include <gocxx/gc.hpp>
#include <cstdio>
#include <cstdlib>
namespace {
struct print_at_exit {
  print_at_exit() {
    std::atexit([] {
      std::fprintf(stderr, "gocxx-mallocs %llu\n", (unsigned long long)go::mem_stats().mallocs);
    });
  }
} instance;
}  // namespace
"""


class Failure(Exception):
    pass


class Program:
    def __init__(self, path):
        self.path = os.path.abspath(path)
        rel = os.path.relpath(self.path, REPO)
        self.display = rel if not rel.startswith("..") else self.path
        parent = os.path.basename(os.path.dirname(self.path))
        self.stem = os.path.splitext(os.path.basename(self.path))[0]
        in_corpus = os.path.dirname(self.path) in (HERE, os.path.join(HERE, "cxx"))
        with open(self.path, encoding="utf-8") as f:
            self.source = f.read()
        self.cxx = parent == "cxx" and in_corpus
        self.needs_header = in_corpus
        self.key = ("cxx-" if self.cxx else "") + (self.stem if in_corpus else parent + "-" + self.stem)
        self.fixes = self.moved = None
        self.header_error = None
        if self.needs_header:
            self.header_error = self.parse_header()

    def parse_header(self):
        """The leading comment block: a description, then `// fixes: F` and
        `// moved: M`, each exactly once."""
        lines = self.source.splitlines()
        block = []
        for line in lines:
            if not line.startswith("//"):
                break
            block.append(line)
        if len(block) < 3:
            return "header: the file must open with a comment block (what it ports, what moves), " \
                   "then `// fixes: F` and `// moved: M`"
        values = {}
        for key in ("fixes", "moved"):
            found = [l for l in block if re.match(r"//\s*%s\s*:" % key, l)]
            if len(found) != 1:
                return "header: expected exactly one `// %s: N` line in the opening comment, found %d" % (
                    key, len(found))
            m = re.fullmatch(r"//\s*%s:\s*(\d+)\s*" % key, found[0])
            if not m:
                return "header: malformed %r (want `// %s: N`, N a non-negative integer)" % (found[0], key)
            values[key] = int(m.group(1))
        described = [l for l in block if not re.match(r"//\s*(fixes|moved)\s*:", l) and l.strip("/ ")]
        if not described:
            return "header: no description of the Go idiom and of what the rewrite moves and keeps"
        self.fixes, self.moved = values["fixes"], values["moved"]
        return None


class Result:
    def __init__(self, prog):
        self.prog = prog
        self.applied = None
        self.before = None
        self.after = None
        self.reasons = []
        self.skipped = None

    @property
    def ok(self):
        return not self.reasons and not self.skipped


def run(cmd, cwd=None, env=None, timeout=TOOL_TIMEOUT):
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, timeout=timeout, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, errors="replace")
    except subprocess.TimeoutExpired:
        raise Failure("timed out after %d s: %s" % (timeout, " ".join(cmd)))
    return p


def tail(text, n=25):
    lines = text.rstrip("\n").splitlines()
    return "\n".join(("    " + l) for l in lines[-n:])


def starts_with_umbrella(source):
    """The first preprocessor line is `#include <gocxx/gocxx.hpp>`: the
    precompiled umbrella header may stand in for it."""
    for line in source.splitlines():
        line = line.strip()
        if line.startswith("#"):
            return re.fullmatch(r"#\s*include\s*<gocxx/gocxx\.hpp>", line) is not None
    return False


class Runner:
    def __init__(self, args, cxx_check_known):
        self.args = args
        self.cxx_check_known = cxx_check_known
        self.pch = {}  # sanitize (bool) -> path of the precompiled <gocxx/gocxx.hpp>

    def flags(self, prog, sanitize):
        cmd = [self.args.cxx, "-std=c++20", "-O1", "-g"]
        if sanitize:
            cmd += SANITIZE
        if prog is not None and prog.cxx:
            # Without it clang removes new/delete pairs it can see through
            # (allocation elision), differently with and without the
            # sanitizers: cxx-news would count the optimiser's choices.
            cmd += ["-fno-builtin"]
        else:
            cmd += ["-I" + self.args.include]
        return cmd

    def precompile(self, sanitize):
        """<gocxx/gocxx.hpp> precompiled with the flags of one of the two
        builds: it halves the compile time of a program. None if it fails."""
        d = os.path.join(self.args.work, "pch")
        os.makedirs(d, exist_ok=True)
        name = "umbrella-%s" % ("sanitized" if sanitize else "plain")
        header = os.path.join(d, name + ".hpp")  # one each: a PCH records its header's mtime
        with open(header, "w") as f:
            f.write("#include <gocxx/gocxx.hpp>\n")
        out = os.path.join(d, name + ".pch")
        try:
            p = run(self.flags(None, sanitize) + ["-x", "c++-header", header, "-o", out])
        except Failure as e:
            print("notice: %s; compiling without a precompiled header" % e)
            return
        if p.returncode != 0:
            print("notice: precompiling <gocxx/gocxx.hpp> failed, compiling without it:\n" + tail(p.stderr, 10))
            return
        self.pch[sanitize] = out

    def compile(self, sources, out, prog, sanitize, extra=()):
        cmd = self.flags(prog, sanitize)
        if sanitize in self.pch and not prog.cxx and starts_with_umbrella(prog.source):
            cmd += ["-include-pch", self.pch[sanitize]]
        cmd += list(sources) + list(extra) + ["-o", out]
        if not prog.cxx:
            cmd += [self.args.runtime_lib]
        cmd += ["-lpthread"]
        p = run(cmd)
        if p.returncode != 0:
            raise Failure("%s build failed:\n%s" % ("sanitized" if sanitize else "original", tail(p.stderr)))

    def execute(self, binary, prog, sanitize):
        env = dict(os.environ)
        env.pop("ASAN_OPTIONS", None)
        env.pop("UBSAN_OPTIONS", None)
        if sanitize:
            env["ASAN_OPTIONS"] = ASAN_CXX if prog.cxx else ASAN_GOCXX
            env["UBSAN_OPTIONS"] = UBSAN
        try:
            p = subprocess.run([binary], env=env, timeout=RUN_TIMEOUT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, errors="replace")
        except subprocess.TimeoutExpired:
            raise Failure("%s program timed out after %d s" % ("rewritten" if sanitize else "original",
                                                                RUN_TIMEOUT))
        return p

    def allocations(self, prog, stderr):
        marker = r"cxx-news (\d+)" if prog.cxx else r"gocxx-mallocs (\d+)"
        found = re.findall(marker, stderr)
        return int(found[-1]) if found else None

    def gocxx_fix(self, directory, filename, check):
        cmd = [self.args.gocxx, "fix", "--checks=-*," + check, "--apply", "-j", "1", "-p", directory, filename]
        p = run(cmd, cwd=directory)
        m = APPLIED.search(p.stderr) or APPLIED.search(p.stdout)
        if p.returncode not in (0, 1) or not m:
            raise Failure("`%s` failed (exit %d):\n%s" % (" ".join(cmd), p.returncode, tail(p.stdout + p.stderr)))
        return int(m.group(1)), p.stdout + p.stderr

    def check(self, prog):
        res = Result(prog)
        try:
            self.check_steps(prog, res)
        except Failure as e:
            res.reasons.append(str(e))
        except Exception as e:  # a bug of this script: report it with the program, go on with the others
            res.reasons.append("run_corpus.py: %s: %s" % (type(e).__name__, e))
        return res

    def check_steps(self, prog, res):
        if prog.header_error:
            raise Failure(prog.header_error)
        check = self.args.cxx_check if prog.cxx else HEAP_CHECK
        if prog.cxx and not self.cxx_check_known:
            res.skipped = "gocxx does not know check %s" % check
            return
        wd = os.path.join(self.args.work, prog.key)
        shutil.rmtree(wd, ignore_errors=True)
        os.makedirs(os.path.join(wd, "fix"))
        extra = []
        if prog.cxx:
            extra = [os.path.join(HERE, "cxx", "count_new.cpp")]
        elif not prog.needs_header:
            helper = os.path.join(wd, "mallocs_at_exit.cpp")
            with open(helper, "w") as f:
                f.write(EXIT_MALLOCS_TU)
            extra = [helper]

        # (a) the original.
        orig_bin = os.path.join(wd, "original")
        self.compile([prog.path], orig_bin, prog, sanitize=False, extra=extra)
        orig = self.execute(orig_bin, prog, sanitize=False)
        res.before = self.allocations(prog, orig.stderr)
        if res.before is None and prog.needs_header:
            raise Failure("the original printed no `%s` line on stderr (exit %d):\n%s" % (
                "cxx-news N" if prog.cxx else "gocxx-mallocs N", orig.returncode, tail(orig.stderr)))

        # (b) the rewrite, in a fresh directory with its compilation database.
        fixdir = os.path.join(wd, "fix")
        name = os.path.basename(prog.path)
        fixed = os.path.join(fixdir, name)
        shutil.copyfile(prog.path, fixed)
        flags = [self.args.cxx, "-std=c++20", "-fsyntax-only"]
        if not prog.cxx:
            flags.append("-I" + os.path.abspath(self.args.include))
        with open(os.path.join(fixdir, "compile_commands.json"), "w") as f:
            json.dump([{"directory": fixdir, "file": name, "arguments": flags + [name]}], f, indent=1)
        res.applied, log = self.gocxx_fix(fixdir, name, check)
        with open(os.path.join(wd, "fix.log"), "w") as f:
            f.write(log)
        with open(fixed, encoding="utf-8") as f:
            rewritten = f.read()
        with open(os.path.join(wd, "rewrite.diff"), "w") as f:
            f.writelines(difflib.unified_diff(prog.source.splitlines(True), rewritten.splitlines(True),
                                              "a/" + name, "b/" + name))
        if prog.needs_header and res.applied != prog.fixes:
            res.reasons.append("gocxx applied %d fixes, the header says `fixes: %d`\n%s" % (
                res.applied, prog.fixes, tail(log, 40)))

        # (c) idempotent.
        again, log2 = self.gocxx_fix(fixdir, name, check)
        if again != 0:
            res.reasons.append("a second `gocxx fix --apply` applied %d more fixes:\n%s" % (again, tail(log2)))
            # Go on with the file as the first run left it.
            with open(fixed, "w", encoding="utf-8") as f:
                f.write(rewritten)

        # (d) the rewritten program, sanitized.
        fixed_bin = os.path.join(wd, "rewritten")
        self.compile([fixed], fixed_bin, prog, sanitize=True, extra=extra)
        after = self.execute(fixed_bin, prog, sanitize=True)
        res.after = self.allocations(prog, after.stderr)
        report = SANITIZER_REPORT.search(after.stderr)
        if report:
            res.reasons.append("sanitizer report from the rewritten program:\n%s" % tail(after.stderr, 40))
        if after.stdout != orig.stdout:
            diff = difflib.unified_diff(orig.stdout.splitlines(True), after.stdout.splitlines(True),
                                        "original stdout", "rewritten stdout")
            res.reasons.append("stdout differs:\n" + "".join("    " + l for l in diff).rstrip("\n"))
        if after.returncode != orig.returncode:
            res.reasons.append("exit status %d, the original's was %d\n%s" % (
                after.returncode, orig.returncode, tail(after.stderr)))
        if prog.needs_header:
            if res.after is None:
                if not report:
                    res.reasons.append("the rewritten program printed no allocation count:\n%s" % tail(after.stderr))
            elif res.before - res.after != prog.moved:
                res.reasons.append("%d allocations gone (%d -> %d), the header says `moved: %d`" % (
                    res.before - res.after, res.before, res.after, prog.moved))
        elif res.before is not None and res.after is not None and res.after > res.before:
            res.reasons.append("more GC allocations after the rewrite: %d -> %d" % (res.before, res.after))


def cxx_check_status(args):
    """True when gocxx knows the check, False when it says it matches no check
    (`gocxx check --checks=-*,ID` fails with exit status 2 and
    "--checks: 'ID' matches no check")."""
    p = run([args.gocxx, "check", "--checks=-*," + args.cxx_check, "--list-checks"])
    if p.returncode == 0 and re.search(r"^%s\b" % re.escape(args.cxx_check), p.stdout, re.M):
        return True
    if "matches no check" in p.stderr:
        return False
    sys.exit("run_corpus.py: cannot tell whether gocxx knows %s (exit %d):\n%s" % (
        args.cxx_check, p.returncode, p.stderr))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gocxx", default=os.path.join(REPO, "build", "tool", "gocxx"))
    ap.add_argument("--runtime-lib", default=os.path.join(REPO, "build", "runtime", "libgocxx_runtime.a"))
    ap.add_argument("--include", default=os.path.join(REPO, "runtime", "include"))
    ap.add_argument("--cxx", default=os.environ.get("CXX", "clang++-19"))
    ap.add_argument("--work", help="directory for the builds (default: a temporary one, removed at the end)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--no-pch", action="store_true", help="do not precompile <gocxx/gocxx.hpp> (slower)")
    ap.add_argument("--cxx-check", metavar="ID", default="gocxx-escape-unique-to-stack",
                    help="the check the plain C++ programs of cxx/ test (default: %(default)s); "
                         "an empty ID leaves them out")
    ap.add_argument("files", nargs="*", help="programs (default: test/rewrite/*.cpp, examples/*.cpp, and "
                                              "test/rewrite/cxx/*.cpp unless --cxx-check is empty)")
    args = ap.parse_args()

    for what, path in (("--gocxx", args.gocxx), ("--runtime-lib", args.runtime_lib), ("--include", args.include)):
        if not os.path.exists(path):
            ap.error("%s: %s does not exist" % (what, path))
    args.include = os.path.abspath(args.include)
    args.runtime_lib = os.path.abspath(args.runtime_lib)
    args.gocxx = os.path.abspath(args.gocxx)

    files = args.files
    for f in files:
        if not os.path.isfile(f):
            ap.error("%s: no such file" % f)
    if not files:
        pick = lambda d: sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".cpp"))
        files = pick(HERE) + pick(os.path.join(REPO, "examples"))
        if args.cxx_check:
            files += [f for f in pick(os.path.join(HERE, "cxx")) if os.path.basename(f) != "count_new.cpp"]
    helper = os.path.join(HERE, "cxx", "count_new.cpp")
    if any(os.path.abspath(f) == helper for f in files):
        print("notice: cxx/count_new.cpp is linked into the plain C++ programs, not a program: left out")
        files = [f for f in files if os.path.abspath(f) != helper]
    programs = [Program(f) for f in files]
    if any(p.cxx for p in programs) and not args.cxx_check:
        ap.error("the plain C++ programs of cxx/ need --cxx-check ID")
    keys = [p.key for p in programs]
    if len(set(keys)) != len(keys):
        ap.error("two programs with the same name")

    cxx_known = True
    if args.cxx_check and any(p.cxx for p in programs):
        cxx_known = cxx_check_status(args)
        if not cxx_known:
            print("notice: gocxx does not know the check %s: skipping the %d plain C++ programs" % (
                args.cxx_check, sum(p.cxx for p in programs)))

    cleanup = args.work is None
    args.work = os.path.abspath(args.work or tempfile.mkdtemp(prefix="gocxx-rewrite-"))
    os.makedirs(args.work, exist_ok=True)
    start = time.monotonic()
    runner = Runner(args, cxx_known)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        if not args.no_pch and any(not p.cxx for p in programs):
            list(pool.map(runner.precompile, (False, True)))
        results = list(pool.map(runner.check, programs))
    elapsed = time.monotonic() - start

    def cell(v):
        return "-" if v is None else str(v)

    rows = []
    for r in results:
        p = r.prog
        fixes = cell(r.applied) if not p.needs_header else "%s/%d" % (cell(r.applied), p.fixes or 0)
        if p.header_error:
            fixes = "?"
        mallocs = "%s -> %s" % (cell(r.before), cell(r.after))
        gone = None if r.before is None or r.after is None else r.before - r.after
        moved = cell(gone) if not p.needs_header else "%s/%s" % (cell(gone), cell(p.moved))
        verdict = "SKIP" if r.skipped else ("PASS" if r.ok else "FAIL")
        rows.append((p.display, fixes, mallocs, moved, verdict))
    head = ("program", "fixes", "allocations before -> after", "moved", "verdict")
    widths = [max(len(x[i]) for x in rows + [head]) for i in range(len(head))]
    fmt = "  ".join("%%-%ds" % w for w in widths)
    print(fmt % head)
    print(fmt % tuple("-" * w for w in widths))
    for row in rows:
        print(fmt % row)
    failed = [r for r in results if not r.ok and not r.skipped]
    skipped = [r for r in results if r.skipped]
    passed = len(results) - len(failed) - len(skipped)
    print("\n%d programs: %d passed, %d failed, %d skipped; %d fixes applied, %d allocations moved; %.1f s (-j %d)" % (
        len(results), passed, len(failed), len(skipped), sum(r.applied or 0 for r in results),
        sum((r.before - r.after) for r in results if r.before is not None and r.after is not None and r.ok),
        elapsed, args.jobs))
    for r in skipped:
        print("skipped %s: %s" % (r.prog.display, r.skipped))
    for r in failed:
        print("\nFAIL %s (work directory %s):" % (r.prog.display, os.path.join(args.work, r.prog.key)))
        for reason in r.reasons:
            print("  - " + reason)
    if cleanup and not failed:
        shutil.rmtree(args.work, ignore_errors=True)
    elif failed:
        print("\nthe builds are kept in %s" % args.work)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
