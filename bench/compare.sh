#!/usr/bin/env bash
# compare.sh: run the gocxx benchmarks beside their Go 1.19 references on this
# machine and print a table: figure, gocxx, Go, ratio gocxx/Go, target, result.
#
# Usage: bench/compare.sh [build-dir]          (default: <repo>/build)
#
# Environment:
#   REPS=5            timed runs per figure; the median is reported (both sides)
#   MIN_TIME=0.3      seconds one timed run lasts at least (both sides)
#   PARKED_N=200000   goroutines for the parked-memory figure
#   JOBS=2            ninja -j for building the C++ benchmarks
#   GO=/path/to/go    Go toolchain (default /usr/lib/go-1.19/bin/go, then `go` on PATH)
#   CXX_TIMEOUT=120   seconds after which one gocxx program is killed (hang guard)
#   GC_SECONDS=3      seconds the mutator of the GC pause figure runs (both sides)
#   GC_NODES=1500000  64-byte nodes in the GC pause figure's live graph (1.5M = 96 MB)
#   GC_FORCE_MS=500   period of the forced collections in the GC pause figure (0: none)
#
# The whole-program figures (binary-trees, pub/sub) time each process from
# outside and read its peak RSS (bench/whole_process.py): REPS runs per side,
# gocxx and Go alternating, the median reported.
#
# The C++ tree is configured when <build-dir> has no CMakeCache.txt, with
#   cmake -G Ninja -S <repo> -B <build-dir> -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_BUILD_TYPE=Release
# Every gocxx program runs with go::config{.maxprocs = 2}; every Go program with
# GOMAXPROCS=2. Results (raw JSON and text) are kept in <build-dir>/bench/results/.
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$repo/build}"
case "$build" in /*) ;; *) build="$PWD/$build" ;; esac
reps="${REPS:-5}"
min_time="${MIN_TIME:-0.3}"
parked_n="${PARKED_N:-200000}"
jobs="${JOBS:-2}"
cxx_timeout="${CXX_TIMEOUT:-120}"
gc_seconds="${GC_SECONDS:-3}"
gc_nodes="${GC_NODES:-1500000}"
gc_force_ms="${GC_FORCE_MS:-500}"
results="$build/bench/results"
gobin="$build/bench/go-bin"

# C++ programs: one per *_bench.cpp / *_probe.cpp (see bench/CMakeLists.txt).
cxx_benches=(ping_pong_bench buffered_chan_bench spawn_join_bench select_bench mutex_bench
             gc_alloc_bench)
cxx_probes=(parked_memory_probe gc_pause_probe binary_trees_probe pubsub_probe)

say() { printf '== %s\n' "$*" >&2; }

mkdir -p "$results"
rm -f "$results"/*.json "$results"/*.txt "$results"/*.err "$results"/*.out "$results"/*.diff

# ---------------------------------------------------------------- C++ build
cxx_ok=1
if [ ! -f "$build/CMakeCache.txt" ]; then
  say "configuring $build"
  if ! cmake -G Ninja -S "$repo" -B "$build" -DCMAKE_CXX_COMPILER=clang++-19 \
       -DCMAKE_BUILD_TYPE=Release >"$results/cmake.log" 2>&1; then
    say "cmake configure failed (see $results/cmake.log); gocxx figures unavailable"
    tail -n 20 "$results/cmake.log" >&2
    cxx_ok=0
  fi
fi
if [ "$cxx_ok" = 1 ]; then
  build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")"
  if [ "$build_type" != "Release" ]; then
    say "warning: $build has CMAKE_BUILD_TYPE=${build_type:-<empty>}, not Release; figures may be pessimistic"
  fi
  say "building C++ benchmarks in $build (ninja -j$jobs)"
  if ! ninja -C "$build" -j "$jobs" "${cxx_benches[@]}" "${cxx_probes[@]}" >"$results/ninja.log" 2>&1; then
    say "C++ build failed (see $results/ninja.log); gocxx figures unavailable"
    tail -n 30 "$results/ninja.log" >&2
    cxx_ok=0
  fi
fi

# ---------------------------------------------------------------- Go build
go_tool="${GO:-}"
if [ -z "$go_tool" ]; then
  if [ -x /usr/lib/go-1.19/bin/go ]; then
    go_tool=/usr/lib/go-1.19/bin/go
  elif command -v go >/dev/null 2>&1; then
    go_tool="$(command -v go)"
  fi
fi
go_ok=1
if [ -z "$go_tool" ] || ! "$go_tool" version >/dev/null 2>&1; then
  say "Go toolchain not found (looked for \$GO, /usr/lib/go-1.19/bin/go, go on PATH): showing gocxx figures only"
  go_ok=0
else
  say "building Go programs with $("$go_tool" version)"
  mkdir -p "$gobin"
  if [ -z "${GOCACHE:-}" ] && [ ! -w "${HOME:-/nonexistent}" ]; then
    export GOCACHE="$build/bench/go-cache"
  fi
  if ! (cd "$repo/bench/go" && GOPROXY=off GOFLAGS='' CGO_ENABLED=0 GO111MODULE=on \
        "$go_tool" build -o "$gobin/" ./gobench ./parked ./gcalloc ./gcpause ./binarytrees ./pubsub) >"$results/go-build.log" 2>&1; then
    say "Go build failed (see $results/go-build.log): showing gocxx figures only"
    cat "$results/go-build.log" >&2
    go_ok=0
  fi
fi

# ---------------------------------------------------------------- runs
# CPU snapshot: the machine's busy time (/proc/stat) and the CPU time of this
# shell's finished children, so that the table can say how much CPU other
# processes took while the benchmarks ran (their figures are unreliable then).
cpu_snapshot() {
  python3 - "$$" <<'PY'
import os, sys
with open("/proc/stat") as f:
    cpu = [int(x) for x in f.readline().split()[1:]]
idle = cpu[3] + (cpu[4] if len(cpu) > 4 else 0)
with open(f"/proc/{sys.argv[1]}/stat") as f:
    fields = f.read().rsplit(")", 1)[1].split()
children = int(fields[13]) + int(fields[14])    # cutime + cstime (fields 16, 17)
print(sum(cpu) - idle, sum(cpu), children)
PY
}
cpu_before="$(cpu_snapshot)"
run_cxx_bench() {   # name
  local name="$1" rc=0
  say "gocxx: $name"
  timeout "$cxx_timeout" "$build/bench/$name" --benchmark_format=json \
    --benchmark_min_time="$min_time" --benchmark_repetitions="$reps" \
    --benchmark_report_aggregates_only=true \
    >"$results/gocxx_$name.json" 2>"$results/gocxx_$name.err" || rc=$?
  if [ "$rc" != 0 ]; then
    if [ "$rc" = 124 ]; then
      say "gocxx: $name timed out after ${cxx_timeout}s; see $results/gocxx_$name.err"
    else
      say "gocxx: $name failed (exit status $rc); see $results/gocxx_$name.err"
    fi
    tail -n 10 "$results/gocxx_$name.err" >&2
    rm -f "$results/gocxx_$name.json"
  fi
}

run_go_bench() {    # go figure names...
  local tag="$1" rc=0
  say "go: gobench $* (GOMAXPROCS=2)"
  GOMAXPROCS=2 timeout 300 "$gobin/gobench" -mintime "${min_time}s" -reps "$reps" "$@" \
    >"$results/go_$tag.json" 2>"$results/go_$tag.err" || rc=$?
  if [ "$rc" != 0 ]; then
    say "go: gobench $* failed (exit status $rc)"
    cat "$results/go_$tag.err" >&2
    rm -f "$results/go_$tag.json"
  fi
}

# gocxx and Go alternate figure by figure, so that a change in the machine's
# load affects both sides of a ratio alike.
pairs=("ping_pong_bench pingpong" "buffered_chan_bench buffered" "spawn_join_bench spawn"
       "select_bench select" "mutex_bench mutex2 mutex4")
for pair in "${pairs[@]}"; do
  read -r cxx gofigs <<<"$pair"
  [ "$cxx_ok" = 1 ] && run_cxx_bench "$cxx"
  # shellcheck disable=SC2086
  [ "$go_ok" = 1 ] && run_go_bench $gofigs
done

if [ "$cxx_ok" = 1 ]; then
  say "gocxx: parked_memory_probe -n $parked_n"
  timeout "$cxx_timeout" "$build/bench/parked_memory_probe" -n "$parked_n" \
    >"$results/gocxx_parked.txt" 2>"$results/gocxx_parked.err" ||
    { say "gocxx: parked_memory_probe failed (exit status $?)"; tail -n 10 "$results/gocxx_parked.err" >&2; }
fi
if [ "$go_ok" = 1 ]; then
  say "go: parked -n $parked_n (GOMAXPROCS=2)"
  GOMAXPROCS=2 timeout 120 "$gobin/parked" -n "$parked_n" \
    >"$results/go_parked.txt" 2>"$results/go_parked.err" ||
    { say "go: parked failed (exit status $?)"; cat "$results/go_parked.err" >&2; }
fi

# GC figures. Allocation cost: gc_alloc_bench (Google Benchmark) beside
# bench/go/gcalloc (same timing procedure as gobench).
if [ "$cxx_ok" = 1 ]; then
  run_cxx_bench gc_alloc_bench
fi
if [ "$go_ok" = 1 ]; then
  say "go: gcalloc (GOMAXPROCS=2)"
  GOMAXPROCS=2 timeout 300 "$gobin/gcalloc" -mintime "${min_time}s" -reps "$reps" \
    >"$results/go_gcalloc.json" 2>"$results/go_gcalloc.err" ||
    { say "go: gcalloc failed (exit status $?)"; cat "$results/go_gcalloc.err" >&2;
      rm -f "$results/go_gcalloc.json"; }
fi
# Pauses and peak RSS with ~100 MB live: gc_pause_probe beside bench/go/gcpause.
gc_args=(-nodes "$gc_nodes" -seconds "$gc_seconds" -force-ms "$gc_force_ms")
if [ "$cxx_ok" = 1 ]; then
  say "gocxx: gc_pause_probe ${gc_args[*]}"
  timeout "$cxx_timeout" "$build/bench/gc_pause_probe" "${gc_args[@]}" \
    >"$results/gocxx_gcpause.txt" 2>"$results/gocxx_gcpause.err" ||
    { say "gocxx: gc_pause_probe failed (exit status $?)"; tail -n 10 "$results/gocxx_gcpause.err" >&2; }
fi
if [ "$go_ok" = 1 ]; then
  say "go: gcpause ${gc_args[*]} (GOMAXPROCS=2)"
  GOMAXPROCS=2 timeout 120 "$gobin/gcpause" "${gc_args[@]}" \
    >"$results/go_gcpause.txt" 2>"$results/go_gcpause.err" ||
    { say "go: gcpause failed (exit status $?)"; cat "$results/go_gcpause.err" >&2; }
fi

# Whole programs: wall time and peak RSS of the process, measured from outside
# the same way on both sides by bench/whole_process.py, which alternates the
# gocxx and the Go program run by run, gives the Go program GOMAXPROCS=2 and
# checks that both print the same output. A side that fails or is missing is
# left out of the results (the table says n/a).
run_whole() {   # name gocxx-program go-program [args for both...]
  local name="$1" cxx="$2" gop="$3" rc=0
  shift 3
  local sides=()
  [ "$cxx_ok" = 1 ] && sides+=(--gocxx "$build/bench/$cxx")
  [ "$go_ok" = 1 ] && sides+=(--go "$gobin/$gop")
  [ "${#sides[@]}" = 0 ] && return
  say "whole program: $name $* ($reps runs per side, alternating)"
  python3 "$repo/bench/whole_process.py" --name "$name" --out "$results" --reps "$reps" \
    --timeout "$cxx_timeout" "${sides[@]}" -- "$@" || rc=$?
  [ "$rc" = 0 ] || say "whole program: $name: not every side measured, or outputs differ (see above)"
}
run_whole binarytrees binary_trees_probe binarytrees -depth 16
run_whole pubsub pubsub_probe pubsub -messages 200000 -subscribers 8 -cap 64

# ---------------------------------------------------------------- table
cpu_after="$(cpu_snapshot)"
status=0
[ "$cxx_ok" = 1 ] || status=1
go_version=""
[ "$go_ok" = 1 ] && go_version="$("$go_tool" version)"
python3 - "$results" "$go_ok" "$go_version" "$cpu_before" "$cpu_after" <<'PY' || status=1
import json, os, re, sys

results, go_ok, go_version = sys.argv[1], sys.argv[2] == "1", sys.argv[3]
try:
    b0, t0, c0 = (int(x) for x in sys.argv[4].split())
    b1, t1, c1 = (int(x) for x in sys.argv[5].split())
    ncpu = os.cpu_count() or 1
    # /proc/stat counts all CPUs, so its elapsed ticks are ncpu x wall ticks.
    others = ((b1 - b0) - (c1 - c0)) / max(1, (t1 - t0)) * ncpu
except (ValueError, IndexError):
    others = None
UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}

def gb(binary, name, divisor=1.0, counter=None):
    """Median real time of Google Benchmark `name`, in ns per unit of work
    (or, with `counter`, the median of that user counter)."""
    path = os.path.join(results, f"gocxx_{binary}.json")
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    def base(b):  # "BM_X/2/process_time/real_time" -> "BM_X/2"
        parts = b.get("run_name", b["name"]).split("/")
        return "/".join(p for p in parts
                        if p not in ("process_time", "real_time", "manual_time"))
    runs = [b for b in data.get("benchmarks", []) if base(b) == name]
    pick = None
    for b in runs:
        if b.get("error_occurred"):
            return None
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") == "median":
            pick = b
    if pick is None:  # a single repetition gives no aggregates
        iters = [b for b in runs if b.get("run_type", "iteration") == "iteration"]
        pick = iters[0] if iters else None
    if pick is None:
        return None
    if counter is not None:
        v = pick.get(counter)
        return float(v) if isinstance(v, (int, float)) else None
    return pick["real_time"] * UNIT_NS[pick.get("time_unit", "ns")] / divisor

go = {}
if go_ok:
    for fname in sorted(os.listdir(results)):
        if fname.startswith("go_") and fname.endswith(".json"):
            try:
                with open(os.path.join(results, fname)) as f:
                    go.update(json.load(f))
            except (OSError, ValueError):
                pass

def gofig(key, field="ns_per_op"):
    v = go.get(key)
    return v.get(field) if isinstance(v, dict) else None

def figure_in(fname, key):
    """The number after `key=` in results file `fname`, or None."""
    try:
        with open(os.path.join(results, fname)) as f:
            m = re.search(key + r"=([0-9.eE+-]+)", f.read())
        return float(m.group(1)) if m else None
    except OSError:
        return None

def parked(fname):
    return figure_in(fname, "bytes_per_goroutine")

def kv(fname, prefix):
    """The key=value pairs of the line of `fname` that starts with `prefix`."""
    try:
        with open(os.path.join(results, fname)) as f:
            for ln in f:
                if ln.startswith(prefix + " "):
                    return dict(re.findall(r'(\w+)=("[^"]*"|\S+)', ln))
    except OSError:
        pass
    return {}

def num(d, key, scale=1.0):
    try:
        v = float(d[key])
    except (KeyError, ValueError):
        return None
    return None if v != v else v * scale   # NaN: not measured

cp, gp = kv("gocxx_gcpause.txt", "gc_pause"), kv("go_gcpause.txt", "gc_pause")
cr, gr = kv("gocxx_gcpause.txt", "gc_rss"), kv("go_gcpause.txt", "gc_rss")
# A gocxx pause figure needs at least one cycle in the window.
if (num(cp, "cycle_pauses") or 0) == 0:
    cp = {}
# ... and the RSS figure a live heap (a heap_alloc of 0 means no collector).
if (num(cr, "heap_alloc_after_gc") or 0) == 0:
    cr = {}
PAUSE_ABS_MAX_US = 500.0

# Whole programs (bench/whole_process.py). When both sides ran but printed
# different output, the gocxx program did not do Go's work: its figures are
# withheld (n/a) and a note says so.
notes = []
whole = {}
for name, title in (("binarytrees", "binary-trees"), ("pubsub", "pub/sub")):
    c, g = kv(f"gocxx_{name}.txt", "whole_run"), kv(f"go_{name}.txt", "whole_run")
    for side, d in (("gocxx", c), ("Go", g)):
        if "failed" in d:
            notes.append(f"{title}: the {side} program failed: {d['failed'].strip(chr(34))}")
    if c.get("same_output") == "0":
        notes.append(f"{title}: the gocxx program's output differs from Go's "
                     f"(see {name}.diff in the results); gocxx figures withheld")
        c = {}
    whole[name] = (c, g)
(cbt, gbt), (cps, gps) = whole["binarytrees"], whole["pubsub"]

rows = [
    # figure, unit, gocxx, Go, target ratio (the second wave's targets: issue
    # "Runtime speed and memory", docs/benchmarks.md)
    ("unbuffered ping-pong", "ns/round trip",
     gb("ping_pong_bench", "BM_PingPong"), gofig("pingpong"), 0.25),
    ("buffered chan (cap 1024) 1P1C", "ns/item",
     gb("buffered_chan_bench", "BM_BufferedChan"), gofig("buffered"), 0.5),
    ("spawn+join 1,000,000", "ns/goroutine",
     gb("spawn_join_bench", "BM_SpawnJoin", 1e6), gofig("spawn"), 0.25),
    ("parked goroutine (200k)", "bytes/goroutine",
     parked("gocxx_parked.txt"), parked("go_parked.txt") if go_ok else None, 0.25),
    ("select over 4 channels", "ns/select",
     gb("select_bench", "BM_Select4"), gofig("select"), None),
    ("contended mutex, 2 goroutines", "ns/lock+unlock",
     gb("mutex_bench", "BM_MutexContended/2", 1e6), gofig("mutex2"), None),
    ("contended mutex, 4 goroutines", "ns/lock+unlock",
     gb("mutex_bench", "BM_MutexContended/4", 1e6), gofig("mutex4"), None),
    ("64-byte alloc, GC running", "ns/alloc",
     gb("gc_alloc_bench", "BM_GcAlloc64"), gofig("gcalloc"), 0.5),
    ("GC STW pause max per cycle, 100 MB live", "us",
     num(cp, "cycle_max_us"), num(gp, "cycle_max_us"), (0.05, PAUSE_ABS_MAX_US)),
    ("GC STW pause p99 per cycle, 100 MB live", "us",
     num(cp, "cycle_p99_us"), num(gp, "cycle_p99_us"), None),
    ("peak RSS / live heap, 100 MB live", "ratio",
     num(cr, "rss_per_live"), num(gr, "rss_per_live"), 1.0),
    ("binary-trees depth 16, wall time", "s",
     num(cbt, "wall_s"), num(gbt, "wall_s"), 0.7),
    ("binary-trees depth 16, peak RSS", "MiB",
     num(cbt, "peak_rss_kb", 1 / 1024), num(gbt, "peak_rss_kb", 1 / 1024), 1.0),
    ("pub/sub 200k messages, wall time", "s",
     num(cps, "wall_s"), num(gps, "wall_s"), 0.7),
    ("pub/sub 200k messages, peak RSS", "MiB",
     num(cps, "peak_rss_kb", 1 / 1024), num(gps, "peak_rss_kb", 1 / 1024), 1.0),
]
extra = gb("spawn_join_bench", "BM_SpawnJoinLambda", 1e6)

def fmt(v):
    if v is None:
        return "n/a"
    return f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 1000 else f"{v:,.0f}"

header = ("figure", "unit", "gocxx", "Go", "gocxx/Go", "target", "result")
table = []
missing = False
for fig, unit, c, g, target in rows:
    ratio = c / g if (c is not None and g is not None and g > 0) else None
    if c is None:
        missing = True
    # target: a ratio, or (ratio, absolute maximum of the gocxx figure)
    limit = None
    if isinstance(target, tuple):
        target, limit = target
    if target is None:
        result = "-"
    elif ratio is None:
        result = "n/a"
    else:
        result = "met" if ratio <= target and (limit is None or c <= limit) else "not met"
    tdesc = f"<= {target}" if target is not None else "-"
    if limit is not None:
        tdesc += f", <= {limit:g} {unit}"
    table.append((fig, unit, fmt(c), fmt(g) if go_ok else "(no Go)",
                  f"{ratio:.2f}" if ratio is not None else "n/a", tdesc, result))

widths = [max(len(r[i]) for r in table + [header]) for i in range(len(header))]
right = {2, 3, 4}
def line(r):
    return "  ".join(r[i].rjust(widths[i]) if i in right else r[i].ljust(widths[i])
                     for i in range(len(r)))
print()
print(f"gocxx vs Go, maxprocs/GOMAXPROCS = 2, {os.cpu_count()} CPUs, load average "
      f"{' '.join(open('/proc/loadavg').read().split()[:3])}")
if go_version:
    print(go_version)
else:
    print("Go toolchain not available: gocxx figures only")
print("times are medians of the timed runs; ratio < 1 means gocxx is faster / smaller")
if others is not None:
    print(f"other processes used {max(0.0, others):.2f} of {os.cpu_count()} CPUs during the runs")
    if others > 0.25:
        print("WARNING: the machine was busy; figures (Go's especially) are unreliable, rerun when idle")
print()
print(line(header))
print(line(tuple("-" * w for w in widths)))
for r in table:
    print(line(r))
if extra is not None:
    print(f"\n(spawn+join with a lambda coroutine instead of a function: {fmt(extra)} ns/goroutine)")
for n in notes:
    print(f"NOTE: {n}")

# GC details: that collections really ran, and what the per-cycle figures hide.
def f(v, spec=".1f"):
    return "n/a" if v is None else format(v, spec)
print()
print("GC details (gocxx | Go):")
print(f"  64-byte alloc: GC cycles per timed run (median) "
      f"{f(gb('gc_alloc_bench', 'BM_GcAlloc64', counter='gc_cycles'), '.0f')} | "
      f"{f(gofig('gcalloc', 'num_gc'), '.0f')}; allocations per timed run "
      f"{f(gb('gc_alloc_bench', 'BM_GcAlloc64', counter='mallocs'), '.0f')} | "
      f"{f(gofig('gcalloc', 'iterations'), '.0f')}")
cpr = kv("gocxx_gcpause.txt", "gc_pause")
print(f"  pause window: {f(num(cpr, 'seconds'), '.2f')} | {f(num(gp, 'seconds'), '.2f')} s, "
      f"GC cycles {f(num(cpr, 'cycles'), '.0f')} | {f(num(gp, 'cycles'), '.0f')} "
      f"(forced {f(num(cpr, 'forced'), '.0f')} | {f(num(gp, 'forced'), '.0f')}), "
      f"STW pauses {f(num(cpr, 'stw_pauses'), '.0f')} | {f(num(gp, 'stw_pauses'), '.0f')}, "
      f"lost from the ring {f(num(cpr, 'lost'), '.0f')} | {f(num(gp, 'lost'), '.0f')}")
print(f"  per-cycle pause (sum of the cycle's STW pauses): p50 {f(num(cpr, 'cycle_p50_us'))} | "
      f"{f(num(gp, 'cycle_p50_us'))} us; gocxx cycle sums from {cpr.get('pairing', 'n/a')}")
print(f"  single STW pause max: gocxx {f(num(cpr, 'single_max_us'))} us (p99 "
      f"{f(num(cpr, 'single_p99_us'))} us); Go {f(num(gp, 'single_max_us_lo'))}.."
      f"{f(num(gp, 'single_max_us_hi'))} us (runtime/metrics histogram bucket)")
print(f"  mutator allocations/s during the window: {f(num(cpr, 'allocs_per_s', 1e-6), '.2f')}M | "
      f"{f(num(gp, 'allocs_per_s', 1e-6), '.2f')}M")
print(f"  peak RSS {f(num(cr, 'peak_rss_kb', 1 / 1024))} | {f(num(gr, 'peak_rss_kb', 1 / 1024))} MiB, "
      f"live heap after GC {f(num(cr, 'heap_alloc_after_gc', 2**-20))} | "
      f"{f(num(gr, 'heap_alloc_after_gc', 2**-20))} MiB, objects {f(num(cr, 'heap_objects_after_gc'), '.0f')} | "
      f"{f(num(gr, 'heap_objects_after_gc'), '.0f')}; peak RSS / nominal live data "
      f"({f(num(gr, 'nominal_live_bytes', 2**-20))} MiB) {f(num(cr, 'rss_per_nominal'), '.2f')} | "
      f"{f(num(gr, 'rss_per_nominal'), '.2f')}")

# Whole programs: what the medians hide.
def gc_cycles(fname):
    return figure_in(fname, "gc_cycles")
print()
print("Whole programs (gocxx | Go; medians of the runs, each process measured from outside):")
for name, title in (("binarytrees", "binary-trees depth 16"), ("pubsub", "pub/sub 200k messages")):
    c, g = (kv(f"{side}_{name}.txt", "whole_run") for side in ("gocxx", "go"))
    line_ = (f"  {title}: runs {f(num(c, 'runs'), '.0f')} | {f(num(g, 'runs'), '.0f')}, "
             f"CPU time (user+sys) {f(num(c, 'cpu_s'), '.2f')} | {f(num(g, 'cpu_s'), '.2f')} s, "
             f"wall times {c.get('wall_s_all', 'n/a')} | {g.get('wall_s_all', 'n/a')} s")
    if name == "binarytrees":
        line_ += (f", GC cycles (last run) {f(gc_cycles('gocxx_binarytrees.err'), '.0f')} | "
                  f"{f(gc_cycles('go_binarytrees.err'), '.0f')}")
    same = c.get("same_output", g.get("same_output"))
    line_ += {"1": ", same output", "0": ", OUTPUT DIFFERS"}.get(same, "")
    print(line_)
sys.exit(1 if missing else 0)
PY
exit $status
