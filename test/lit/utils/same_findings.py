#!/usr/bin/env python3
"""same_findings.py A B

The findings of two clang-style outputs (gocxx check's text, clang-tidy's,
the compiler plugin's), as (file, line, column, level, message), must be
equal. Only the lines that open a diagnostic or a note count: source lines,
carets and fix-it hints are printed differently by each host.
"""
import re
import sys

DIAG = re.compile(r"^(?:.*/)?([^/:]+):(\d+):(\d+): (warning|error|note|remark): (.*)$")


def findings(path):
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = DIAG.match(line.rstrip("\n"))
            if m:
                out.append(m.groups())
    return sorted(out)


def main(a_path, b_path):
    a, b = findings(a_path), findings(b_path)
    if a != b:
        for x in sorted(set(a) - set(b)):
            print("only in %s: %s" % (a_path, x))
        for x in sorted(set(b) - set(a)):
            print("only in %s: %s" % (b_path, x))
        return 1
    if not a:
        print("no findings at all")
        return 1
    print(len(a), "lines agree")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
