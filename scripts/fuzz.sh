#!/usr/bin/env bash
# Fuzzes the analyzer's readers of user input (test/fuzz/): builds the
# libFuzzer targets in build-fuzz, then runs each for SECONDS (default 60),
# seeded from test/fuzz/corpus/<target>/ (copied: what a run finds stays out
# of the repository). Any crash, leak, UB report, timeout (10 s per input)
# or out-of-memory (2 GB) fails the run, with the input saved in
# build-fuzz/artifacts/.
#   scripts/fuzz.sh [SECONDS]      scripts/test.sh runs it with 60
# GOCXX_FUZZ_SEED (default 1) fixes libFuzzer's seed, so that the test run
# explores the same inputs each time and a red CI run is reproducible; set
# it to 0 for a random seed in a longer exploratory run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
cd "$root"
scripts/build.sh build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOCXX_FUZZ=ON
mkdir -p build-fuzz/artifacts
for target in config baseline compilation_database suppression; do
  work=$(mktemp -d)
  cp -r "test/fuzz/corpus/$target/." "$work/"
  echo "== fuzz: ${target}_fuzzer for ${seconds} s"
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
       "build-fuzz/test/fuzz/${target}_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -seed="${GOCXX_FUZZ_SEED:-1}" \
       -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/${target}-" "$work" \
       > "build-fuzz/${target}.log" 2>&1; then
    tail -n 40 "build-fuzz/${target}.log" >&2
    echo "gocxx fuzz: ${target}_fuzzer failed; input in build-fuzz/artifacts/, log in build-fuzz/${target}.log" >&2
    rm -rf "$work"
    exit 1
  fi
  grep -a -E "DONE|stat::number_of_executed_units" "build-fuzz/${target}.log" | sed "s/^/   /"
  rm -rf "$work"
done
echo "== fuzz: no crash"
