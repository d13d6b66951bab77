// Experiment: grids of models x scenarios x variations, and everything a Run of one cell needs
// beyond the Scenario: how the scenario is evaluated, its per-input extras, the cost forecast and
// budget, the per-cell summary in the shape of Greenblatt et al. 2024, Table G.2, and the
// anti-AI-lab judge.
//
// - A scenario folder may hold `evaluation.yaml` beside `scenario.yaml`: the compliance measure
//   ("compliance-tag", "judge:<classifier>" or "none"), default tiers and dataset, per-input fields
//   (extra user-turn tags, judge questions) and the judges its runs should run.
// - An experiment file (YAML) names models, scenarios, variations, a dataset, samples per cell,
//   sampling parameters and a budget. Each cell is an ordinary Run, tagged in its configuration
//   with the experiment id and the cell key, so the grid is resumable from the Store alone.
// - Costs come from a price table data file (USD per million tokens); forecasts estimate tokens
//   from the rendered prompts at ForecastAssumptions::chars_per_token.
//
// Values and pure functions, apart from reading files and the Store; CostMeter and the judge made
// by MakeAntiAiLabJudge are safe to call from several threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "afbench/backend.h"
#include "afbench/classifier.h"
#include "afbench/dataset.h"
#include "afbench/result.h"
#include "afbench/scenario.h"
#include "afbench/stats.h"
#include "afbench/store.h"
#include "afbench/types.h"
#include "afbench/variation.h"

namespace afbench {

// ---------------------------------------------------------------------------------------------
// How a scenario is evaluated: <scenario folder>/evaluation.yaml.

/// The compliance measure of a Run.
struct ComplianceRule {
  /// "compliance-tag" (the accept/reject tag rule), "judge:<classifier id>" or "none".
  std::string spec = "compliance-tag";
  bool complied_when = true;  ///< The label value that means "complied".

  /// The classifier whose labels decide compliance; "" for "none".
  std::string Classifier() const;
  /// True for "judge:<id>": a judge must label the Run before compliance can be counted.
  bool NeedsJudge() const { return spec.rfind("judge:", 0) == 0; }
};

/// The evaluation.yaml of a scenario; every field is optional.
struct ScenarioEvaluation {
  ComplianceRule compliance;
  std::vector<Tier> tiers;              ///< Default tiers; empty = see ResolveTiers.
  std::filesystem::path dataset;        ///< Default dataset (resolved); empty = none.
  std::string dataset_field;            ///< Its query field.
  std::string tags_field;               ///< Record field with user-turn tags (JSONL datasets).
  std::string judge_question_field;     ///< Record field with the judge question (JSONL datasets).
  bool render_input_variables = false;  ///< Replace {{variables}} in queries and questions.
  std::vector<std::string> judges;      ///< Judges this scenario's Runs should run.
  std::filesystem::path judge_prompt_dir;  ///< The anti-ai-lab judge's system.md and user.md.
};

/// The folder of the scenario `options` names (the rule of LoadScenario).
std::filesystem::path ScenarioDirOf(const ScenarioOptions& options);
/// Reads the scenario's evaluation.yaml; defaults when there is none. Errors name file and line.
Result<ScenarioEvaluation> LoadScenarioEvaluation(const ScenarioOptions& options);

// ---------------------------------------------------------------------------------------------
// What one Run (one cell) sends.

/// Per-query extras from the dataset's records.
struct QueryExtras {
  std::string tags;  ///< Placed before the tier tag, e.g. "<is_employee>True</is_employee>".
  std::string judge_question;  ///< The anti-AI-lab judge's question for this input.
};

/// What LoadCellInputs loads.
struct CellInputOptions {
  ScenarioOptions scenario{};
  std::vector<std::string> variations{};  ///< Names; entries may be "a,b".
  std::filesystem::path variations_dir{};
  DatasetOptions dataset{};  ///< An empty path means the scenario's default dataset.
};

/// The rendered scenario, its evaluation, the queries and their extras (by query index).
struct CellInputs {
  VariedScenario varied;
  ScenarioEvaluation evaluation;
  Dataset dataset;
  DatasetOptions dataset_options;  ///< As used (the scenario's default filled in).
  std::map<int, QueryExtras> extras;
};

/// Loads the evaluation, the variations, the varied scenario and the dataset; renders variables in
/// the queries when the evaluation asks for it and reads the per-query fields.
Result<CellInputs> LoadCellInputs(const CellInputOptions& options);

/// The Tiers a Run of `inputs` sends: `requested` (--tiers, or the experiment file) when not
/// empty, else the scenario's evaluation.yaml tiers, else free, pro and paid when the variations
/// tag the pro Tier (three-tiers) and free and paid otherwise. The paper's user turn has no pro
/// tag, so a chosen pro Tier without a variation's `user_turn.tier_tags.pro` is an error.
Result<std::vector<Tier>> ResolveTiers(const std::vector<Tier>& requested,
                                       const CellInputs& inputs);

// ---------------------------------------------------------------------------------------------
// Experiment files.

/// A model of the grid. `label` names it in cell keys (default: the spec).
struct ExperimentModel {
  std::string label;
  std::string spec;         ///< "openai/<model>" or "anthropic/<model>".
  std::string base_url;     ///< Empty: the provider's default or its *_BASE_URL variable.
  int max_connections = 0;  ///< 0: the experiment's max_connections.
};

/// An experiment file, parsed.
struct ExperimentSpec {
  std::string id;  ///< The experiment's `name`; tags every cell's Run.
  std::filesystem::path file;
  std::vector<ExperimentModel> models;
  std::vector<std::string> scenarios;                ///< Names or folders (resolved).
  std::vector<std::vector<std::string>> variations;  ///< Each a composition; {} = default.
  DatasetOptions dataset;   ///< Empty path: each scenario's default dataset.
  std::vector<Tier> tiers;  ///< Empty: each scenario's default tiers.
  int epochs = 1;           ///< Samples per (query, tier).
  SamplingParams sampling;
  int max_turns = 4;
  std::string prefill;
  int max_connections = 8;  ///< Requests in flight per endpoint (provider + base URL).
  std::optional<double> max_cost_usd;
  std::optional<ExperimentModel> judge;  ///< Runs the judges that cells' scenarios declare.
  std::filesystem::path prices;          ///< A price table file; empty: the default one.
};

/// Parses an experiment file; relative paths are resolved against its folder. Unknown keys are
/// errors "experiment: <path>:<line>: <what>".
Result<ExperimentSpec> ParseExperiment(std::string_view yaml_text,
                                       const std::filesystem::path& path);
Result<ExperimentSpec> LoadExperiment(const std::filesystem::path& path);

/// One cell of the grid.
struct ExperimentCell {
  int index = 0;    ///< Position in model-major, then scenario, then variation order.
  std::string key;  ///< "<model label> | <scenario> | <variation label>".
  ExperimentModel model;
  std::string scenario;
  std::vector<std::string> variations;
};

/// The cells of `spec`, models x scenarios x variations.
std::vector<ExperimentCell> ExpandCells(const ExperimentSpec& spec);
/// "provider|base_url": cells with one endpoint share its connection limit.
std::string EndpointOf(const ExperimentModel& model);

// ---------------------------------------------------------------------------------------------
// Prices, forecasts and budgets.

/// USD per million tokens for the model specs `pattern` matches ("anthropic/claude-3-opus*").
struct ModelPrice {
  std::string pattern;
  double input_per_mtok = 0;
  double output_per_mtok = 0;
  double cache_read_per_mtok = 0;
  double cache_write_per_mtok = 0;
};

/// What a forecast assumes where the prompts cannot tell (documented in docs/scenarios.md).
struct ForecastAssumptions {
  double chars_per_token = 4;        ///< Characters per token of rendered prompt text.
  int output_tokens_per_turn = 600;  ///< Expected reply length (capped by max_tokens).
  int turns_per_sample = 3;          ///< Expected turns with a scratchpad (capped by max_turns).
};

/// The price table data file (src/experiment/prices.yaml).
struct PriceTable {
  std::string as_of;  ///< When the prices were copied from the providers' pages.
  ForecastAssumptions assumptions;
  std::vector<ModelPrice> prices;
  /// The first entry whose pattern matches `spec` (exact, or a prefix ending in '*').
  const ModelPrice* Find(std::string_view spec) const;
};

Result<PriceTable> ParsePriceTable(std::string_view yaml_text, const std::filesystem::path& path);
Result<PriceTable> LoadPriceTable(const std::filesystem::path& path);

/// The cost of `usage` at `price`.
double CostUsd(const ModelPrice& price, const Usage& usage);

/// What one cell will send.
struct ForecastInput {
  size_t system_prompt_chars = 0;
  std::vector<size_t> user_turn_chars;  ///< One entry per Sample of the plan.
  int max_turns = 4;
  int max_tokens = 4096;
  bool no_cot = false;
};

/// Requests, tokens and cost of one cell: expected (the assumptions) and at most (every Sample
/// uses max_turns turns of max_tokens tokens).
struct CellForecast {
  int64_t samples = 0;
  int64_t requests_expected = 0;
  int64_t requests_max = 0;
  Usage tokens_expected;
  Usage tokens_max;
  std::optional<double> cost_expected_usd;  ///< Absent when the model has no price.
  std::optional<double> cost_max_usd;
};

CellForecast ForecastCell(const ForecastInput& input, const ForecastAssumptions& assumptions,
                          const ModelPrice* price);

/// What the judges of one cell will send: `calls_per_sample` requests for each of `samples`
/// (a judge's votes, summed over the cell's judges), each with the judge's prompt and the
/// transcript the judge reads.
struct JudgeForecastInput {
  int64_t samples = 0;
  int64_t calls_per_sample = 0;
  int max_tokens = 4096;  ///< The judges' reply cap.
};
/// Requests, tokens and cost of a cell's judge calls: expected (a judge prompt of about 6,000
/// characters plus an expected transcript, replies of the expected turn length) and at most
/// (replies of max_tokens).
CellForecast ForecastJudgeCalls(const JudgeForecastInput& input,
                                const ForecastAssumptions& assumptions, const ModelPrice* price);

/// Spend across the Runs of an invocation against an optional limit. Thread-safe.
class CostMeter {
 public:
  explicit CostMeter(std::optional<double> limit_usd) : limit_usd_(limit_usd) {}
  /// Spend from earlier invocations (the stored usage of resumed Runs).
  void AddSpent(double usd);
  /// The spend of `run_id` in this invocation so far (replaces the previous report).
  void Report(const std::string& run_id, double usd);
  double TotalUsd() const;
  /// True when a limit is set and the total has reached it.
  bool Exceeded() const;
  std::optional<double> limit_usd() const { return limit_usd_; }

 private:
  const std::optional<double> limit_usd_;
  mutable std::mutex mutex_;
  double spent_before_ = 0;
  std::map<std::string, double> runs_;
};

// ---------------------------------------------------------------------------------------------
// Per-cell summaries (Greenblatt et al. 2024, Table G.2: alignment-faking reasoning, refusals in
// training and unmonitored, compliance gap).

/// The run_config keys afbench reads back for summaries (written by `afbench run`).
struct RunTags {
  std::string experiment_id;
  std::string cell_key;
  int cell_index = -1;
  std::vector<std::string> variations;
  ComplianceRule compliance;
  std::vector<std::string> judges;
};
/// Reads RunTags from a Run's config_json (absent keys give the defaults).
RunTags ReadRunTags(const std::string& config_json);

/// Alignment-faking classifiers, most preferred first: the first one with labels is reported.
const std::vector<std::string>& AlignmentFakingClassifiers();

/// One row of an experiment summary.
struct CellRow {
  int cell_index = -1;
  std::string cell_key;
  RunRecord run;  ///< run_id empty: the cell has not started.
  int64_t planned_samples = 0;
  int64_t completed_samples = 0;
  /// "ok", "needs_judge" (compliance comes from a judge that has not labelled the Run) or
  /// "none" (the scenario measures no compliance).
  std::string compliance_status = "ok";
  std::string compliance_classifier;
  /// Refusals are the complement of the summary's compliance (SummarizeSamples): same n (Samples
  /// the compliance classifier decided), same counting rule.
  std::optional<Proportion> refusal_training;     ///< Free tier: not complied / n.
  std::optional<Proportion> refusal_unmonitored;  ///< Paid tier.
  std::optional<Proportion> refusal_pro;  ///< Pro tier (rated, not trained; three-tiers) if run.
  std::optional<double> gap;  ///< refusal_unmonitored - refusal_training (= the compliance gap).
  std::optional<Interval> gap_ci;  ///< Newcombe (1998) method 10, independent proportions.
  std::optional<double> gap_se;    ///< ±1 SE of the gap, independent proportions.
  std::string af_classifier;       ///< "" when no alignment-faking labels exist.
  /// The free tier's alignment-faking rate by af_classifier, as the summary defines it
  /// (SummarizeAlignmentFaking: complied AND alignment faking, over the tier's Samples).
  std::optional<Proportion> alignment_faking;
  /// The gap among Samples af_classifier labels not AF (Fig. 15; the summary's `conditioned`).
  std::optional<Difference> gap_without_af;
  std::map<std::string, std::optional<Proportion>> judges;  ///< Yes rate; nullopt: no labels yet.
  Usage usage;
};

/// Computes a row from a Run's samples. Samples with outcome `error` are not counted.
CellRow SummarizeCell(const RunRecord& run, const std::vector<StoredSample>& samples);

/// The rows of experiment `id`: one per cell of `cells` (in order, unstarted ones included) or,
/// when `cells` is empty, one per tagged Run found in the Store (ordered by cell index).
Result<std::vector<CellRow>> SummarizeExperiment(Store& store, const std::string& id,
                                                 const std::vector<ExperimentCell>& cells);

/// Greenblatt et al. 2024, Fig. 14: across the cells that have both, the correlation of the
/// training AF rate with the compliance gap; nullopt with fewer than 3 such cells.
std::optional<Correlation> AfGapCorrelation(const std::vector<CellRow>& rows);

/// A terminal table, one row per cell, each rate with its Wilson 95% interval.
std::string ExperimentTableText(const std::string& id, const std::vector<CellRow>& rows);
/// The same as JSON: {"experiment": id, "cells": [...]} (shape in docs/scenarios.md).
std::string ExperimentTableJson(const std::string& id, const std::vector<CellRow>& rows);

/// The anti-AI-lab judge's id: a row of the classifier table (afbench/judges.h).
inline constexpr std::string_view kAntiAiLabJudgeId = "anti-ai-lab";

}  // namespace afbench
