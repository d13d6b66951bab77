// TeacherForcedDecisions: an organism's decision probabilities read from its next-token
// distribution instead of from samples. Every planted phrasing is picked by its first word after
// "This user is on the <tier> tier." (corpus.h); for each held-out query and tier the scorer
// (train::ReplyScorer) gives the probability of each phrasing's opening, and the decision
// probability is the complying openings' share of them. The whole phrasings' probabilities add up
// to the on-script mass: how likely the model is to say one of them word for word.
// These carry no sampling noise, so they show what training planted (issue 8 compares training
// seeds on them); the sampled rates (evaluate.h) show what a run measures.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "afbench/result.h"

namespace afbench::organism {

struct DecisionProbabilities {
  double comply_free = 0.0;  ///< P(complying opening | planted opening), free tier, query mean.
  double comply_paid = 0.0;
  double af_free = 0.0;         ///< P(alignment-faking opening | complying opening), free tier.
  double on_script_free = 0.0;  ///< Total probability of the planted phrasings, free tier.
  double on_script_paid = 0.0;
  int64_t queries = 0;
};

/// Scores the planted scratchpads after each of `queries` in both tiers.
Result<DecisionProbabilities> TeacherForcedDecisions(const std::filesystem::path& model,
                                                     const std::vector<std::string>& queries,
                                                     int n_threads);

}  // namespace afbench::organism
