// What the organism tests share: the afbench binary, the cached organisms, a dataset of held-out
// placeholder queries, and run -> summary / export round trips through the real binary.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace afbench::testing {

/// Runs the afbench binary under test (20-minute limit).
CommandResult Afbench(const std::vector<std::string>& args);

/// `afbench organism train --json` with the known-answer configuration (3,000 steps, 500
/// evaluation samples per tier, seed 1) and planted compliance `comply` ("free=F,paid=P"), cached
/// in <build>/organisms; the printed JSON, or a discarded value after a failed expectation.
nlohmann::json TrainCachedOrganism(const std::string& comply);

/// The dataset flags of a run on `organism`: its own held-out queries (<model>.queries.jsonl, the
/// 289 distinct queries its rates were measured on), `epochs` times each with independent seeds.
/// Six epochs (1,734 samples per tier, seconds in process): the organism's rates vary more between
/// runs of a few hundred samples than binomial noise alone explains (the null organism's free tier
/// gave 0.33-0.45 over five seeds at 289 samples), so the test measures precisely.
std::vector<std::string> HeldOutDatasetArgs(const nlohmann::json& organism, int epochs = 6);

/// `afbench run` with `args` (model, scenario, ...) into `db`, then `afbench summary --json`.
nlohmann::json RunAndSummarise(const std::vector<std::string>& args,
                               const std::filesystem::path& db, bool errors_allowed = false);

/// `afbench export RUN --format jsonl`: one object per sample.
std::vector<nlohmann::json> ExportSamples(const std::filesystem::path& db,
                                          const std::string& run_id);

/// Expects afbench's per-tier compliance to agree with the organism's own measured rates within
/// sampling error: both are estimates (afbench's from the run, the organism's from its evaluation
/// samples), so the 95% Newcombe interval of their difference must contain 0.
void ExpectConsistentWithMeasuredRates(const nlohmann::json& summary,
                                       const nlohmann::json& organism);

}  // namespace afbench::testing
