#!/usr/bin/env bash
# Configures and builds one tree: scripts/build.sh DIR [cmake options...]
# The options are applied on every call, so a tree always matches them.
set -euo pipefail
dir=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
cmake -G Ninja -S "$root" -B "$dir" -DCMAKE_CXX_COMPILER=clang++-19 "$@" >/dev/null
ninja -C "$dir"
