#!/usr/bin/env bash
# run_kernels.sh BUILD_DIR [-j N] [-r N] [KERNEL...]
#
# Compiles every kernel of the concurrency corpus (buggy.cpp and fixed.cpp)
# against the runtime built in BUILD_DIR, runs each with GOCXX_LEAKCHECK=1 and
# a 5 s timeout, and checks the outcome against manifest.json:
#   - buggy.cpp must show its manifest "runtime" behaviour:
#       leak      exit 1 and "gocxx: leak check: N goroutine(s) still blocked"
#       deadlock  exit 2 and "fatal error: all goroutines are asleep - deadlock!"
#       panic     exit 2 and "panic: <manifest panic message>"
#       none      exit 0, no report (the bug is real but invisible at run time)
#       nondeterministic  anything but a timeout or a crash
#   - fixed.cpp must exit 0 with no leak report.
# Prints a table and a summary; exits 1 on any mismatch or compile failure.
#
# BUILD_DIR is a CMake build of this repository that has built the runtime
# (ninja -C BUILD_DIR gocxx_runtime); binaries and logs go to
# BUILD_DIR/concurrency_corpus/. At most 2 compiles run at once by default
# (-j N to change). -r N runs every binary N times (default 1) and fails a
# kernel whose runs disagree (a determinism check). CXX overrides the
# compiler (default clang++-19); KERNEL_TIMEOUT the per-run timeout (5 s).
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR [-j N] [-r N] [KERNEL...]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
BUILD_DIR=$(cd "$1" && pwd) || usage
shift
JOBS=2
REPEAT=1
KERNELS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -j) JOBS=$2; shift 2 ;;
    -j*) JOBS=${1#-j}; shift ;;
    -r) REPEAT=$2; shift 2 ;;
    -r*) REPEAT=${1#-r}; shift ;;
    -h|--help) usage ;;
    *) KERNELS+=("${1%/}"); shift ;;
  esac
done

CORPUS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$CORPUS/../.." && pwd)
CXX=${CXX:-clang++-19}
LIB="$BUILD_DIR/runtime/libgocxx_runtime.a"
OUT="$BUILD_DIR/concurrency_corpus"
TIMEOUT=${KERNEL_TIMEOUT:-5}

[[ -f "$LIB" ]] || { echo "error: $LIB not found; build it first: ninja -C $BUILD_DIR gocxx_runtime" >&2; exit 2; }
command -v "$CXX" >/dev/null || { echo "error: compiler $CXX not found" >&2; exit 2; }
command -v python3 >/dev/null || { echo "error: python3 is needed to read manifest.json" >&2; exit 2; }
mkdir -p "$OUT"

# name|runtime|panic message|expected lines (comma separated); '-' for none
KERNEL_ROWS=$(python3 - "$CORPUS" "${KERNELS[@]}" <<'EOF'
import json, pathlib, sys
corpus = pathlib.Path(sys.argv[1])
doc = json.load(open(corpus / "manifest.json"))
want = set(sys.argv[2:])
names = {k["name"] for k in doc["kernels"]}
dirs = {d.name for d in corpus.iterdir() if d.is_dir() and d.name[:2].isdigit()}
for d in sorted(dirs ^ names):
    sys.exit(f"error: {d}: kernel directory and manifest.json entry do not match")
for d in sorted(dirs):
    for v in ("buggy.cpp", "fixed.cpp"):
        if not (corpus / d / v).is_file():
            sys.exit(f"error: {d}/{v} is missing")
for w in want - names:
    sys.exit(f"error: no kernel {w!r} in manifest.json")
for k in doc["kernels"]:
    if want and k["name"] not in want:
        continue
    lines = ",".join(str(e["line"]) for e in k["expected"])
    print("|".join([k["name"], k["runtime"], k.get("panic", "") or "-", lines or "-"]))
EOF
)
[[ -n "$KERNEL_ROWS" ]] || { echo "error: no kernels selected" >&2; exit 2; }

# ---- compile (at most $JOBS at once) -------------------------------------
compile_one() {  # NAME VARIANT
  local src="$CORPUS/$1/$2.cpp" bin="$OUT/$1.$2"
  if "$CXX" -std=c++20 -O1 -g -I"$REPO/runtime/include" "$src" "$LIB" -pthread -o "$bin" \
      >"$bin.compile.log" 2>&1; then
    echo ok >"$bin.compiled"
  else
    echo failed >"$bin.compiled"
  fi
}
export -f compile_one
export CXX REPO LIB OUT CORPUS
echo "compiling $(wc -l <<<"$KERNEL_ROWS") kernels (buggy + fixed) with $CXX, $JOBS at a time..."
cut -d"|" -f1 <<<"$KERNEL_ROWS" | while read -r n; do printf '%s buggy\n%s fixed\n' "$n" "$n"; done |
  xargs -P "$JOBS" -n 2 bash -c 'compile_one "$0" "$1"'

# ---- run -----------------------------------------------------------------
# classify BIN: prints the observed behaviour (leak, deadlock, panic: MSG,
# none, timeout, crash(rc), other(rc)) after running BIN once.
classify() {
  local bin=$1 rc=0
  GOCXX_LEAKCHECK=1 timeout -k 2 "$TIMEOUT" "$bin" >"$bin.stdout" 2>"$bin.stderr" || rc=$?
  echo "$rc" >"$bin.rc"
  if [[ $rc -eq 124 || $rc -eq 137 ]]; then echo timeout
  elif [[ $rc -eq 1 ]] && grep -q '^gocxx: leak check: ' "$bin.stderr"; then echo leak
  elif [[ $rc -eq 2 ]] && grep -q '^fatal error: all goroutines are asleep - deadlock!' "$bin.stderr"; then echo deadlock
  elif [[ $rc -eq 2 ]] && grep -q '^panic: ' "$bin.stderr"; then echo "panic: $(grep -m1 '^panic: ' "$bin.stderr" | cut -c8-)"
  elif [[ $rc -eq 0 ]] && ! grep -q 'leak check\|fatal error\|^panic: ' "$bin.stderr"; then echo none
  elif [[ $rc -gt 128 ]]; then echo "crash($rc)"
  else echo "other($rc)"
  fi
}

# The lines of NAME/buggy.cpp where the runtime reports goroutines blocked
# (the "blocked at ... at FILE:LINE:COL" lines of the leak / deadlock report).
# observe BIN: classify BIN $REPEAT times; prints the behaviour, or
# "varies: A / B" when the runs disagree.
observe() {
  local first i now
  first=$(classify "$1")
  for ((i = 2; i <= REPEAT; i++)); do
    now=$(classify "$1")
    if [[ "$now" != "$first" ]]; then echo "varies: $first / $now"; return; fi
  done
  echo "$first"
}

blocked_lines() {
  { grep 'blocked at ' "$OUT/$1.buggy.stderr" 2>/dev/null || true; } |
    sed -n "s|.* at .*/$1/buggy.cpp:\([0-9]*\):[0-9]*\$|\1|p" | sort -un | paste -sd, -
}

pass=0 fail=0 ncompile_fail=0
declare -a failures=()
printf '\n%-38s %-9s %-30s %-8s %-10s %-12s %s\n' KERNEL EXPECTED "BUGGY (observed)" FIXED "EXPECT@" "BLOCKED@" RESULT
printf '%.0s-' {1..118}; echo
while IFS='|' read -r name runtime panic_msg exp_lines; do
  result=PASS why=""
  if [[ "$(cat "$OUT/$name.buggy.compiled")" != ok || "$(cat "$OUT/$name.fixed.compiled")" != ok ]]; then
    result=FAIL; why="compile error (see $OUT/$name.*.compile.log)"; ncompile_fail=$((ncompile_fail + 1))
    printf '%-38s %-9s %-30s %-8s %-10s %-12s %s\n' "$name" "$runtime" "-" "-" "$exp_lines" "-" "$result: $why"
    fail=$((fail + 1)); failures+=("$name: $why"); continue
  fi
  buggy=$(observe "$OUT/$name.buggy")
  fixed=$(observe "$OUT/$name.fixed")
  case "$runtime" in
    panic)
      if [[ "$buggy" != "panic: $panic_msg" ]]; then result=FAIL; why="buggy: expected 'panic: $panic_msg', got '$buggy'"; fi ;;
    nondeterministic)
      if [[ "$buggy" == *timeout* || "$buggy" == *crash* || "$buggy" == *other* ]]; then result=FAIL; why="buggy: $buggy"; fi ;;
    *)
      if [[ "$buggy" != "$runtime" ]]; then result=FAIL; why="buggy: expected $runtime, got '$buggy'"; fi ;;
  esac
  if [[ "$fixed" != none ]]; then
    result=FAIL; why="${why:+$why; }fixed: expected a clean exit, got '$fixed'"
  fi
  blocked=$(blocked_lines "$name"); blocked=${blocked:--}
  short=$buggy; [[ ${#short} -gt 30 ]] && short="${short:0:27}..."
  printf '%-38s %-9s %-30s %-8s %-10s %-12s %s\n' "$name" "$runtime" "$short" "$fixed" "$exp_lines" "$blocked" "$result${why:+: $why}"
  if [[ $result == PASS ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); failures+=("$name: $why"); fi
done <<<"$KERNEL_ROWS"

total=$((pass + fail))
echo
echo "summary: $total kernels, $pass passed, $fail failed ($ncompile_fail with compile errors); every binary run $REPEAT time(s)"
echo "  buggy runtime behaviour: $(cut -d"|" -f2 <<<"$KERNEL_ROWS" | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}')"
echo "  EXPECT@ = lines of the expected findings; BLOCKED@ = lines where the runtime reports goroutines blocked"
echo "  logs and binaries: $OUT"
if [[ $fail -gt 0 ]]; then
  printf '  FAIL %s\n' "${failures[@]}"
  exit 1
fi
