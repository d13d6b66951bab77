#!/usr/bin/env bash
# Configures and builds afbench into build/ (reused across runs; ccache keeps rebuilds short).
# Usage: scripts/build.sh [extra cmake -D options]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${AFBENCH_BUILD_DIR:-build}
# Paths inside the tree are hashed relative to it, so a fresh clone elsewhere (CI) still hits the cache.
export CCACHE_BASEDIR="$PWD"
# The layering test reads the targets from CMake's file API; the query must exist before configuring.
mkdir -p "$build_dir/.cmake/api/v1/query" && : > "$build_dir/.cmake/api/v1/query/codemodel-v2"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
