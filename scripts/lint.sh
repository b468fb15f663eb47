#!/usr/bin/env bash
# The analyzer's own code under its own rules: clang-format (.clang-format)
# and clang-tidy (.clang-tidy) over tool/, checks/, integrations/ and test/driver_check/,
# using the compile_commands.json of a configured tree.
#   scripts/lint.sh [BUILD_DIR]     (default: build; scripts/test.sh runs it)
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

echo "== lint: clang-tidy-19 on ${#sources[@]} sources"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! run-clang-tidy-19 -quiet -p "$build" -j "$(nproc)" "${sources[@]/#/$root/}" > "$log" 2>&1; then
  grep -E "(warning|error):" "$log" | sort -u >&2 || cat "$log" >&2
  echo "gocxx lint: clang-tidy-19 reported the findings above (.clang-tidy)" >&2
  exit 1
fi
echo "== lint: clean"
