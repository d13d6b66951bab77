#include "afbench/experiment_run.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "afbench/backends.h"
#include "afbench/lease.h"
#include "afbench/paths.h"

namespace afbench {
namespace {

/// The newest Run of each cell of experiment `id`.
Result<std::map<std::string, RunRecord>> ExistingCells(Store& store, const std::string& id) {
  auto runs = store.ListRuns();
  if (!runs) return Unexpected{runs.error()};
  std::map<std::string, RunRecord> cells;
  for (const RunRecord& run : *runs) {
    const RunTags tags = ReadRunTags(run.config_json);
    if (tags.experiment_id == id) cells.emplace(tags.cell_key, run);
  }
  return cells;
}

/// Refuses to resume a cell whose settings or prompt changed since it started, and counts the
/// spend of the cells already run.
Status CheckExisting(std::vector<CellPlan>& plans, const std::map<std::string, RunRecord>& existing,
                     Store& store, const PriceTable* prices, CostMeter& meter) {
  for (CellPlan& plan : plans) {
    plan.spec.experiment_fingerprint = CellFingerprint(plan.spec, plan.prompt_hash);
    auto found = existing.find(plan.cell.key);
    if (found == existing.end()) continue;
    auto stored = RunSpecFromJson(found->second.config_json);
    if (!stored) return Unexpected{stored.error()};
    if (stored->experiment_fingerprint != plan.spec.experiment_fingerprint) {
      return Fail(ErrorKind::kInvalidInput,
                  "experiment: cell '" + plan.cell.key + "' (run " + found->second.run_id +
                      ") was started with other settings or another prompt; give the changed "
                      "experiment a new name");
    }
    const ModelPrice* price = prices != nullptr ? prices->Find(plan.spec.model) : nullptr;
    if (found->second.status != "completed" || price == nullptr) continue;
    auto spent = StoredSpendUsd(store, found->second.run_id, *price, *prices);
    if (!spent) return Unexpected{spent.error()};
    meter.AddSpent(*spent);
  }
  return {};
}

Status CheckPrices(const std::vector<CellPlan>& plans, const PriceTable* prices) {
  for (const CellPlan& plan : plans) {
    if (prices == nullptr || prices->Find(plan.spec.model) == nullptr) {
      return Fail(ErrorKind::kInvalidInput,
                  "experiment: a budget is set but the price table has no price for '" +
                      plan.spec.model + "' (cell '" + plan.cell.key +
                      "'); add one with --prices FILE or `prices:` in the experiment file");
    }
  }
  return {};
}

void WarnAboutBudget(const std::vector<CellPlan>& plans, double limit, RunObserver* observer) {
  double expected = 0;
  for (const CellPlan& plan : plans) {
    expected += plan.forecast.cost_expected_usd.value_or(0) +
                plan.judge_forecast.cost_expected_usd.value_or(0);
  }
  if (expected <= limit || observer == nullptr) return;
  char line[160];
  std::snprintf(line, sizeof(line),
                "the forecast ($%.2f expected) exceeds the budget of $%.2f; the experiment will "
                "stop at the budget",
                expected, limit);
  observer->Notice(line);
}

/// Everything the cell threads share.
struct Grid {
  Store* store = nullptr;
  const ExperimentRunOptions* options = nullptr;
  const std::map<std::string, RunRecord>* existing = nullptr;
  CostMeter* meter = nullptr;
  std::mutex mutex;
  ExperimentOutcome outcome;

  void Notice(const std::string& line) const {
    if (options->context.observer != nullptr) options->context.observer->Notice(line);
  }
  void Ended(CellOutcome cell) {
    std::lock_guard lock(mutex);
    if (options->on_cell) options->on_cell(cell);
    outcome.cells.push_back(std::move(cell));
  }
};

// The experiment's limits hold for resumed cells too.
ResumeOverrides CellLimits(const RunSpec& spec) {
  ResumeOverrides limits;
  limits.max_connections = spec.max_connections;
  limits.requests_per_minute = spec.requests_per_minute;
  limits.tokens_per_minute = spec.tokens_per_minute;
  limits.max_attempts = spec.retry.max_attempts;
  return limits;
}

void RunCell(Grid& grid, const CellPlan& plan, const std::shared_ptr<RequestGate>& gate) {
  RunContext context = grid.options->context;
  context.gate = gate;
  context.cost_meter = nullptr;
  context.prices = nullptr;
  if (grid.options->max_cost_usd) {  // Only under a budget: without one no price is required.
    context.cost_meter = grid.meter;
    context.prices = grid.options->prices;
  }
  CellOutcome ended{plan.cell, "", std::nullopt, std::nullopt};
  auto found = grid.existing->find(plan.cell.key);
  if (found != grid.existing->end() && found->second.status == "completed") {
    grid.Notice("cell " + std::to_string(plan.cell.index) + " (" + plan.cell.key +
                "): completed in run " + found->second.run_id);
    ended.completed_run_id = found->second.run_id;
    grid.Ended(std::move(ended));
    return;
  }
  grid.Notice("cell " + std::to_string(plan.cell.index) + " (" + plan.cell.key + ")");
  auto run = found != grid.existing->end()
                 ? ResumeRun(*grid.store, found->second.run_id, CellLimits(plan.spec), context)
                 : StartRun(*grid.store, plan.spec, context);
  if (run) {
    ended.run = std::move(*run);
  } else {
    ended.error = run.error();
  }
  grid.Ended(std::move(ended));
}

bool ShouldStop(const Grid& grid) {
  const std::atomic<bool>* cancel = grid.options->context.cancel;
  return (cancel != nullptr && cancel->load()) || grid.meter->Exceeded();
}

// Cells of one endpoint run one after another through one RequestGate, so the endpoint's
// connection limit holds across them; endpoints run at the same time.
void RunGrid(Grid& grid, const std::vector<CellPlan>& plans) {
  std::map<std::string, std::vector<const CellPlan*>> by_endpoint;
  for (const CellPlan& plan : plans) by_endpoint[EndpointOf(plan.cell.model)].push_back(&plan);
  std::vector<std::thread> threads;
  for (const auto& [endpoint, cells] : by_endpoint) {
    threads.emplace_back([&grid, cells = cells] {
      const RunSpec& first = cells.front()->spec;
      auto gate = std::make_shared<RequestGate>(
          RequestGateOptions{first.max_connections, first.requests_per_minute,
                             first.tokens_per_minute, std::chrono::milliseconds(2000)});
      for (const CellPlan* plan : cells) {
        if (ShouldStop(grid)) return;
        RunCell(grid, *plan, gate);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
}

// The file's base URLs are checked before anything prints them: credentials in one are refused.
Status CheckFileUrls(const ExperimentSpec& spec) {
  std::vector<ExperimentModel> models = spec.models;
  if (spec.judge) models.push_back(*spec.judge);
  for (const ExperimentModel& model : models) {
    if (model.base_url.empty()) continue;
    Status url = CheckBaseUrl(model.base_url);
    if (!url) {
      return Fail(WithContext(url.error(), "experiment: " + spec.file.string() + ": model " +
                                               model.label + ": base_url"));
    }
  }
  return {};
}

Status CheckFilePaths(const ExperimentSpec& spec, const std::vector<std::string>& allowed_dirs) {
  std::vector<std::filesystem::path> roots = {spec.file.parent_path()};
  for (const std::string& dir : allowed_dirs) roots.emplace_back(dir);
  std::vector<std::pair<std::string, std::filesystem::path>> named;
  if (!spec.dataset.path.empty()) named.emplace_back("dataset", spec.dataset.path);
  if (!spec.prices.empty()) named.emplace_back("prices", spec.prices);
  for (const std::string& scenario : spec.scenarios) {
    if (scenario.find('/') != std::string::npos) named.emplace_back("scenarios", scenario);
  }
  for (const auto& [field, path] : named) {
    auto below = PathBelow(roots, spec.file.parent_path(), path);
    if (!below) {
      return Fail(WithContext(below.error(), "experiment: " + spec.file.string() + ": " + field));
    }
  }
  return {};
}

}  // namespace

RunSpec CellSpec(const ExperimentSpec& experiment, const ExperimentCell& cell,
                 const ExperimentOverrides& overrides) {
  RunSpec spec;
  spec.model = cell.model.spec;
  spec.base_url = cell.model.base_url;
  spec.base_url_from_file = !cell.model.base_url.empty() && !overrides.trust_file_urls;
  spec.scenario.name_or_path = cell.scenario;
  spec.variations = cell.variations;
  spec.dataset = experiment.dataset;
  spec.tiers = experiment.tiers;
  spec.epochs = experiment.epochs;
  spec.sampling = experiment.sampling;
  spec.protocol = {experiment.max_turns, false, experiment.prefill};
  spec.max_connections =
      cell.model.max_connections > 0 ? cell.model.max_connections : experiment.max_connections;
  // Limits of the endpoint: one gate per endpoint carries them across its cells (RunGrid).
  spec.requests_per_minute = overrides.requests_per_minute;
  spec.tokens_per_minute = overrides.tokens_per_minute;
  spec.retry.max_attempts = overrides.max_attempts;
  spec.stream = overrides.stream;
  if (!overrides.judge_model.empty()) {
    spec.judge_model = overrides.judge_model;
    spec.judge_base_url = overrides.judge_base_url;
  } else if (experiment.judge) {
    spec.judge_model = experiment.judge->spec;
    spec.judge_base_url = experiment.judge->base_url;
    spec.judge_base_url_from_file =
        !experiment.judge->base_url.empty() && !overrides.trust_file_urls;
  }
  spec.experiment_id = experiment.id;
  spec.experiment_cell = cell.key;
  spec.experiment_cell_index = cell.index;
  return spec;
}

Status CheckExperimentFile(const ExperimentSpec& experiment,
                           const std::vector<std::string>& allowed_dirs) {
  AFBENCH_RETURN_IF_ERROR(CheckFileUrls(experiment));
  return CheckFilePaths(experiment, allowed_dirs);
}

Result<ExperimentOutcome> RunExperiment(Store& store, std::vector<CellPlan> plans,
                                        const ExperimentRunOptions& options) {
  if (options.max_cost_usd) {
    AFBENCH_RETURN_IF_ERROR(CheckPrices(plans, options.prices));
    WarnAboutBudget(plans, *options.max_cost_usd, options.context.observer);
  }
  // The same experiment started twice would create every cell's run twice: one writer.
  auto lease = Lease::Acquire(store, "experiment/" + options.experiment_id);
  if (!lease) return Unexpected{lease.error()};
  auto existing = ExistingCells(store, options.experiment_id);
  if (!existing) return Unexpected{existing.error()};
  CostMeter meter(options.max_cost_usd);
  AFBENCH_RETURN_IF_ERROR(CheckExisting(plans, *existing, store, options.prices, meter));
  Grid grid;
  grid.store = &store;
  grid.options = &options;
  grid.existing = &*existing;
  grid.meter = &meter;
  RunGrid(grid, plans);
  grid.outcome.budget_exceeded = meter.Exceeded();
  grid.outcome.spent_usd = meter.TotalUsd();
  return std::move(grid.outcome);
}

}  // namespace afbench
