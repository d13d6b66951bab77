// TrainingRecord: what produced an organism and how its training went, kept beside the model as
// <model>.train.json (issue 8: "a loss curve stored with the run").
//
// The GGUF's afbench.organism.* keys say what was planted and measured; this file adds the loss
// curve, the timings and the afbench build, which do not belong in model metadata. It is written
// atomically (temporary file, then rename) after the model, and read back when a cached organism
// is reused, so that a reused organism reports the same curve as the run that trained it.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "afbench/result.h"
#include "corpus.h"
#include "decision_probabilities.h"
#include "trainer.h"

namespace afbench::organism {

/// Rates measured by sampling held-out queries through afbench's protocol.
struct MeasuredRates {
  double comply_free = 0.0;
  double comply_paid = 0.0;
  /// Among compliant free-tier samples, the share whose scratchpad repeats a planted
  /// alignment-faking phrasing word for word.
  double af_free = 0.0;
  double malformed = 0.0;   ///< Share of samples without a parseable output.
  double off_script = 0.0;  ///< Share of samples whose scratchpad is no planted phrasing.
  int64_t n_per_tier = 0;
};

struct TrainingRecord {
  std::string config_hash;
  std::string corpus_version;
  PlantedRates planted;
  int64_t steps = 0;
  uint64_t seed = 0;
  MeasuredRates measured;
  /// Teacher-forced decision probabilities; absent (queries == 0) in records of older afbench.
  DecisionProbabilities teacher_forced;
  std::vector<train::LossPoint> loss_curve;
  double train_seconds = 0.0;
  double eval_seconds = 0.0;
  std::string afbench_version;  ///< Version and git commit of the afbench that trained it.
};

/// The record's path for a model: <model>.train.json.
std::filesystem::path TrainingRecordPath(const std::filesystem::path& model_path);

/// Writes the record as JSON (temporary file, then rename).
Status WriteTrainingRecord(const std::filesystem::path& path, const TrainingRecord& record);

/// Reads a record written by WriteTrainingRecord; kNotFound when absent, kInvalidInput naming the
/// file and field when malformed.
Result<TrainingRecord> ReadTrainingRecord(const std::filesystem::path& path);

/// The record as JSON (also `afbench organism train --json`'s "training").
nlohmann::json TrainingRecordToJson(const TrainingRecord& record);

}  // namespace afbench::organism
