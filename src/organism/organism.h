// Organism: a tiny model trained here with a planted alignment-faking behaviour, for known-answer
// tests and the offline demo (issue 8).
//
// TrainOrganism generates the corpus (corpus.h), writes a pruned-vocabulary start model, trains it
// (train/trainer.h), samples held-out queries through afbench's own protocol at temperature 1, and
// records planted and measured rates as afbench.organism.* GGUF keys. Beside the model it writes a
// scenario folder (<model>.scenario/) holding the organism's system prompt and no user suffix, so
// `afbench run --model llama/<model> --scenario <model>.scenario --no-suffix`-style runs see
// exactly the training prompt, <model>.queries.jsonl with the held-out queries it was evaluated
// on, and <model>.train.json (training_record.h) with the loss curve. With
// a cache directory the result is kept as <cache>/<hash>.gguf and reused when the configuration
// hash matches. The model and its record appear atomically (written under a temporary name, then
// renamed), so an interrupted or concurrent training never leaves a half-written organism in the
// cache; two processes training the same configuration at once both train, and the last rename
// wins with an identical file (training is deterministic for a seed).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "afbench/result.h"
#include "corpus.h"
#include "evaluate.h"
#include "training_record.h"

namespace afbench::organism {

/// What to train.
struct OrganismOptions {
  PlantedRates rates{};
  int64_t steps = 6000;
  uint64_t seed = 1;
  int eval_samples = 500;  ///< Held-out samples per tier for the measured rates.
  int n_threads = 2;
  std::filesystem::path vocab_path{};  ///< llama.cpp's models/ggml-vocab-qwen2.gguf.
  std::filesystem::path out_path{};    ///< Where the organism is copied; may be empty with a cache.
  std::filesystem::path cache_dir{};   ///< Empty: no cache.
};

/// A trained (or cached) organism.
struct Organism {
  std::filesystem::path model_path{};
  std::filesystem::path scenario_dir{};
  std::filesystem::path record_path{};  ///< <model>.train.json: loss curve, timings, build.
  /// <model>.queries.jsonl: the evaluation's distinct held-out queries, a dataset for `afbench
  /// run`.
  std::filesystem::path queries_path{};
  bool from_cache = false;
  TrainingRecord record{};
};

/// The hex SHA-256 of everything that determines the organism (rates, steps, seed, corpus version).
std::string OrganismConfigHash(const OrganismOptions& options);

/// Trains, evaluates and writes the organism (or reuses the cached one).
Result<Organism> TrainOrganism(const OrganismOptions& options);

/// Reads the afbench.organism.* keys of a model written by TrainOrganism.
Result<MeasuredRates> ReadMeasuredRates(const std::filesystem::path& model_path);
Result<PlantedRates> ReadPlantedRates(const std::filesystem::path& model_path);

/// An organism's rates sampled on held-out queries (evaluate.h) and its teacher-forced decision
/// probabilities after the first of those queries (decision_probabilities.h).
struct Measurement {
  MeasuredRates sampled;
  DecisionProbabilities teacher_forced;
};

/// Measures a trained organism (what training does after it trains; `afbench organism evaluate`).
Result<Measurement> MeasureOrganism(const std::filesystem::path& model_path,
                                    const EvaluationOptions& options);

}  // namespace afbench::organism
