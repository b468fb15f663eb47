#!/usr/bin/env bash
# Configures and builds one tree: scripts/build.sh DIR [cmake options...]
# The options are applied on every call, so a tree always matches them. The
# build's own output goes to DIR/build.log and is shown only if it fails.
set -euo pipefail
dir=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
log="$dir/build.log"
if ! { cmake -G Ninja -S "$root" -B "$dir" -DCMAKE_CXX_COMPILER=clang++-19 "$@" &&
       ninja -C "$dir"; } > "$log" 2>&1; then
  tail -n 60 "$log" >&2
  echo "gocxx: the build of $dir failed; the whole output is in $log" >&2
  exit 1
fi
