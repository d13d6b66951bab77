// `afbench run experiment.yaml`, `--plan`, `--max-cost-usd`, `afbench summary --experiment`, and
// what every Run gets from the scenario library: its judges, its price and a summary that says
// "needs judge" instead of guessing.
//
// An experiment runs every cell of its grid as an ordinary Run tagged with the experiment id and
// cell key; running the same file again resumes incomplete cells and skips completed ones. Cells
// of one endpoint (provider + base URL) run one after another through a shared RequestGate;
// different endpoints run at the same time. Everything is validated and forecast before the first
// request is sent.
#pragma once

#include <CLI/CLI.hpp>
#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "afbench/classifier.h"
#include "afbench/experiment.h"
#include "afbench/model_client.h"
#include "commands.h"
#include "run_command.h"
#include "run_options.h"

namespace afbench::cli {

/// Runs (or resumes) every cell of flags.experiment_file, or with --plan prints its forecast.
int ExperimentRunCommand(const RunFlags& flags, const RunInvocation& invocation);
/// A single Run with --plan (forecast only) or --max-cost-usd (a budget).
int RunWithPlanOrBudget(RunConfig config, const RunFlags& flags, RunInvocation invocation);

/// The judges a Run's scenario declares, built when the Run has a judge model; the judge Backend
/// is kept alive beside them. Without a judge model each declared judge is named on stderr and
/// the Run records no labels from it (its summary says "needs judge").
struct RunJudges {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<ModelClient> client;
  std::vector<std::unique_ptr<Classifier>> classifiers;
  std::optional<ModelPrice> price;  ///< The judge model's, under a budget.
  /// What the judges' requests of this invocation cost (0 without a price).
  double SpentUsd() const;
};
/// Where a Run's judges store their calls and whom they share limits with.
struct RunJudgeContext {
  Store* store = nullptr;
  std::string run_id;
  const std::atomic<bool>* cancel = nullptr;
  /// The Run's own gate: shared when the judge is on the model's endpoint.
  std::shared_ptr<RequestGate> model_gate;
  /// Set under a budget: the judge model must then have a price.
  const PriceTable* prices = nullptr;
};
Result<RunJudges> MakeRunJudges(const RunConfig& config, const RunJudgeContext& context);

/// The model's price when the invocation has a budget (adding the Run's stored spend to the
/// meter); nullopt without a budget. An error when a budget is set and the model has no price.
/// What a Run's stored turns (at `price`) and stored judge calls (at their models' prices) cost:
/// the spend of its earlier invocations, which --max-cost-usd counts.
Result<double> StoredSpendUsd(Store& store, const std::string& run_id, const ModelPrice& price,
                              const PriceTable& prices);
Result<std::optional<ModelPrice>> PriceForRun(Store& store, const std::string& run_id,
                                              const RunConfig& config,
                                              const RunInvocation& invocation);

struct SummaryOutput {
  bool json = false;
  std::string classifier = "compliance-tag";
};
/// Prints a Run's summary. When the scenario's compliance comes from a judge that has not labelled
/// the Run (or the scenario measures none), it says so instead of printing tag-rule compliance:
/// the JSON gains "compliance_status" ("ok", "needs_judge", "none") and its compliance figures are
/// null.
int PrintRunSummary(Store& store, const std::string& run_id, const SummaryOutput& output);

/// `afbench summary --experiment ID|FILE`.
struct ExperimentSummaryFlags {
  std::string experiment;
};
/// Adds `--experiment` to the summary command and returns that command.
CLI::App* AddExperimentSummaryOption(CLI::App* summary, ExperimentSummaryFlags& flags);
/// The summary command: an experiment's table, or one Run's summary (see PrintRunSummary).
int SummaryDispatch(const SummaryFlags& flags, const ExperimentSummaryFlags& experiment,
                    const CommonOptions& common);

/// The price table: `flag` if given, else $AFBENCH_PRICES, else <exe>/../share/afbench/prices.yaml
/// when installed, else the source tree's src/experiment/prices.yaml.
std::filesystem::path ResolvePricesFile(const std::string& flag);

/// One cell's plan: the config a Run would start with and its forecast.
struct CellPlan {
  ExperimentCell cell;
  RunConfig config;
  std::string prompt_hash;
  CellForecast forecast;
  CellForecast judge_forecast;  ///< The cell's judge calls (none without a judge model).
};
/// Judge requests per Sample of a Run with a judge model: one per declared judge, the votes of
/// af-majority-vote.
int64_t JudgeCallsPerSample(const RunConfig& config);
/// Validates and forecasts every cell: loads each scenario with its variations and the dataset
/// and renders every user turn, so that a broken cell fails before anything is sent.
Result<std::vector<CellPlan>> PlanCells(const std::vector<ExperimentCell>& cells,
                                        const std::vector<RunConfig>& configs,
                                        const RunInvocation& invocation, const PriceTable& prices);
/// The --plan table: cells, samples, requests, tokens and cost, with totals.
std::string PlanText(const std::vector<CellPlan>& plans, const PriceTable& prices);
/// Identifies what a cell runs (settings and rendered prompt), so that resuming a cell whose
/// experiment file or scenario changed is refused.
std::string CellFingerprint(const RunConfig& config, const std::string& prompt_hash);

}  // namespace afbench::cli
