# Sourced by the analyzer benchmarks that run gocxx over a real code base
# (soak.sh, cross_unit_summaries.sh): the gocxx binary and the code base's
# compilation database.

# find_gocxx REPO: $GOCXX, else the newest REPO/build*/tool/gocxx; exits 2
# when there is none.
find_gocxx() {
  if [[ -z "${GOCXX:-}" ]]; then
    GOCXX=$(ls -t "$1"/build*/tool/gocxx 2>/dev/null | head -1 || true)
  fi
  [[ -x "${GOCXX:-}" ]] || { echo "error: gocxx not found; build it or set GOCXX=" >&2; exit 2; }
}

# configure_code_base SOURCE_DIR BUILD_DIR: CMake with clang-19 and the
# project's tests, for compile_commands.json (nothing is compiled); once.
configure_code_base() {
  local src=$1 build=$2
  [[ -f "$src/CMakeLists.txt" ]] || { echo "error: $src/CMakeLists.txt not found (apt-get install googletest)" >&2; exit 2; }
  [[ -f "$build/compile_commands.json" ]] && return 0
  mkdir -p "$(dirname "$build")"
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_C_COMPILER=clang-19 \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -Dgtest_build_tests=ON -Dgmock_build_tests=ON > "$build.cmake.log" 2>&1 ||
    { echo "error: cmake failed, see $build.cmake.log" >&2; exit 2; }
}
