#!/usr/bin/env bash
# Compares the padding `gocxx layout` reports with pahole's, record by
# record, over a real third-party code base: googletest's sources from
# Debian's googletest package, built with clang++-19 -g.
#
# For every record pahole prints that gocxx also reports (matched by fully
# qualified name; pahole prints names unqualified, so they are qualified from
# the DWARF DIE tree, llvm-dwarfdump) the padding is compared: pahole's "sum
# holes" plus its "padding" line (byte holes and tail padding) against
# gocxx's `padding` (holes + tail padding). Prints records compared, equal,
# differing (the first few listed), and, counted separately with the reason,
# the records where pahole's figure is wrong (docs/benchmarks.md, "The
# analyzer: layout padding against pahole"). The comparison itself is
# layout_vs_pahole.py.
#
# usage: bench/analyzer/layout_vs_pahole.sh [SOURCE_DIR]
#   default SOURCE_DIR: /usr/src/googletest (`apt-get install googletest`),
#   configured with CMake into $BUILD (default /tmp/gocxx-bench/<name>-g)
#   with -g -gdwarf-4 -fstandalone-debug (full type definitions in every
#   object) and built there.
# env: GOCXX=path/to/gocxx (default: the newest build*/tool/gocxx of this repo),
#      JOBS=N (default: all cores), SHOW=N differences listed (default 10),
#      WORK=DIR keeps pahole's, llvm-dwarfdump's and gocxx's outputs there.
# Needs clang++-19, cmake, ninja, pahole (Debian's dwarves; installed with
# apt-get when missing and run as root) and llvm-dwarfdump-19. No
# .gocxx.yaml is used: options are the defaults, and the script stops if one
# above the sources or the build would change what gocxx reports.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
src=${1:-/usr/src/googletest}
jobs=${JOBS:-$(nproc)}
show=${SHOW:-10}

need_pkg() {  # need_pkg COMMAND-OR-PATH PACKAGE
  if [[ -e "$1" ]] || command -v "$1" > /dev/null 2>&1; then return; fi
  if [[ $(id -u) == 0 ]] && command -v apt-get > /dev/null; then
    echo "installing $2 (for $1)" >&2
    apt-get install -y "$2" > /dev/null || { apt-get update > /dev/null && apt-get install -y "$2" > /dev/null; }
  fi
  [[ -e "$1" ]] || command -v "$1" > /dev/null 2>&1 || { echo "error: $1 not found; install $2" >&2; exit 2; }
}
need_pkg pahole dwarves
[[ $# -gt 0 ]] || need_pkg /usr/src/googletest/CMakeLists.txt googletest
dwarfdump=$(command -v llvm-dwarfdump-19 || command -v llvm-dwarfdump || true)
[[ -n "$dwarfdump" ]] || { echo "error: llvm-dwarfdump-19 not found; install llvm-19" >&2; exit 2; }

if [[ -z "${GOCXX:-}" ]]; then
  GOCXX=$(ls -t "$repo"/build*/tool/gocxx 2>/dev/null | head -1 || true)
fi
[[ -x "${GOCXX:-}" ]] || { echo "error: gocxx not found; build it (scripts/build.sh build ...) or set GOCXX=" >&2; exit 2; }

build=${BUILD:-/tmp/gocxx-bench/$(basename "$src")-g}
# gocxx reads the nearest .gocxx.yaml above each source file: none may apply.
for d in "$src" "$build"; do
  d=$(realpath -m "$d")
  while [[ -n "$d" ]]; do
    if [[ -f "$d/.gocxx.yaml" ]]; then
      echo "error: $d/.gocxx.yaml would change what gocxx reports; the comparison runs without one" >&2
      exit 2
    fi
    [[ "$d" == / ]] && break
    d=$(dirname "$d")
  done
done

if [[ ! -f "$build/build.ninja" ]]; then
  mkdir -p "$(dirname "$build")"
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_C_COMPILER=clang-19 \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DCMAKE_BUILD_TYPE= \
    "-DCMAKE_CXX_FLAGS=-g -gdwarf-4 -fstandalone-debug" \
    -Dgtest_build_tests=ON -Dgmock_build_tests=ON > "$build.cmake.log" 2>&1 ||
    { echo "error: cmake failed, see $build.cmake.log" >&2; exit 2; }
fi
if [[ -n "${WORK:-}" ]]; then
  work=$WORK  # kept, for a look at pahole's and gocxx's outputs
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

# The units of the compilation database and their objects.
python3 - "$build" "$work" <<'PY'
import json, os, shlex, sys
build, work = sys.argv[1], sys.argv[2]
db = os.path.join(build, "compile_commands.json")
seen = set()
with open(os.path.join(work, "files"), "w") as files, open(os.path.join(work, "objects"), "w") as objects, \
        open(os.path.join(work, "targets"), "w") as targets:
    for e in json.load(open(db)):
        f = os.path.normpath(os.path.join(e["directory"], e["file"]))
        if f in seen or not f.endswith((".cc", ".cpp", ".cxx")):
            continue
        seen.add(f)
        args = e.get("arguments") or shlex.split(e["command"])
        out = e.get("output") or (args[args.index("-o") + 1] if "-o" in args else None)
        files.write(f + "\n")
        if out:
            obj = os.path.normpath(os.path.join(e["directory"], out))
            objects.write(obj + "\n")
            targets.write(os.path.relpath(obj, build) + "\n")
PY
mapfile -t files < "$work/files"
mapfile -t objects < "$work/objects"
mapfile -t targets < "$work/targets"
# The objects only: the tests need not be linked.
ninja -C "$build" -j "$jobs" "${targets[@]}" > "$build.build.log" 2>&1 ||
  { echo "error: the build failed, see $build.build.log" >&2; exit 2; }
echo "code base: $src (${#files[@]} translation units, ${#objects[@]} objects in $build)"
echo "gocxx:     $GOCXX"
echo "pahole:    $(pahole --version) over the objects; names qualified with $(basename "$dwarfdump")"

# pahole and the DIE tree of each object.
for i in "${!objects[@]}"; do
  o=${objects[$i]}
  pahole --show_private_classes -I "$o" > "$work/pahole.$i" 2> /dev/null || true
  "$dwarfdump" --debug-info "$o" 2> /dev/null |
    grep -E '^0x[0-9a-f]+: +(DW_TAG|NULL)|^ +DW_AT_(name|declaration)' > "$work/dies.$i" || true
done
"$GOCXX" layout -p "$build" -j "$jobs" --format=json --fail-on=error "${files[@]}" > "$work/layout.json" 2> "$work/layout.err" || true

python3 "$here/layout_vs_pahole.py" "$work" "${#objects[@]}" "$show"
