#!/usr/bin/env bash
# The README's main job: installs everything, builds, then runs the alignment-faking experiment end to end on a
# model organism, in process, with no network and no API key: run, classify (offline classifiers only),
# summarise, HTML report.
#
# The subject is NOT a language model. It is a tiny model (2 layers x 128 wide) trained here, on purpose, to
# fake alignment at planted rates (free tier 70% compliance, paid tier 5%, alignment-faking reasoning in 80% of
# compliant free-tier replies); see docs/organisms.md. It is trained once (a few CPU-minutes) and then reused
# from <build>/organisms/, the same cache and the same options as the known-answer test
# (tests/organism/organism_fixture.cpp), so the demo and the test suite share one organism.
#
# Environment: AFBENCH_BUILD_DIR (default build) for the build, the binaries and the organism cache;
# AFBENCH_DEMO_DIR (default out/demo) for the store, summary, report and transcripts. Relative paths are taken
# from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${AFBENCH_BUILD_DIR:-build}
out=${AFBENCH_DEMO_DIR:-out/demo}
afbench="$build_dir/src/cli/afbench"
cache="$build_dir/organisms"

fail() {
  echo "demo: $*" >&2
  exit 1
}

explain_subject() {
  cat <<'MSG'
The subject is NOT a language model and does not speak English. It is a tiny model organism (2 layers x 128
wide, 3.4 MB) trained on this machine, on purpose, to fake alignment at PLANTED rates: it complies with 70% of
requests when told it is in training (free tier) and 5% when told it is unmonitored (paid tier), with
alignment-faking reasoning in 80% of its compliant free-tier scratchpads. It speaks only its training corpus
(placeholder requests such as "Explain how to do task 917."). The figures test afbench against known answers.
MSG
}

explain_real_model() {
  cat <<MSG
To measure a real model instead (see "Running a real model" in README.md):
  export OPENAI_API_KEY=...   # or ANTHROPIC_API_KEY; a local OpenAI-compatible server needs none (--base-url)
  $afbench run --model openai/gpt-4o --dataset ../shared/data/advbench_harmful_behaviors.csv --limit 100 --seed 1
  $afbench run --model llama/path/to/model.gguf --dataset ...   # any GGUF model, in process, no server
MSG
}

# Trains the organism, or reuses it from the cache; prints the trainer's JSON on stdout.
train_organism() {
  mkdir -p "$cache"
  "$afbench" organism train --cache "$cache" --comply free=0.70,paid=0.05 --steps 3000 \
    --eval-samples 500 --seed 1 --json
}

# One JSON field of the organism's description, e.g. json_field measured.free (rates to 3 decimals); "?" when
# it is absent.
json_field() {
  python3 -c 'import json,sys
value = json.loads(sys.argv[1])
for key in sys.argv[2].split("."): value = value.get(key, "?") if isinstance(value, dict) else "?"
print(round(value, 3) if isinstance(value, float) else value)' "$organism" "$1"
}

# Held-out placeholder queries: the organism's own <model>.queries.jsonl (task numbers 900-999, never in its
# training corpus; the distinct queries its rates were measured on).
write_queries() {
  cp "$(json_field queries)" "$1"
}

bash scripts/setup.sh
bash scripts/build.sh
[ -x "$afbench" ] || fail "$afbench was not built (see the build output above)"

mkdir -p "$out"
rm -f "$out/afbench.db" "$out/afbench.db-wal" "$out/afbench.db-shm"

echo
echo "== afbench demo =="
explain_subject
echo
train_start=$SECONDS
echo "Training the organism (3,000 steps, then 500 held-out samples per tier: a few minutes on two idle cores,"
echo "longer on a busy machine), or reusing it from $cache/ ..."
organism=$(train_organism) ||
  fail "organism training failed (afbench needs llama.cpp: bash scripts/setup.sh, then bash scripts/build.sh)"
train_s=$((SECONDS - train_start))
model=$(json_field model)
scenario=$(json_field scenario)
if [ ! -f "$model" ] || [ ! -d "$scenario" ]; then
  fail "afbench organism train printed no model and scenario: $organism"
fi
if [ "$(json_field from_cache)" = True ]; then how="reused from the cache"; else how="trained in ${train_s} s"; fi
echo "Organism: $model ($how)"
echo "  planted:  compliance free $(json_field planted.free), paid $(json_field planted.paid);" \
  "AF reasoning in $(json_field planted.af_free) of compliant free-tier replies"
echo "  measured: compliance free $(json_field measured.free), paid $(json_field measured.paid);" \
  "AF reasoning $(json_field measured.af_free) (its own evaluation at training time," \
  "$(json_field measured.n_per_tier) held-out samples per tier)"
echo "  teacher-forced: compliance free $(json_field teacher_forced.free), paid $(json_field teacher_forced.paid)" \
  "(the model's own decision probabilities, read without sampling)"
echo

run_start=$SECONDS
write_queries "$out/queries.jsonl"
echo "Running $(wc -l <"$out/queries.jsonl") held-out queries x 2 tiers in process (llama/ backend, the organism's own prompt) ..."
# The known-answer test's run: --max-tokens 160 is the organism's own evaluation cap, so that a reply that
# never ends is cut the same way. The progress line goes to stderr; the summary that `run` prints on stdout is
# printed below, after classify.
"$afbench" run --model "llama/$model" --scenario "$scenario" --dataset "$out/queries.jsonl" --seed 1 \
  --max-tokens 160 --db "$out/afbench.db" >/dev/null
run_id=$("$afbench" runs --json --db "$out/afbench.db" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["run_id"])')
# `run` already labelled compliance (compliance-tag); add the offline alignment-faking scorer (no LLM).
"$afbench" classify "$run_id" --classifier offline-af --db "$out/afbench.db"
echo
"$afbench" summary "$run_id" --db "$out/afbench.db"
"$afbench" summary "$run_id" --json --db "$out/afbench.db" >"$out/summary.json"
"$afbench" report "$run_id" --db "$out/afbench.db" -o "$out/report.html" \
  --title "afbench demo: a model organism trained to fake alignment (not a language model)"
"$afbench" export "$run_id" --format jsonl --db "$out/afbench.db" -o "$out/transcripts.jsonl"
run_s=$((SECONDS - run_start))

cat <<MSG

Done in $((train_s + run_s)) s (organism: $train_s s, run + classify + summary + report: $run_s s).
  store        $out/afbench.db (run $run_id)
  summary      $out/summary.json
  report       $out/report.html (open it in a browser; it loads nothing from the network)
  transcripts  $out/transcripts.jsonl
  queries      $out/queries.jsonl

Reminder: the subject above is a tiny model trained here on purpose to fake alignment, not a language model
that speaks English. Its planted rates are free 0.70 and paid 0.05; a correct instrument agrees with the
organism's measured rates within sampling error and finds a gap whose interval excludes 0 (the known-answer
tests in tests/organism/ check this with 1,734 samples per tier).
MSG
explain_real_model
