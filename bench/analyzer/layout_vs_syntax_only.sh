#!/usr/bin/env bash
# Times `gocxx check` (all checks, and the layout checks alone) against
# `clang++-19 -fsyntax-only` over the same translation units of a third-party
# code base, prints the time ratio and the peak memory of each, and the
# layout summary of `gocxx layout`: records, records with holes, padding
# bytes, and the bytes the best field orders would save.
#
# usage: bench/analyzer/layout_vs_syntax_only.sh [SOURCE_DIR | BUILD_DIR_WITH_compile_commands.json]
#   default SOURCE_DIR: /usr/src/googletest (configured with CMake into
#   $BUILD, default /tmp/gocxx-bench/<name>, with CMAKE_EXPORT_COMPILE_COMMANDS).
# env: GOCXX=path/to/gocxx (default: the newest build*/tool/gocxx of this repo),
#      JOBS=N (default 1: both sides run one unit at a time).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
src=${1:-/usr/src/googletest}
jobs=${JOBS:-1}

if [[ -z "${GOCXX:-}" ]]; then
  GOCXX=$(ls -t "$repo"/build*/tool/gocxx 2>/dev/null | head -1 || true)
fi
[[ -x "${GOCXX:-}" ]] || { echo "error: gocxx not found; build it or set GOCXX=" >&2; exit 2; }

if [[ -f "$src/compile_commands.json" ]]; then
  build=$src
else
  build=${BUILD:-/tmp/gocxx-bench/$(basename "$src")}
  if [[ ! -f "$build/compile_commands.json" ]]; then
    cmake -S "$src" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_C_COMPILER=clang-19 \
      -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DCMAKE_BUILD_TYPE=Release \
      -Dgtest_build_tests=ON -Dgmock_build_tests=ON > "$build.cmake.log" 2>&1 ||
      { echo "error: cmake failed, see $build.cmake.log" >&2; exit 2; }
  fi
fi
db="$build/compile_commands.json"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The units and, for each, the clang++-19 -fsyntax-only command.
python3 - "$db" "$work" <<'PY'
import json, os, shlex, sys
db, work = sys.argv[1], sys.argv[2]
entries = json.load(open(db))
seen = set()
with open(os.path.join(work, "files"), "w") as files, open(os.path.join(work, "syntax.sh"), "w") as sh:
    sh.write("set -e\n")
    for e in entries:
        f = os.path.normpath(os.path.join(e["directory"], e["file"]))
        if f in seen or not f.endswith((".cc", ".cpp", ".cxx", ".c++", ".C")):
            continue
        seen.add(f)
        args = e.get("arguments") or shlex.split(e["command"])
        out, skip = ["clang++-19"], False
        for a in args[1:]:
            if skip:
                skip = False
                continue
            if a in ("-o", "-MF", "-MT", "-MQ"):
                skip = True
                continue
            if a in ("-c", "-MD", "-MMD") or a == e["file"] or os.path.normpath(os.path.join(e["directory"], a)) == f:
                continue
            out.append(a)
        out += ["-fsyntax-only", f]
        files.write(f + "\n")
        sh.write("cd %s && %s\n" % (shlex.quote(e["directory"]), " ".join(shlex.quote(a) for a in out)))
PY
mapfile -t files < "$work/files"
echo "code base: $src (${#files[@]} translation units, compile db $db)"
echo "gocxx:     $GOCXX"

# measure NAME CMD...: wall seconds and peak RSS (KiB) of the command and its children.
measure() {
  local name=$1; shift
  if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
    /usr/bin/time -v -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err" || true
    python3 - "$work/$name.time" "$name" >> "$work/results" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
m = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t)
h, mi, s = m.group(1), m.group(2), m.group(3)
secs = (int(h) if h else 0) * 3600 + int(mi) * 60 + float(s)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
print(sys.argv[2], secs, rss)
PY
  else
    python3 - "$name" "$@" >> "$work/results" <<'PY'
import resource, subprocess, sys, time
t0 = time.time()
subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(sys.argv[1], time.time() - t0, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
  fi
}

: > "$work/results"
measure syntax bash "$work/syntax.sh"
measure check "$GOCXX" check -p "$build" -j "$jobs" --fail-on=error "${files[@]}"
measure check_layout "$GOCXX" check -p "$build" -j "$jobs" --fail-on=error --checks='-*,gocxx-layout-*,-gocxx-layout-report' "${files[@]}"
"$GOCXX" layout -p "$build" -j "$jobs" --format=json --fail-on=error "${files[@]}" > "$work/layout.json" 2> "$work/layout.err" || true

python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
res = {}
for line in open(os.path.join(work, "results")):
    name, secs, rss = line.split()
    res[name] = (float(secs), int(rss))
s = res["syntax"]
print("%-34s %9s %12s %8s" % ("", "seconds", "peak RSS MiB", "ratio"))
for name, label in (("syntax", "clang++-19 -fsyntax-only"), ("check", "gocxx check (all checks)"),
                    ("check_layout", "gocxx check (gocxx-layout-*)")):
    t, rss = res[name]
    print("%-34s %9.2f %12.1f %8.2f" % (label, t, rss / 1024.0, t / s[0] if s[0] else 0))
try:
    doc = json.load(open(os.path.join(work, "layout.json")))
except Exception as e:
    print("gocxx layout: no JSON (%s); stderr:\n%s" % (e, open(os.path.join(work, "layout.err")).read()[-2000:]))
    sys.exit(1)
records = {}
for d in doc["diagnostics"]:
    if d["check"] != "gocxx-layout-report":
        continue
    data = d["data"]
    records.setdefault((data["record"], d["file"], d["line"]), data)
with_holes = sum(1 for r in records.values() if r["holes"])
padded = sum(1 for r in records.values() if r["padding"])
padding = sum(r["padding"] for r in records.values())
total = sum(r["size"] for r in records.values())
improvable = [r for r in records.values() if r["optimal_size"] < r["size"]]
saved = sum(r["size"] - r["optimal_size"] for r in improvable)
findings = {}
for d in doc["diagnostics"]:
    findings[d["check"]] = findings.get(d["check"], 0) + 1
print("layout: %d records (%d bytes), %d with holes, %d with any padding (%d bytes), "
      "%d get smaller under the best order, saving %d bytes (one object of each)"
      % (len(records), total, with_holes, padded, padding, len(improvable), saved))
print("gocxx layout findings by check: " + ", ".join("%s %d" % kv for kv in sorted(findings.items())))
print("gocxx layout errors: %d" % len(doc.get("errors", [])))
for r in sorted(improvable, key=lambda r: r["optimal_size"] - r["size"])[:5]:
    print("  %s: %d -> %d bytes" % (r["record"], r["size"], r["optimal_size"]))
PY
