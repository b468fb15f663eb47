#!/usr/bin/env python3
"""The cost of the concurrency checks (issue #11): `gocxx check` over the
runtime's test suites (test/runtime/*.cpp, the heaviest Go-style code we
have) against `clang++-19 -fsyntax-only` over the same files with the same
flags, one unit at a time, each timed as a process (wall and user+sys CPU).

Prints per unit: the compiler's time, gocxx check's (every check) and the
leak and channel checks' alone, the ratios, and how many functions the
exploration gave up on (gocxx-leak-not-analysed remarks, counted and
printed, never silent); then the totals, the ratio of the sums and the
slowest unit. The target is a ratio of at most 2.

usage: bench/analyzer/concurrency_cost.py [BUILD_DIR] [FILES...]
  BUILD_DIR: a build tree with compile_commands.json and tool/gocxx
  (default: build); FILES default to test/runtime/*.cpp.
"""
import glob
import json
import os
import resource
import shlex
import subprocess
import sys
import time

repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "build"))
files = [os.path.abspath(f) for f in sys.argv[2:]] or sorted(glob.glob(os.path.join(repo, "test/runtime/*.cpp")))
gocxx = os.environ.get("GOCXX", os.path.join(build, "tool", "gocxx"))
db = json.load(open(os.path.join(build, "compile_commands.json")))
by_file = {os.path.abspath(os.path.join(e["directory"], e["file"])): e for e in db}


def timed(cmd, cwd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, p


def syntax_only(entry):
    args = entry.get("arguments") or shlex.split(entry["command"])
    out, skip = [], False
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if a in ("-c", "-MD", "-MMD"):
            continue
        out.append(a)
    return ["clang++-19", "-fsyntax-only"] + out


print(f"{'unit':28} {'clang':>7} {'check':>7} {'ratio':>6} {'leak+chan':>9} {'ratio':>6} {'not analysed':>12}")
tot_c = tot_g = tot_l = 0.0
slowest = (0.0, "")
remarks = 0
for f in files:
    e = by_file.get(f)
    if not e:
        print(f"{os.path.basename(f)}: not in {build}/compile_commands.json", file=sys.stderr)
        sys.exit(2)
    _, c, _ = timed(syntax_only(e), e["directory"])
    _, g, _ = timed([gocxx, "check", "-p", build, "-j1", "--format=json", f], repo)
    _, l, p = timed([gocxx, "check", "-p", build, "-j1", "--format=json", "--checks=-*,gocxx-leak-*,gocxx-chan-*", f],
                    repo)
    n = sum(1 for d in json.loads(p.stdout or b"{}").get("diagnostics", []) if d["check"] == "gocxx-leak-not-analysed")
    remarks += n
    tot_c, tot_g, tot_l = tot_c + c, tot_g + g, tot_l + l
    slowest = max(slowest, (g / c if c else 0, os.path.basename(f)))
    print(f"{os.path.basename(f):28} {c:7.2f} {g:7.2f} {g / c:6.2f} {l:9.2f} {l / c:6.2f} {n:12d}")
print(f"{'total (CPU seconds)':28} {tot_c:7.2f} {tot_g:7.2f} {tot_g / tot_c:6.2f} {tot_l:9.2f} {tot_l / tot_c:6.2f} {remarks:12d}")
print(f"ratio gocxx check / clang++ -fsyntax-only: {tot_g / tot_c:.2f} (target: at most 2); "
      f"slowest unit: {slowest[1]} at {slowest[0]:.2f}; functions not analysed: {remarks}")
