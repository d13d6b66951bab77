// `afbench run experiment.yaml`, `--plan`, `--max-cost-usd`, `afbench summary --experiment`, and
// a Run's summary that says "needs judge" instead of guessing. The experiment itself runs in the
// library (afbench/experiment_run.h); this file parses, calls and prints.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "afbench/experiment_run.h"
#include "commands.h"
#include "run_command.h"
#include "run_options.h"

namespace afbench::cli {

/// Runs (or resumes) every cell of flags.experiment_file, or with --plan prints its forecast.
int ExperimentRunCommand(const RunFlags& flags, const RunInvocation& invocation);
/// A single Run with --plan (forecast only) or --max-cost-usd (a budget).
int RunWithPlanOrBudget(RunSpec config, const RunFlags& flags, RunInvocation invocation);

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
}  // namespace afbench::cli
