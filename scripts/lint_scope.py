#!/usr/bin/env python3
"""Which of the analyzer's sources clang-tidy must look at (scripts/lint.sh).

clang-tidy is the test command's costliest step: about 20 s a source on a
2-core machine, most of it matching over clang's own headers, which its
header filter hides from the output but not from the matchers. So the test
command tidies only what changed since the last full run that passed:
.ci/lint-clean records the clang-tidy version, a hash of .clang-tidy and a
hash of every source and header. A source is tidied again when its text
changed, or when it includes (directly or through other headers of ours) a
header whose text changed; everything is, when the version, the
configuration or the record does not match. GOCXX_LINT_ALL=1 tidies
everything; a run that passes with GOCXX_LINT_RECORD=1 writes the record
(commit it): every source is then either unchanged since the last record
or was tidied by that run.

usage: lint_scope.py RECORD select SOURCE... -- HEADER...   (prints the sources to tidy)
       lint_scope.py RECORD record SOURCE... -- HEADER...
"""
import hashlib
import os
import re
import subprocess
import sys


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def tool_version():
    out = subprocess.run(["clang-tidy-19", "--version"], capture_output=True, text=True).stdout
    return next((l.strip() for l in out.splitlines() if "version" in l), "unknown").replace(" ", "_")


def main():
    record, mode, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    split = rest.index("--") if "--" in rest else len(rest)
    sources, headers = rest[:split], rest[split + 1:]
    files = sources + headers
    header = {"tool": tool_version(), "config": digest(".clang-tidy")}
    if mode == "record":
        with open(record, "w") as out:
            out.write("# Written by scripts/lint.sh (GOCXX_LINT_RECORD=1) after clang-tidy passed on every\n"
                      "# source: what it saw, so that the test command tidies only what changed since\n"
                      "# (scripts/lint_scope.py).\n")
            for k, v in header.items():
                out.write("%s %s\n" % (k, v))
            for f in sorted(files):
                out.write("%s %s\n" % (digest(f), f))
        return
    known = {}
    try:
        with open(record) as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                k, v = line.split(None, 1)
                known[v.strip()] = k
    except OSError:
        pass
    if known.get(header["tool"]) != "tool" or known.get(header["config"]) != "config":
        sys.stdout.write("".join(f + "\n" for f in sources))
        return
    changed = {f for f in files if known.get(f) != digest(f)}
    # Headers of ours that include a changed header are changed for their
    # includers, to a fixed point. An include is matched by file name.
    includes = {}
    for f in files:
        with open(f, errors="replace") as text:
            includes[f] = {os.path.basename(m) for m in re.findall(r'#\s*include\s*"([^"]+)"', text.read())}
    dirty = {os.path.basename(h) for h in headers if h in changed}
    grew = True
    while grew:
        grew = False
        for h in headers:
            name = os.path.basename(h)
            if name not in dirty and includes[h] & dirty:
                dirty.add(name)
                grew = True
    sys.stdout.write("".join(s + "\n" for s in sources if s in changed or includes[s] & dirty))


main()
