#!/usr/bin/env bash
# The analyzer's own code under its own rules: clang-format (.clang-format)
# and clang-tidy (.clang-tidy) over tool/, checks/, integrations/ and test/driver_check/,
# using the compile_commands.json of a configured tree.
#   scripts/lint.sh [BUILD_DIR]     (default: build; scripts/test.sh runs it)
#   GOCXX_LINT_ALL=1: clang-tidy on every source, not only on what changed
#   since .ci/lint-clean; GOCXX_LINT_RECORD=1: record a clean run in it
# Exits 1 on the first tool that reports anything, with what it reported.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
cd "$root"

mapfile -t sources < <(git ls-files 'tool/*.cpp' 'checks/*.cpp' 'integrations/*.cpp' 'test/driver_check/*.cpp')
mapfile -t headers < <(git ls-files 'tool/*.hpp' 'checks/*.hpp' 'integrations/*.hpp')

echo "== lint: clang-format-19 on ${#sources[@]} sources and ${#headers[@]} headers"
if ! clang-format-19 --dry-run --Werror "${sources[@]}" "${headers[@]}"; then
  echo "gocxx lint: clang-format-19 would reformat the files above (run clang-format-19 -i on them)" >&2
  exit 1
fi

# clang-tidy on what changed since the last full run that passed
# (.ci/lint-clean; scripts/lint_scope.py says why), or on everything with
# GOCXX_LINT_ALL=1. GOCXX_LINT_RECORD=1 records a run that passes: every
# source is then either unchanged since a clean record or tidied now.
record=.ci/lint-clean
if [ "${GOCXX_LINT_ALL:-0}" = 1 ]; then
  tidy=("${sources[@]}")
else
  mapfile -t tidy < <(python3 scripts/lint_scope.py "$record" select "${sources[@]}" -- "${headers[@]}")
fi
echo "== lint: clang-tidy-19 on ${#tidy[@]} of ${#sources[@]} sources (the others are unchanged since $record)"
if [ ${#tidy[@]} -gt 0 ]; then
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  if ! run-clang-tidy-19 -quiet -p "$build" -j "$(nproc)" "${tidy[@]/#/$root/}" > "$log" 2>&1; then
    grep -E "(warning|error):" "$log" | sort -u >&2 || cat "$log" >&2
    echo "gocxx lint: clang-tidy-19 reported the findings above (.clang-tidy)" >&2
    exit 1
  fi
fi
if [ "${GOCXX_LINT_RECORD:-0}" = 1 ]; then
  python3 scripts/lint_scope.py "$record" record "${sources[@]}" -- "${headers[@]}"
  echo "== lint: recorded in $record"
fi
echo "== lint: clean"
