#!/usr/bin/env bash
# Cross-unit escape summaries on a real code base (issue #13, docs/scale.md):
# gocxx escape -m=2 over every unit of the database twice -- once unit by
# unit as before (the units given as FILES: a call into another unit keeps
# everything), once over the whole database (summaries, passes until a fixed
# point) -- and prints the verdicts of each run, how many passes the fixed
# point took, and the time of the whole-database run as a ratio to the
# single pass. With SHARDS=N (default 3) it then runs the N shards with the
# whole run's --summaries DIR and checks that their union is the whole run,
# byte for byte after sorting.
#
# usage: bench/analyzer/cross_unit_summaries.sh [SOURCE_DIR]
#   default SOURCE_DIR: /usr/src/googletest (Debian's googletest package: its
#   library, gmock and their tests, ~100 units), configured with CMake into
#   $BUILD (default /tmp/gocxx-bench/<name>-summaries) for its
#   compile_commands.json; nothing is compiled.
# env: GOCXX=path/to/gocxx (default: the newest build*/tool/gocxx of this
#      repo), JOBS=N (default: all cores), SHARDS=N (0: skip the shards).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
src=${1:-/usr/src/googletest}
jobs=${JOBS:-$(nproc)}
shards=${SHARDS:-3}

# shellcheck source=code_base.sh
. "$here/code_base.sh"
find_gocxx "$repo"
build=${BUILD:-/tmp/gocxx-bench/$(basename "$src")-summaries}
configure_code_base "$src" "$build"
mapfile -t units < <(python3 -c 'import json,sys; print("\n".join(sorted({e["file"] for e in json.load(open(sys.argv[1]))})))' \
  "$build/compile_commands.json")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run NAME ARGS...: gocxx escape -m=2 --format=json; the wall time in $work/NAME.time.
run() {
  local name=$1
  shift
  local start end code
  start=$(date +%s.%N)
  set +e
  "$GOCXX" escape -m=2 --format=json --fail-on=error -p "$build" -j "$jobs" "$@" > "$work/$name.json" 2> "$work/$name.err"
  code=$?
  set -e
  end=$(date +%s.%N)
  if ((code != 0)); then
    echo "error: gocxx escape ($name) exited $code:" >&2
    head -n 5 "$work/$name.err" >&2
    exit 1
  fi
  python3 -c "print(f'{$end - $start:.2f}')" > "$work/$name.time"
}

echo "gocxx cross-unit summaries: $GOCXX escape -m=2 -j $jobs over $src (${#units[@]} units)"
run single "${units[@]}"
run whole --stats --summaries="$work/sums"
grep "cross-unit summaries" "$work/whole.err" || true

python3 - "$work" <<'PY'
import collections, json, sys
work = sys.argv[1]
def verdicts(name):
    c = collections.Counter()
    for d in json.load(open(f"{work}/{name}.json"))["diagnostics"]:
        v = (d.get("data") or {}).get("verdict")
        if v: c[v] += 1
    return c
single, whole = verdicts("single"), verdicts("whole")
t1 = float(open(f"{work}/single.time").read()); t2 = float(open(f"{work}/whole.time").read())
print(f"{'verdict':<24}{'unit by unit':>14}{'with summaries':>16}")
for v in ("does-not-escape", "param-does-not-escape", "escapes", "moved-to-heap", "leaking-param"):
    print(f"{v:<24}{single[v]:>14}{whole[v]:>16}")
print(f"wall time: unit by unit {t1:.2f} s, with summaries {t2:.2f} s: ratio {t2 / t1:.2f}")
PY

if ((shards > 0)); then
  for ((i = 1; i <= shards; i++)); do run "shard$i" --summaries="$work/sums" --shard="$i/$shards"; done
  shard_files=()
  for ((i = 1; i <= shards; i++)); do shard_files+=("$work/shard$i.json"); done
  python3 "$repo/test/lit/utils/union_equals.py" "$work/whole.json" "${shard_files[@]}" | sed "s/^/shards ($shards): /"
fi
