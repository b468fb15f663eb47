#!/usr/bin/env bash
# header_cost.sh: what including <gocxx/gocxx.hpp> costs a build, against
# `go build` of the same program in the same run.
#
# Usage: bench/header_cost.sh [build-dir]      (default: <repo>/build)
#
# The program is examples/pubsub.cpp and its Go original,
# bench/go/pubsub_example/main.go. Rows:
#   go build            the Go program, its packages' export data cached (as
#                       after any first build); the main package recompiled
#                       every time (a comment that changes defeats the cache)
#   gocxx -O0 / -O2     compile and link examples/pubsub.cpp against the built
#                       runtime library, as CMake would (-isystem, -std=c++20)
#   ... + PCH           the same, starting from <gocxx/gocxx.hpp> precompiled
#                       (gocxx::precompiled in CMake); the PCH itself is built
#                       once per target and shown on its own row
# Then where the time of the header goes (-fsyntax-only): the standard library
# headers the runtime's headers include, on their own; the umbrella header;
# each public header on its own.
#
# Environment: REPS=5 (median of), CXX=clang++-19, GO=/usr/lib/go-1.19/bin/go.
# Wall time: run it on a quiet machine.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$repo/build}"
reps="${REPS:-5}"
cxx="${CXX:-clang++-19}"
go="${GO:-/usr/lib/go-1.19/bin/go}"
[ -x "$go" ] || go="$(command -v go || true)"
include="$repo/runtime/include"
runtime_lib="$build/runtime/libgocxx_runtime.a"

die() { printf 'header_cost.sh: %s\n' "$*" >&2; exit 2; }
[ -n "$go" ] && [ -x "$go" ] || die "no Go toolchain (set GO=)"
command -v "$cxx" >/dev/null || die "no $cxx (set CXX=)"
[ -f "$runtime_lib" ] || die "no $runtime_lib: build the runtime first (cmake --build $build --target gocxx_runtime)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# median_ms CMD...: runs CMD $reps times, prints the median wall time in ms.
median_ms() {
  local times=() start end
  for ((r = 0; r < reps; r++)); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; die "failed: $*"; }
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((reps + 1) / 2))p"
}

row() { printf '%-44s %8s ms %8s\n' "$1" "$2" "$3"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }

# ---------------------------------------------------------------- go build
mkdir -p "$work/go"
cp "$repo/bench/go/pubsub_example/main.go" "$work/go/main.go"
printf 'module pubsub\n\ngo 1.19\n' >"$work/go/go.mod"
go_build() {
  # A new comment each run: the main package misses the build cache, the
  # standard library's packages hit it (as in any edit-compile loop).
  printf '// %s\n' "$RANDOM$RANDOM" >>"$work/go/main.go"
  (cd "$work/go" && "$go" build -o "$work/go/pubsub" .)
}
go_build  # fills the cache with the standard library's packages
go_ms=$(median_ms go_build)

# ---------------------------------------------------------------- gocxx
cxxflags=(-std=c++20 -isystem "$include")
src="$repo/examples/pubsub.cpp"
printf '#include <gocxx/gocxx.hpp>\n' >"$work/pch.hpp"
compile_link() {  # OPT [PCH-FLAGS...]
  local opt=$1
  shift
  "$cxx" "${cxxflags[@]}" "$opt" "$@" -c "$src" -o "$work/pubsub.o"
  "$cxx" "$work/pubsub.o" "$runtime_lib" -pthread -o "$work/pubsub"
}
make_pch() { "$cxx" "${cxxflags[@]}" "$1" -x c++-header "$work/pch.hpp" -o "$work/pch$1.pch"; }

printf 'examples/pubsub.cpp vs bench/go/pubsub_example, median of %s (wall)\n\n' "$reps"
printf '%-44s %11s %8s\n' "build" "time" "vs go"
row "go build" "$go_ms" "1.0x"
for opt in -O0 -O2; do
  ms=$(median_ms compile_link "$opt")
  row "gocxx $opt: compile + link" "$ms" "$(ratio "$ms" "$go_ms")"
  pch_ms=$(median_ms make_pch "$opt")
  ms=$(median_ms compile_link "$opt" -include-pch "$work/pch$opt.pch")
  row "gocxx $opt with PCH: compile + link" "$ms" "$(ratio "$ms" "$go_ms")"
  row "  the PCH, once per target ($opt)" "$pch_ms" ""
done

# ---------------------------------------------------------------- the header
printf '\nwhere the header'"'"'s time goes (-fsyntax-only)\n\n'
syntax_ms() { median_ms "$cxx" "${cxxflags[@]}" -fsyntax-only "$1"; }
printf 'int main() {}\n' >"$work/empty.cpp"
empty_ms=$(syntax_ms "$work/empty.cpp")
# The standard headers the runtime's headers include, and nothing else.
grep -h '^#include <' "$include"/gocxx/*.hpp "$include"/gocxx/detail/*.hpp | grep -v '<gocxx/' | sort -u \
  >"$work/std.cpp"
std_ms=$(syntax_ms "$work/std.cpp")
printf '#include <gocxx/gocxx.hpp>\n' >"$work/umbrella.cpp"
umbrella_ms=$(syntax_ms "$work/umbrella.cpp")
printf '%-44s %8s ms\n' "nothing (the compiler's start)" "$empty_ms"
printf '%-44s %8s ms   %s of the umbrella\n' "the standard headers gocxx uses, alone" "$std_ms" \
  "$(awk -v a="$std_ms" -v b="$umbrella_ms" 'BEGIN { printf "%d%%", 100 * a / b }')"
printf '%-44s %8s ms\n' "<gocxx/gocxx.hpp>" "$umbrella_ms"
for h in "$include"/gocxx/*.hpp; do
  name="gocxx/$(basename "$h")"
  [ "$name" = gocxx/gocxx.hpp ] && continue
  printf '#include <%s>\n' "$name" >"$work/one.cpp"
  printf '%-44s %8s ms\n' "  <$name> alone" "$(syntax_ms "$work/one.cpp")"
done
