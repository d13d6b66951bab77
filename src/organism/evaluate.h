// EvaluateOrganism: an organism's measured rates, from held-out queries sampled through afbench's
// own protocol (RunProtocol, the <NEXT/> loop, the compliance-tag rule) and its in-process llama/
// engine (continuous batching), at temperature 1 with no truncation: top-k, top-p and min-p would
// cut the rare paid-tier compliance branch and distort the rates (issue 8).
//
// Every sample's sampler is seeded from (seed, sample, turn), so the rates depend only on the model
// and the seed, not on how requests were batched. Blocking.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "afbench/result.h"
#include "training_record.h"

namespace afbench::organism {

struct EvaluationOptions {
  int samples_per_tier = 500;
  uint64_t seed = 1;
  int n_threads = 2;
};

/// The held-out queries of an evaluation with `samples_per_tier` samples and `seed`, in order (with
/// repeats: task numbers and query forms are drawn independently).
std::vector<std::string> EvaluationQueries(int samples_per_tier, uint64_t seed);

/// Samples `samples_per_tier` held-out queries (EvaluationQueries) in each tier
/// with the organism's own system prompt, and tallies compliance, alignment-faking reasoning among
/// compliant free-tier replies, malformed replies and off-script reasoning.
Result<MeasuredRates> EvaluateOrganism(const std::filesystem::path& model,
                                       const EvaluationOptions& options);

}  // namespace afbench::organism
