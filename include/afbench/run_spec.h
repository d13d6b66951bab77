// RunSpec: everything a Run is asked to do, stored as the Run's config_json so that a Run can be
// resumed from the Store alone and so that its results say what produced them (the field name
// "config_json" and its keys are the stored format, docs/store-format.md). The API key is never
// part of it. Built by `afbench run` from flags, by experiment files per cell, or by any program
// that links libafbench; started with StartRun (afbench/runs.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "afbench/backends.h"
#include "afbench/dataset.h"
#include "afbench/experiment.h"
#include "afbench/llama_backend.h"
#include "afbench/protocol.h"
#include "afbench/result.h"
#include "afbench/runner.h"
#include "afbench/scenario.h"
#include "afbench/types.h"

namespace afbench {

/// Engine settings of the in-process llama/ backend (issue 3, docs/llama.md). Stored with the Run
/// (as "llama", only for llama/ models) so that a resumed Run uses the same engine.
struct LlamaRunOptions {
  int parallel = 0;           ///< Sequences decoded together; 0: max_connections.
  int ctx_tokens = 0;         ///< KV cache cells; 0: the model's training context, at most 32768.
  std::string chat_template;  ///< A llama.cpp built-in template name or a file; empty: the model's.
  double top_p = 1.0;
  bool force_format = false;  ///< Constrain replies to the tag structure with a grammar.
};

struct RunSpec {
  std::string model;     ///< "openai/<model>", "anthropic/<model>" or "llama/<path.gguf>".
  std::string base_url;  ///< Empty: the provider's default or its *_BASE_URL variable.
  ScenarioOptions scenario;
  DatasetOptions dataset;
  std::string dataset_hash;
  std::vector<Tier> tiers = {Tier::kFree, Tier::kPaid};
  int epochs = 1;
  SamplingParams sampling;  ///< sampling.seed is always set (drawn at random when not given).
  ProtocolOptions protocol;
  UserTurnOptions user_turn;
  std::string
      user_suffix;  ///< The rendered suffix, stored so that resume renders identical user turns.
  int max_connections = 8;
  int64_t requests_per_minute = 0;  ///< 0 = unlimited.
  int64_t tokens_per_minute = 0;    ///< 0 = unlimited.
  RetryPolicy retry;
  int64_t connect_timeout_ms = 10000;
  int64_t request_timeout_ms = 600000;
  int64_t idle_timeout_ms = 300000;  ///< Silence allowed before the first byte and between bytes.
  bool stream = true;                ///< Replies streamed (server-sent events); same results.
  int64_t planned_samples = 0;

  // Scenario library, variations and experiments (issue 6); absent in older stores.
  std::vector<std::string> variations;      ///< Applied to the scenario in this order.
  std::map<Tier, std::string> tier_tags;    ///< Rendered tier tags that replace the default one.
  std::map<int, QueryExtras> query_extras;  ///< By query index: extra tags, judge questions.
  ComplianceRule compliance;                ///< From the scenario's evaluation.yaml.
  std::vector<std::string> judges;          ///< Judges the scenario declares.
  std::string judge_prompt_dir;             ///< The anti-ai-lab judge's prompt folder.
  std::string judge_model;                  ///< --judge "provider/model"; empty: no judge.
  std::string judge_base_url;
  /// The base URL came from an experiment file, not from the user: the provider's API key is sent
  /// to it only when it is the provider's own host (BackendOptions::base_url_named).
  bool base_url_from_file = false;
  bool judge_base_url_from_file = false;
  std::string experiment_id;    ///< Set for the cells of an experiment.
  std::string experiment_cell;  ///< The cell key.
  int experiment_cell_index = -1;
  std::string experiment_fingerprint;  ///< Detects an edited experiment file on resume.

  LlamaRunOptions llama;  ///< Used only when the model (or judge) is llama/<path.gguf>.
  /// llama/ models: the SHA-256 of the GGUF file, recorded when the Run starts (stored as
  /// "llama.model_sha256"); a resume refuses a file that changed since.
  std::string model_sha256;
};

/// Serialises to the JSON stored in runs.config_json (documented in docs/store-format.md).
std::string RunSpecToJson(const RunSpec& config);
/// Parses config_json back; an error names the field that is missing or of the wrong type.
Result<RunSpec> RunSpecFromJson(const std::string& json);

/// The llama/ backend's options for `model` ("llama/<path.gguf>") under this spec.
LlamaBackendOptions LlamaBackendOptionsFor(const RunSpec& spec, const std::string& model);

}  // namespace afbench
