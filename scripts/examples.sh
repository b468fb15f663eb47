#!/usr/bin/env bash
# The main job, shown to a newcomer: install what is missing, build, run the
# bundled examples/ with their output, then the analyzer over them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh
echo "== building (build/)"
scripts/build.sh build -DCMAKE_BUILD_TYPE=Release

for ex in hello worker_pool pipeline timeout ping_pong binary_trees pubsub crawler leak deadlock; do
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

# The analyzer over the same files, with the compilation database the build
# exported (build/compile_commands.json). Exit status 1 means findings.
run_gocxx() {
  echo
  echo "== build/tool/gocxx $*"
  set +e
  build/tool/gocxx "$@"
  local status=$?
  set -e
  echo "-- exit status $status"
}
if [ -x build/tool/gocxx ]; then
  run_gocxx check -p build examples/*.cpp                 # every check; 0: no findings
  run_gocxx escape -p build examples/worker_pool.cpp      # Go's -gcflags=-m report
fi
