#!/usr/bin/env bash
# The main job, shown to a newcomer: install what is missing, build, and run
# the bundled examples/ with their output.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh
echo "== building (build/)"
scripts/build.sh build -DCMAKE_BUILD_TYPE=Release

for ex in hello worker_pool pipeline timeout ping_pong leak deadlock; do
  bin=build/examples/$ex
  [ -x "$bin" ] || continue
  echo
  echo "== examples/$ex.cpp"
  env_prefix=()
  [ "$ex" = leak ] && env_prefix=(env GOCXX_LEAKCHECK=1)
  set +e
  "${env_prefix[@]}" "$bin" 2>&1
  status=$?
  set -e
  echo "-- exit status $status"
done
