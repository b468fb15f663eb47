#!/usr/bin/env bash
# Soak: `gocxx check` over a real code base N times in a row (default 20),
# with -j at the core count, printing each run's peak RSS (GNU time's %M),
# wall time, exit status and output hash. It fails when two runs' outputs
# differ (the analysis must be deterministic whatever the thread schedule),
# when a run exits with anything but 0 or 1 (findings), or when the median
# peak RSS of the last five runs exceeds that of the first five by more than
# 15 % (each run is a process of its own, so growth here means the work or
# the output grew, which it must not; single runs vary by which units happen
# to be parsed at the same time).
#
# usage: bench/analyzer/soak.sh [SOURCE_DIR] [RUNS]
#   default SOURCE_DIR: /usr/src/googletest (Debian's googletest package; its
#   library, gmock and their own tests: ~100 translation units), configured
#   with CMake into $BUILD (default /tmp/gocxx-bench/<name>-soak) for its
#   compile_commands.json; nothing is compiled.
# env: GOCXX=path/to/gocxx (default: the newest build*/tool/gocxx of this
#      repo), JOBS=N (default: all cores), FORMAT=json (default; any --format).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
src=${1:-/usr/src/googletest}
runs=${2:-20}
jobs=${JOBS:-$(nproc)}
format=${FORMAT:-json}

# shellcheck source=code_base.sh
. "$here/code_base.sh"
find_gocxx "$repo"
build=${BUILD:-/tmp/gocxx-bench/$(basename "$src")-soak}
configure_code_base "$src" "$build"
units=$(python3 -c 'import json,sys; print(len({e["file"] for e in json.load(open(sys.argv[1]))}))' \
  "$build/compile_commands.json")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "gocxx soak: $GOCXX check -j $jobs --format=$format over $src ($units units), $runs runs"
printf '%4s  %10s  %8s  %4s  %s\n' run "peak RSS" seconds exit "output sha256"
status=0
first_hash=""
rss=()
for ((i = 1; i <= runs; i++)); do
  set +e
  /usr/bin/time -f '%M %e' -o "$work/time" "$GOCXX" check -p "$build" -j "$jobs" --format="$format" \
    > "$work/out" 2> "$work/err"
  code=$?
  set -e
  read -r kb secs < <(tail -n 1 "$work/time")
  hash=$(cat "$work/out" "$work/err" | sha256sum | cut -c1-16)
  rss+=("$kb")
  printf '%4d  %7d KB  %8s  %4d  %s\n' "$i" "$kb" "$secs" "$code" "$hash"
  if ((code != 0 && code != 1)); then
    echo "error: run $i exited $code:" >&2
    head -n 5 "$work/err" >&2
    status=1
  fi
  if [[ -z "$first_hash" ]]; then
    first_hash=$hash
    cp "$work/out" "$work/first.out"
    cp "$work/err" "$work/first.err"
  elif [[ "$hash" != "$first_hash" ]]; then
    echo "error: run $i's output differs from run 1's:" >&2
    diff "$work/first.out" "$work/out" | head -n 10 >&2 || true
    diff "$work/first.err" "$work/err" | head -n 10 >&2 || true
    status=1
  fi
done
if ((runs >= 10)); then
  python3 - "${rss[@]}" <<'PY' || status=1
import statistics, sys
rss = [int(x) for x in sys.argv[1:]]
a, b = statistics.median(rss[:5]), statistics.median(rss[-5:])
print(f"peak RSS: median of the first 5 runs {a:.0f} KB, of the last 5 {b:.0f} KB ({(b - a) / a * 100:+.1f} %), "
      f"min {min(rss)} KB, max {max(rss)} KB")
if b > a * 1.15:
    print("error: peak RSS grew by more than 15 %", file=sys.stderr)
    sys.exit(1)
PY
fi
((status == 0)) && echo "gocxx soak: $runs identical outputs"
exit "$status"
