#!/usr/bin/env bash
# The README's test command: installs everything, builds, and runs the whole test suite:
#   0. every tracked C++ file formatted as .clang-format says (fix: scripts/format.sh);
#   1. the normal build: unit, end-to-end and (when llama.cpp is built) llama-server tests, the lint
#      tests among them (every model call through the client; components include only what they
#      depend on; llama.cpp reached only through src/llamacpp), then clang-tidy over the production
#      sources (scripts/tidy.sh, .clang-tidy);
#   2. the same suite built with AddressSanitizer + UndefinedBehaviorSanitizer, the llama engine, the
#      trainer and the scorer included (llama.cpp itself is not instrumented; the organism training
#      tests, which stage 1 runs, are left out for time);
#   3. a short libFuzzer run of every fuzz target from the committed corpus (scripts/fuzz.sh).
# Set AFBENCH_QUICK=1 to run only stage 1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)

log=$(mktemp)
# Seconds each stage took, printed last even when a stage fails (the CI budget is read from them).
stages=""
started=0  # setup.sh ran before this line: its time counts in the first stage
stage() {
  stages+=" $1=$((SECONDS - started))"
  started=$SECONDS
}
trap 'echo "stage seconds:${stages} then $((SECONDS - started)) in the last"; rm -f "$log"' EXIT
# ctest's closing line of every stage, kept to print one total at the end.
run_ctest() { ctest "$@" 2>&1 | tee -a "$log"; return "${PIPESTATUS[0]}"; }
total() {
  awk '/tests passed, [0-9]+ tests failed out of/ {f += $4; t += $NF}
       END {printf "%d passed, %d failed\n", t - f, f}' "$log"
}

echo "== test: formatting =="
bash scripts/format.sh --check
stage setup+format

echo "== test: build and run the suite =="
bash scripts/build.sh
run_ctest --test-dir build --output-on-failure -j "$jobs"
stage build+suite

echo "== test: clang-tidy =="
bash scripts/tidy.sh build
stage tidy

if [ "${AFBENCH_QUICK:-0}" = "1" ]; then total; exit 0; fi

echo "== test: the suite under ASan + UBSan =="
# -Werror off here: GCC 12 gives false maybe-uninitialized warnings under -fsanitize (the normal build keeps -Werror).
AFBENCH_BUILD_DIR=build-asan bash scripts/build.sh -DAFBENCH_SANITIZE=ON -DAFBENCH_LLAMA=ON -DAFBENCH_WERROR=OFF
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE browser -E "^Organism"
stage asan

echo "== test: fuzz targets (${FUZZ_SECONDS:-10}s each) =="
bash scripts/fuzz.sh
stage fuzz
total
