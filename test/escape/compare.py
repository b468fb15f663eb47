#!/usr/bin/env python3
"""Compares Go's escape analysis with gocxx's, case by case.

test/escape/go/*.go and test/escape/cpp/*.cpp spell the same small functions
in Go and in C++; a `// CASE: name` comment marks corresponding lines. This
script runs `go build -gcflags=-m` on the Go package and
`gocxx escape -m --format=go` on the C++ files, collects the verdicts each
prints on every marked line, and checks they agree:

  moved to heap: x                         -> ("moved", x)
  leaking param: p                         -> ("leak", p)
  leaking param content: p                 -> ("leak-content", p)
  leaking param: p to result ~r0 level=N   -> ("leak-result", p, N)
  p does not escape                        -> ("no-escape", p)
  new(T) / &T{} / make(...) escapes to heap, go::new_<T> escapes to heap
                                           -> ("alloc-escapes",)
  ... does not escape (an allocation)      -> ("alloc-no-escape",)

Receivers are named differently (`n` in Go, `this` in C++): `this` matches
any name. Go's lines about function literals and inlining have no C++
counterpart and are ignored. A case with no verdict on either side agrees
(both found nothing to say, e.g. a local that stays on the stack).

usage: compare.py --go GO --gocxx GOCXX --work DIR [--verbose]
exit status 0 when every case agrees."""
import argparse, collections, json, os, re, shutil, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
CASE = re.compile(r"//\s*CASE:\s*([\w-]+)")
# `// CASE: name MORE-PRECISE: moved to heap: y; ...` on the C++ side: Go
# prints these verdicts and gocxx, deliberately more precise, does not (each
# must still be among Go's: the claim is checked, not assumed).
PRECISE = re.compile(r"MORE-PRECISE:\s*(.+?)\s*$")
LINE = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<msg>.*)$")


def markers(path, precise=None):
    out = {}
    with open(path) as f:
        for n, text in enumerate(f, 1):
            m = CASE.search(text)
            if m:
                if m.group(1) in out:
                    sys.exit("%s:%d: case %s marked twice" % (path, n, m.group(1)))
                out[m.group(1)] = n
                p = PRECISE.search(text)
                if p is not None and precise is not None:
                    vs = [verdict(v.strip()) for v in p.group(1).split(";")]
                    if None in vs:
                        sys.exit("%s:%d: MORE-PRECISE lists a line that is no verdict" % (path, n))
                    precise[m.group(1)] = vs
    return out


def verdict(msg):
    m = re.match(r"moved to heap: (\S+)$", msg)
    if m:
        return ("moved", m.group(1))
    m = re.match(r"leaking param content: (\S+)$", msg)
    if m:
        return ("leak-content", m.group(1))
    m = re.match(r"leaking param: (\S+) to result (\S+) level=(\d+)$", msg)
    if m:
        return ("leak-result", m.group(1), m.group(3))
    m = re.match(r"leaking param: (\S+)$", msg)
    if m:
        return ("leak", m.group(1))
    if msg.startswith("func literal") or msg.startswith("can inline") or msg.startswith("inlining call"):
        return None
    m = re.match(r"(.+) escapes to heap$", msg)
    if m:
        return ("alloc-escapes",)
    m = re.match(r"(.+) does not escape$", msg)
    if m:
        subject = m.group(1)
        if re.match(r"^[A-Za-z_]\w*$", subject):
            return ("no-escape", subject)
        return ("alloc-no-escape",)
    return None


def collect(lines, file_filter):
    by_line = collections.defaultdict(list)
    for text in lines:
        m = LINE.match(text.strip())
        if not m or not file_filter(m.group("file")):
            continue
        v = verdict(m.group("msg"))
        if v:
            by_line[(os.path.basename(m.group("file")), int(m.group("line")))].append(v)
    return by_line


def same(go, cpp):
    """Multiset equality, `this` on the C++ side matching any Go name."""
    rest = list(go)
    for v in cpp:
        for i, w in enumerate(rest):
            if v[0] == w[0] and (len(v) < 2 or v[1] == "this" or v[1] == w[1]) and v[2:] == w[2:]:
                del rest[i]
                break
        else:
            return False
    return not rest


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--go", required=True)
    ap.add_argument("--gocxx", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--include", action="append", default=[])
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    a.gocxx = os.path.abspath(a.gocxx) if os.sep in a.gocxx else a.gocxx

    work = os.path.abspath(a.work)
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(os.path.join(HERE, "go"), os.path.join(work, "go"))
    shutil.copytree(os.path.join(HERE, "cpp"), os.path.join(work, "cpp"))

    env = dict(os.environ)
    env.update({"GOCACHE": os.path.join(work, "gocache"), "GOPATH": os.path.join(work, "gopath"),
                "GOFLAGS": "", "GO111MODULE": "on", "GOTOOLCHAIN": "local", "HOME": work})
    go = subprocess.run([a.go, "build", "-gcflags=-m", "-o", os.devnull, "."], cwd=os.path.join(work, "go"),
                        env=env, capture_output=True, text=True)
    if go.returncode != 0:
        sys.exit("go build failed:\n" + go.stderr)
    go_verdicts = collect(go.stderr.splitlines(), lambda f: f.endswith(".go"))

    cpp_dir = os.path.join(work, "cpp")
    cpp_files = sorted(f for f in os.listdir(cpp_dir) if f.endswith(".cpp"))
    flags = ["clang++", "-std=c++20", "-fsyntax-only"] + ["-I" + os.path.abspath(i) for i in a.include]
    with open(os.path.join(cpp_dir, "compile_commands.json"), "w") as out:
        json.dump([{"directory": cpp_dir, "file": f, "arguments": flags + [f]} for f in cpp_files], out)
    gx = subprocess.run([a.gocxx, "escape", "-m", "--format=go", "--checks=-*,gocxx-escape-report"] + cpp_files,
                        cwd=cpp_dir, capture_output=True, text=True)
    if gx.returncode not in (0, 1):
        sys.exit("gocxx failed (%d):\n%s%s" % (gx.returncode, gx.stdout, gx.stderr))
    cpp_verdicts = collect(gx.stdout.splitlines(), lambda f: f.endswith(".cpp"))

    go_cases, cpp_cases = {}, {}
    for f in sorted(os.listdir(os.path.join(work, "go"))):
        if f.endswith(".go"):
            for name, line in markers(os.path.join(work, "go", f)).items():
                go_cases[name] = (f, line)
    precise = {}
    for f in cpp_files:
        for name, line in markers(os.path.join(cpp_dir, f), precise).items():
            cpp_cases[name] = (f, line)

    failures = 0
    for name in sorted(set(go_cases) | set(cpp_cases)):
        if name not in go_cases or name not in cpp_cases:
            print("UNPAIRED %s: only in %s" % (name, "Go" if name in go_cases else "C++"))
            failures += 1
            continue
        g = sorted(go_verdicts.get(go_cases[name], []))
        c = sorted(cpp_verdicts.get(cpp_cases[name], []))
        # Go's verdicts less those gocxx deliberately does not print.
        expected = list(g)
        for v in precise.get(name, []):
            if v in expected:
                expected.remove(v)
            else:
                expected = None  # the listed verdict is not Go's: the claim is stale
                break
        ok = expected is not None and same(expected, c)
        if not ok:
            failures += 1
        if a.verbose or not ok:
            word = ("PRECISE" if name in precise else "AGREE") if ok else "DIFFER"
            print("%s %s: go %s:%d %s | gocxx %s:%d %s" % (word, name, go_cases[name][0],
                  go_cases[name][1], g, cpp_cases[name][0], cpp_cases[name][1], c))
    total = len(set(go_cases) | set(cpp_cases))
    print("%d cases, %d agree, %d differ" % (total, total - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
