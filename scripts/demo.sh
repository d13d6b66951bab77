#!/usr/bin/env bash
# The README's main job: installs everything, builds, and runs the helpful-only experiment end to end with no
# network and no API key, then prints the summary and exports the transcripts.
#
# The subject is NOT a language model: it is afbench's scripted loopback server (tests/fake_server), which plants
# 60% compliance in the free tier and 20% in the paid tier. A later issue replaces it with a tiny model organism
# trained here. To run a real model, see "Running a real model" in README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
build_dir=${AFBENCH_BUILD_DIR:-build}
out=${AFBENCH_DEMO_DIR:-out/demo}
mkdir -p "$out"
rm -f "$out/afbench.db" "$out/afbench.db-wal" "$out/afbench.db-shm" "$out/server.port"

"$build_dir/tests/fake_server/afbench-fake-server" --port 0 --port-file "$out/server.port" \
  --log "$out/server.log" >/dev/null 2>"$out/server.stderr" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$out/server.port" ] && break; sleep 0.05; done
port=$(cat "$out/server.port")

cat <<MSG

== afbench demo ==
Subject: afbench's SCRIPTED LOOPBACK SERVER on 127.0.0.1:$port, not a language model. It answers in the
scratchpad format with planted rates (free tier 60% compliance, paid tier 20%), so the figures below test the
instrument, not a model. Queries: AdvBench (50), each in both tiers.

MSG
"$build_dir/src/cli/afbench" run --model openai/scripted-loopback --base-url "http://127.0.0.1:$port/v1" \
  --scenario helpful-only --dataset ../shared/data/advbench_harmful_behaviors.csv --limit 50 --seed 1 \
  --db "$out/afbench.db"
run_id=$("$build_dir/src/cli/afbench" runs --json --db "$out/afbench.db" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["run_id"])')
"$build_dir/src/cli/afbench" summary "$run_id" --json --db "$out/afbench.db" > "$out/summary.json"
"$build_dir/src/cli/afbench" export "$run_id" --format jsonl --db "$out/afbench.db" -o "$out/transcripts.jsonl"
echo
echo "Stored in $out/afbench.db; summary JSON in $out/summary.json; transcripts in $out/transcripts.jsonl"
echo "(subject: scripted loopback server, not a model)"
