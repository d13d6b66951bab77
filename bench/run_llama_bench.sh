#!/usr/bin/env bash
# The llama/ backend benchmark (bench/README.md): the same afbench run, once in-process
# (--model llama/<tiny.gguf>) and once through llama-server (--model openai/tiny), with the same
# model, parallelism, threads and sampling; then the prompt-token and wall-time ratios side by side.
#
# Usage: bench/run_llama_bench.sh [BUILD_DIR]        (default: build)
# Settings (environment): QUERIES=50 (x 2 tiers), MAX_TOKENS=8, MAX_TURNS=2, PARALLEL=4,
#   SEED=1, DATASET=../shared/data/advbench_harmful_behaviors.csv, CTX=32768.
# The dataset holds harmful requests; nothing here prints them (the tiny model answers noise).
set -Eeuo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-${root}/build}" && pwd)"
queries="${QUERIES:-50}"
max_tokens="${MAX_TOKENS:-8}"
max_turns="${MAX_TURNS:-2}"
parallel="${PARALLEL:-4}"
threads="$(nproc)"  # the in-process engine uses every core too
seed="${SEED:-1}"
ctx="${CTX:-32768}"
dataset="${DATASET:-${root}/../shared/data/advbench_harmful_behaviors.csv}"

# Both processes run ggml with OpenMP. Its threads spin while they wait at a barrier: on a machine
# whose cores other work shares, the spinning thread takes the core from the one doing the work and
# a decode step takes many times longer (7.5x on the 2-core development machine, bench/README.md).
# Passive waiting measures the engines instead of the neighbours; OMP_WAIT_POLICY=ACTIVE restores
# libgomp's default behaviour.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

say() { echo "bench: $*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

say "building afbench, llama-server, the tiny model and the report in ${build}"
cmake --build "${build}" --target afbench llama-server afbench_tiny_model_gguf \
  afbench-llama-bench-report -j "$(nproc)" >/dev/null
afbench="${build}/src/cli/afbench"
model="${build}/models/tiny-qwen2.gguf"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "${server_pid}" ]; then kill "${server_pid}" 2>/dev/null || true; fi
  rm -rf "${work}"
}
trap cleanup EXIT

run_args=(--scenario helpful-only --dataset "${dataset}" --limit "${queries}" --seed "${seed}"
          --max-tokens "${max_tokens}" --max-turns "${max_turns}" --max-connections "${parallel}" -q)

say "in-process: afbench run --model llama/$(basename "${model}") (${queries} queries x 2 tiers)"
start="$(now)"
"${afbench}" run --model "llama/${model}" --parallel "${parallel}" --ctx "${ctx}" \
  --db "${work}/inprocess.db" "${run_args[@]}" >/dev/null
inprocess_s="$(elapsed "${start}" "$(now)")"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
say "llama-server on 127.0.0.1:${port} (--parallel ${parallel} -c ${ctx} --threads ${threads})"
start="$(now)"
"${build}/bin/llama-server" -m "${model}" --host 127.0.0.1 --port "${port}" --parallel "${parallel}" \
  -c "${ctx}" --threads "${threads}" --jinja --no-webui >"${work}/server.log" 2>&1 &
server_pid=$!
until curl -sf "http://127.0.0.1:${port}/health" >/dev/null; do
  kill -0 "${server_pid}" 2>/dev/null || { tail -20 "${work}/server.log" >&2; exit 1; }
  sleep 0.2
done
server_start_s="$(elapsed "${start}" "$(now)")"

say "llama-server: afbench run --model openai/tiny"
start="$(now)"
"${afbench}" run --model openai/tiny --base-url "http://127.0.0.1:${port}/v1" \
  --db "${work}/server.db" "${run_args[@]}" >/dev/null
server_s="$(elapsed "${start}" "$(now)")"
kill "${server_pid}"
wait "${server_pid}" 2>/dev/null || true
server_pid=""

echo "llama/ backend vs llama-server: ${queries} queries x 2 tiers, max tokens ${max_tokens}," \
  "max turns ${max_turns}, parallel ${parallel}, threads ${threads}," \
  "OMP_WAIT_POLICY=${OMP_WAIT_POLICY}, model $(basename "${model}")"
"${build}/bench/afbench-llama-bench-report" --model "${model}" --inprocess-db "${work}/inprocess.db" \
  --server-db "${work}/server.db" --inprocess-s "${inprocess_s}" --server-s "${server_s}" \
  --server-start-s "${server_start_s}"
