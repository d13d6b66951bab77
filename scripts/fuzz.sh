#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each one for FUZZ_SECONDS (default 10)
# starting from the committed corpus in fuzz/corpus/<target>. New inputs go to a scratch corpus in the build
# dir, never into the repository. Long run, e.g. an hour per target: FUZZ_SECONDS=3600 scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-10}
build_dir=${AFBENCH_FUZZ_BUILD_DIR:-build-fuzz}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAFBENCH_FUZZ=ON -DAFBENCH_SANITIZE=ON -DAFBENCH_WERROR=OFF \
  -DAFBENCH_BUILD_TESTS=OFF -DAFBENCH_LLAMA=OFF >/dev/null
targets=(fuzz_reply_parser fuzz_dataset fuzz_api_response)
cmake --build "$build_dir" -j "$(nproc)" --target "${targets[@]}"
for target in "${targets[@]}"; do
  corpus="fuzz/corpus/${target#fuzz_}"
  scratch="$build_dir/fuzz-corpus/${target#fuzz_}"
  mkdir -p "$scratch"
  echo "fuzz: $target for ${seconds}s"
  "$build_dir/fuzz/$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -artifact_prefix="$build_dir/fuzz-crash-$target-" "$scratch" "$corpus" 2>"$build_dir/$target.log" \
    || { tail -40 "$build_dir/$target.log"; echo "fuzz: $target FAILED"; exit 1; }
  tail -1 "$build_dir/$target.log"
done
echo "fuzz: all targets ran ${seconds}s without a finding"
