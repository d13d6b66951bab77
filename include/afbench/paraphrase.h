// `afbench variations paraphrase`: paraphrased variants of a scenario's system prompt, written by a
// model through the ModelClient and kept as ordinary variations (one replace_section per section)
// with their provenance (Greenblatt et al. 2024, App. G.1.8 and I.7).
//
// Each section is paraphrased on its own (the examples section, which holds the few-shot
// transcripts, is left as it is). The scenario's variable values ("Anthropic") are sent as their
// placeholders ({{company}}), so a paraphrase still follows company-openai and --var. Like the
// paper's rejection sampling, a reply is refused and asked for again when it lost an XML tag or a
// placeholder of the original, added a placeholder, or is shorter than min_word_ratio of the
// original's words; after max_attempts refusals the paraphrasing fails, naming the section.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "afbench/model_client.h"
#include "afbench/result.h"
#include "afbench/scenario.h"
#include "afbench/variation.h"

namespace afbench {

struct ParaphraseOptions {
  int count = 8;  ///< Paraphrased variants (the paper ran 8).
  /// The request: a template whose one {{section}} is replaced by the section's text.
  std::string prompt;
  std::string generator;  ///< The model spec, recorded in each variation's provenance.
  uint64_t seed = 0;  ///< Each request's seed derives from it, the variant, section and attempt.
  double temperature = 1.0;
  int max_tokens = 8192;
  int max_attempts = 4;         ///< Requests per section before the paraphrasing fails.
  double min_word_ratio = 0.7;  ///< The paper's filter: at least 70% of the original's words.
  std::string name_prefix;  ///< Variation names are <prefix>-<k>; default <scenario>-paraphrase.
};

struct ParaphraseResult {
  std::vector<Variation> variations;  ///< One per variant, named and with provenance.
  int64_t rejected = 0;               ///< Replies refused by the checks (and asked for again).
  int64_t requests = 0;
};

/// The names ParaphraseScenario gives its variants of the scenario named `scenario_name`
/// (<prefix>-0 ... <prefix>-<count - 1>), so that a caller can check its files before paying.
std::vector<std::string> ParaphraseNames(const std::string& scenario_name,
                                         const ParaphraseOptions& options);

/// Paraphrases `options.count` variants of `scenario` (as LoadScenario rendered it). Fails on an
/// external system prompt (it has no sections), a prompt without {{section}}, a call that fails or
/// a section whose every reply was refused.
Result<ParaphraseResult> ParaphraseScenario(const Scenario& scenario,
                                            const ParaphraseOptions& options, ModelClient& client);

/// Why `paraphrase` cannot stand for `original`, or nullopt when it can: a tag or placeholder of
/// the original missing, a placeholder added, or fewer than min_word_ratio of its words.
std::optional<std::string> CheckParaphrase(std::string_view original, std::string_view paraphrase,
                                           double min_word_ratio);

}  // namespace afbench
