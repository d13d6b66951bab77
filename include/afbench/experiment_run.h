// Experiments as a library: plan the cells of an experiment file and run them (afbench/runs.h
// for one Run). `afbench run experiment.yaml` parses flags, calls these and prints.
//
// Every cell is an ordinary Run tagged with the experiment id and cell key; running the same
// experiment again resumes incomplete cells and skips completed ones, and refuses a cell whose
// settings or prompt changed since it started. Cells of one endpoint (provider + base URL) run one
// after another through one RequestGate that carries the endpoint's limits (--rpm/--tpm); different
// endpoints run at the same time. Everything is validated and forecast before the first request.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "afbench/experiment.h"
#include "afbench/result.h"
#include "afbench/run_spec.h"
#include "afbench/runs.h"
#include "afbench/stats.h"
#include "afbench/store.h"

namespace afbench {

/// What the caller sets over an experiment file: the endpoint limits, the judge, trust in the
/// file's URLs.
struct ExperimentOverrides {
  int64_t requests_per_minute = 0;  ///< Per endpoint; 0 = unlimited.
  int64_t tokens_per_minute = 0;
  int max_attempts = RetryPolicy{}.max_attempts;
  bool stream = true;
  std::string judge_model;  ///< Replaces the file's judge when set.
  std::string judge_base_url;
  /// The file's base URLs count as named by the user: the provider's key may go to them.
  bool trust_file_urls = false;
};

/// The spec of one cell of `experiment` under `overrides`.
RunSpec CellSpec(const ExperimentSpec& experiment, const ExperimentCell& cell,
                 const ExperimentOverrides& overrides);

/// Refuses a file whose base URLs carry credentials, or that names files (dataset, prices,
/// scenario folders) outside its own folder and `allowed_dirs`: a file from someone else cannot
/// make afbench read, and send to a model, what lies elsewhere.
Status CheckExperimentFile(const ExperimentSpec& experiment,
                           const std::vector<std::string>& allowed_dirs);

/// One cell's plan: the spec a Run would start with and its forecast.
struct CellPlan {
  ExperimentCell cell;
  RunSpec spec;
  std::string prompt_hash;
  CellForecast forecast;
  CellForecast judge_forecast;  ///< The cell's judge calls (none without a judge model).
};

/// Judge requests per Sample of a Run with a judge model: one per declared judge, the votes of
/// af-majority-vote.
int64_t JudgeCallsPerSample(const RunSpec& spec);

/// Validates and forecasts every cell: loads each scenario with its variations and the dataset
/// and renders every user turn, so that a broken cell fails before anything is sent.
Result<std::vector<CellPlan>> PlanCells(const std::vector<ExperimentCell>& cells,
                                        const std::vector<RunSpec>& specs,
                                        const RunContext& context, const PriceTable& prices);

/// What --plan checks each cell's size against: a compliance gap the paired test should detect,
/// with the design it assumes (the discordant share psi is a guess before any pilot run).
struct PowerCheck {
  double gap = 0.10;  ///< The scale of the paper's prompted gaps (11 to 26 points).
  PowerAssumptions assumptions;
};

/// The pairs of a cell that runs its queries in both the free and the paid Tier (queries x
/// epochs); 0 when it lacks either Tier.
int64_t PairsOf(const CellPlan& plan);

/// The --plan table: cells, samples, requests, tokens and cost, with totals; then, for the cells
/// with pairs, a warning for each that is too small to detect `check.gap` (PairsToDetectGap).
std::string PlanText(const std::vector<CellPlan>& plans, const PriceTable& prices,
                     const PowerCheck& check = {});

/// Identifies what a cell runs (settings and rendered prompt), so that resuming a cell whose
/// experiment file or scenario changed is refused.
std::string CellFingerprint(const RunSpec& spec, const std::string& prompt_hash);

/// How one cell ended.
struct CellOutcome {
  ExperimentCell cell;
  std::string completed_run_id;   ///< Set when the cell was already completed (not run again).
  std::optional<RunOutcome> run;  ///< When its Run started.
  std::optional<Error> error;     ///< When it could not start (refused, or failed at start).
};

/// How the experiment ended.
struct ExperimentOutcome {
  std::vector<CellOutcome> cells;  ///< The cells that ran or were skipped, in the order they ended.
  bool budget_exceeded = false;    ///< The limit was reached; the cells not begun were not run.
  double spent_usd = 0;            ///< Under a budget: the total, earlier invocations included.
};

/// How to run an experiment.
struct ExperimentRunOptions {
  std::string experiment_id;
  /// Dirs, environment, cancellation, observer. Its gate, cost_meter and prices are ignored: the
  /// experiment makes one gate per endpoint and its own meter.
  RunContext context;
  std::optional<double> max_cost_usd;  ///< The budget; every cell's model must then have a price.
  const PriceTable* prices = nullptr;  ///< Required with max_cost_usd.
  /// Called as each cell ends, from the thread of its endpoint, one call at a time.
  std::function<void(const CellOutcome&)> on_cell;
};

/// Runs (or resumes) every planned cell: one writer per experiment (its lease), cells already
/// completed skipped, changed cells refused before anything runs, the budget counting what the
/// experiment's earlier invocations spent. An error when nothing could run.
Result<ExperimentOutcome> RunExperiment(Store& store, std::vector<CellPlan> plans,
                                        const ExperimentRunOptions& options);

}  // namespace afbench
