#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy) over afbench's production sources, src/**/*.cpp but the tests, with
# the compile commands of a build (default build/, configured by scripts/build.sh). Exit 1 and the
# findings when there are any. Usage: scripts/tidy.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
if [ ! -f "$build/compile_commands.json" ]; then
  echo "tidy: $build/compile_commands.json missing: run scripts/build.sh first" >&2
  exit 2
fi
root=$(pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# run-clang-tidy takes a regex over the absolute paths in compile_commands.json. The compiler's own
# warnings are the build's business (GCC with -Werror); clang's differ (-Wconversion includes
# sign conversions), so they are off here.
if ! run-clang-tidy -p "$build" -j "$(nproc)" -quiet -extra-arg=-Wno-everything \
    "^${root}/src/(?!.*_test\.cpp$).*\.cpp$" >"$out" 2>&1; then
  grep -E "(warning|error):" "$out" | sed 's/\x1b\[[0-9;]*m//g' | sort -u | head -50 >&2
  echo "tidy: clang-tidy found the problems above (.clang-tidy says which checks run)" >&2
  exit 1
fi
echo "tidy: clean"
