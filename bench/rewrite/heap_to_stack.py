#!/usr/bin/env python3
"""What gocxx-escape-heap-to-stack's rewrite buys: bench/rewrite/alloc_heavy.cpp
(go::new_ for every temporary, as a Go programmer writes it) built as written
("before") and after `gocxx fix --checks=-*,gocxx-escape-heap-to-stack --apply`
("after"), both with -O2 -DNDEBUG, run alternately and compared.

Steps: copies the program into a temporary directory with a
compile_commands.json, applies the fix-its to the copy (and reports how many),
counts the allocation sites the analysis leaves on the GC heap, builds both
programs, runs each once to warm up and then --repeat times alternating
(before, after, before, after, ...), checks that every run printed the same
stdout (the checksum), and prints the fixes applied, go::mem_stats().mallocs
of each program (printed on its stderr), the median and best wall time of
each (and the median CPU time: the collector works on other threads) and
the speedups before/after, from wall times.

Exit status: 0 when both programs built, ran and agreed; 1 when a step failed,
no fix was applied, or the outputs differ. Whether the 2x target is met does
not change the status.

usage: bench/rewrite/heap_to_stack.py [--gocxx GOCXX] [--build BUILD_DIR]
           [--cxx CXX] [--repeat N] [--iterations N] [--keep DIR]
"""
import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PROGRAM = os.path.join(HERE, "alloc_heavy.cpp")
CHECK = "-*,gocxx-escape-heap-to-stack"
TARGET = 2.0


def fail(msg):
    print(f"heap_to_stack.py: {msg}", file=sys.stderr)
    sys.exit(1)


def run(cmd, cwd=None, timeout=None):
    return subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gocxx", default=None, help="the analyzer (default: BUILD_DIR/tool/gocxx)")
    ap.add_argument("--build", default=os.path.join(REPO, "build"),
                    help="build tree holding runtime/libgocxx_runtime.a (default: build)")
    ap.add_argument("--cxx", default="clang++-19", help="C++20 compiler (default: clang++-19)")
    ap.add_argument("--repeat", type=int, default=7, help="timed runs of each program (default: 7)")
    ap.add_argument("--iterations", type=int, default=600000,
                    help="the program's iteration count (default: 600000, about 0.5 s before the fix)")
    ap.add_argument("--include", default=os.path.join(REPO, "runtime", "include"),
                    help="the runtime's include directory (default: runtime/include)")
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary directory)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds one run may take (default: 120)")
    args = ap.parse_args()
    if args.repeat < 1 or args.iterations < 1:
        fail("--repeat and --iterations must be positive")

    build = os.path.abspath(args.build)
    gocxx = os.path.abspath(args.gocxx or os.path.join(build, "tool", "gocxx"))
    lib = os.path.join(build, "runtime", "libgocxx_runtime.a")
    include = os.path.abspath(args.include)
    for path, what in ((gocxx, "analyzer"), (lib, "runtime library"), (PROGRAM, "program")):
        if not os.path.exists(path):
            fail(f"{what} not found: {path}")

    if args.keep:
        work = os.path.abspath(args.keep)
        os.makedirs(work, exist_ok=True)
    else:
        work = tempfile.mkdtemp(prefix="gocxx-heap-to-stack-")
    try:
        return measure(args, gocxx, lib, include, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def measure(args, gocxx, lib, include, work):
    flags = ["-std=c++20", "-O2", "-DNDEBUG", "-I" + include]
    before_src = os.path.join(work, "before.cpp")
    after_src = os.path.join(work, "alloc_heavy.cpp")
    shutil.copyfile(PROGRAM, before_src)
    shutil.copyfile(PROGRAM, after_src)
    entries = [{"directory": work, "file": f, "arguments": ["clang++"] + flags + ["-c", f]}
               for f in ("alloc_heavy.cpp", "before.cpp")]
    with open(os.path.join(work, "compile_commands.json"), "w") as out:
        json.dump(entries, out, indent=1)

    # The rewrite, on the copy.
    fix_cmd = [gocxx, "fix", f"--checks={CHECK}", "--apply", "-p", work, after_src]
    p = run(fix_cmd, cwd=work)
    log = p.stdout + p.stderr
    m = re.search(r"applied the fixes of (\d+) findings? to (\d+) files?", log)
    if p.returncode != 0 or not m:
        fail(f"`{' '.join(fix_cmd)}` failed (exit {p.returncode}):\n{log}")
    fixes, files = int(m.group(1)), int(m.group(2))
    if fixes == 0:
        fail("gocxx fix applied no fix: nothing to compare")
    # What is left on the GC heap, per the analysis, after the rewrite.
    p = run([gocxx, "escape", "-m=1", "--checks=-*,gocxx-escape-report", "-p", work, after_src], cwd=work)
    if p.returncode not in (0, 1):
        fail(f"gocxx escape failed (exit {p.returncode}):\n{p.stdout}{p.stderr}")
    remaining = len(re.findall(r"go::new_<[^>]*> escapes to heap", p.stdout + p.stderr))
    # A second pass must find nothing left to do.
    p = run(fix_cmd, cwd=work)
    again = re.search(r"applied the fixes of (\d+) findings?", p.stdout + p.stderr)

    exes = {}
    for name, src in (("before", before_src), ("after", after_src)):
        exe = os.path.join(work, name)
        cmd = [args.cxx] + flags + [src, lib, "-lpthread", "-o", exe]
        p = run(cmd, cwd=work)
        if p.returncode != 0:
            fail(f"building {name} failed: {' '.join(cmd)}\n{p.stderr}")
        exes[name] = exe

    times = {"before": [], "after": []}
    cpus = {"before": [], "after": []}
    outputs = {"before": set(), "after": set()}
    mallocs = {"before": set(), "after": set()}

    def once(name, timed):
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        try:
            p = run([exes[name], str(args.iterations)], cwd=work, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            fail(f"{name} did not finish within {args.timeout:g} s")
        wall = time.monotonic() - start
        ru2 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (ru2.ru_utime - ru.ru_utime) + (ru2.ru_stime - ru.ru_stime)
        if p.returncode != 0:
            fail(f"{name} exited with status {p.returncode}:\n{p.stderr}")
        m = re.search(r"mallocs: (\d+)", p.stderr)
        if not m:
            fail(f"{name} printed no 'mallocs: N' on stderr:\n{p.stderr}")
        outputs[name].add(p.stdout)
        mallocs[name].add(int(m.group(1)))
        if timed:
            times[name].append(wall)
            cpus[name].append(cpu)

    for name in ("before", "after"):  # warm-up (page cache, CPU frequency); checked, not timed
        once(name, False)
    for _ in range(args.repeat):
        once("before", True)
        once("after", True)

    all_outputs = outputs["before"] | outputs["after"]
    print(f"program: bench/rewrite/alloc_heavy.cpp, {args.iterations} iterations, "
          f"{args.repeat} timed runs of each (alternating), {' '.join([args.cxx] + flags[:3])}")
    print(f"fixes applied: {fixes} (in {files} file{'s' if files != 1 else ''}); "
          f"go::new_ sites left on the GC heap: {remaining}; "
          f"second gocxx fix: {again.group(1) if again else '?'} findings")

    def fmt_set(s):
        return " / ".join(f"{v:,}" for v in sorted(s))

    mb, ma = min(mallocs["before"]), min(mallocs["after"])
    print(f"mallocs: before {fmt_set(mallocs['before'])}, after {fmt_set(mallocs['after'])} "
          f"({ma / mb:.2%} of before)")
    med = {k: statistics.median(v) for k, v in times.items()}
    best = {k: min(v) for k, v in times.items()}
    print(f"{'seconds':14} {'median':>8} {'best':>8}   {'CPU (user+sys), median':>22}")
    for k in ("before", "after"):
        print(f"{k:14} {med[k]:8.3f} {best[k]:8.3f}   {statistics.median(cpus[k]):22.3f}")
    s_med, s_best = med["before"] / med["after"], best["before"] / best["after"]
    print(f"speedup before/after: {s_med:.2f}x (median), {s_best:.2f}x (best); "
          f"target >= {TARGET:g}x: {'met' if min(s_med, s_best) >= TARGET else 'not met'}")
    if len(all_outputs) != 1:
        print("outputs DIFFER:", file=sys.stderr)
        for k in ("before", "after"):
            for o in sorted(outputs[k]):
                print(f"  {k}: {o.strip()}", file=sys.stderr)
        return 1
    print(f"output identical in all {2 * (args.repeat + 1)} runs: {next(iter(all_outputs)).strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
