#!/usr/bin/env bash
# Every test: install what is missing (Debian packages, the npm test
# tools), build (the analyzer with -Werror),
# lint the analyzer's code (clang-format, clang-tidy), run the runtime's
# GoogleTest suites and the lit suites, fuzz the analyzer's input readers for
# a bounded time (GOCXX_FUZZ_SECONDS, default 60 per target), then the
# runtime suites again under AddressSanitizer+UndefinedBehaviorSanitizer and
# under ThreadSanitizer.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh
scripts/install-test-tools.sh
jobs=$(nproc)

run_tree() {
  local dir=$1 label=$2
  shift 2
  echo "== $label: building $dir"
  scripts/build.sh "$dir" "$@"
  echo "== $label: testing"
  ctest --test-dir "$dir" -j "$jobs" --output-on-failure --timeout 900
}

echo "== main build: building build"
scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOCXX_SANITIZE= -DGOCXX_RUNTIME_ONLY=OFF
scripts/lint.sh build
run_tree build "main build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOCXX_SANITIZE= -DGOCXX_RUNTIME_ONLY=OFF
scripts/fuzz.sh "${GOCXX_FUZZ_SECONDS:-60}"

export GOCXX_TEST_SANITIZER=1
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_tree build-asan "ASan+UBSan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOCXX_SANITIZE=address -DGOCXX_RUNTIME_ONLY=ON
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  run_tree build-tsan "TSan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOCXX_SANITIZE=thread -DGOCXX_RUNTIME_ONLY=ON
echo "== all tests passed"
