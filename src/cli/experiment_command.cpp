#include "experiment_command.h"

#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "afbench/backends.h"
#include "afbench/lease.h"
#include "afbench/paths.h"
#include "exit_codes.h"

namespace afbench::cli {
namespace {

RunConfig CellConfig(const ExperimentSpec& spec, const ExperimentCell& cell,
                     const RunFlags& flags) {
  RunConfig config;
  config.model = cell.model.spec;
  config.base_url = cell.model.base_url;
  config.base_url_from_file = !cell.model.base_url.empty() && !flags.trust_file_urls;
  config.scenario.name_or_path = cell.scenario;
  config.variations = cell.variations;
  config.dataset = spec.dataset;
  config.tiers = spec.tiers;
  config.epochs = spec.epochs;
  config.sampling = spec.sampling;
  config.protocol = {spec.max_turns, false, spec.prefill};
  config.max_connections =
      cell.model.max_connections > 0 ? cell.model.max_connections : spec.max_connections;
  // Limits of the endpoint: one gate per endpoint carries them across its cells (RunGrid).
  config.requests_per_minute = flags.rpm;
  config.tokens_per_minute = flags.tpm;
  config.retry.max_attempts = flags.max_attempts;
  config.stream = flags.stream;
  if (!flags.judge.empty()) {
    config.judge_model = flags.judge;
    config.judge_base_url = flags.judge_base_url;
  } else if (spec.judge) {
    config.judge_model = spec.judge->spec;
    config.judge_base_url = spec.judge->base_url;
    config.judge_base_url_from_file = !spec.judge->base_url.empty() && !flags.trust_file_urls;
  }
  config.experiment_id = spec.id;
  config.experiment_cell = cell.key;
  config.experiment_cell_index = cell.index;
  return config;
}

Result<PriceTable> LoadPrices(const RunFlags& flags, const std::filesystem::path& from_file) {
  const std::filesystem::path path = flags.prices_file.empty() && !from_file.empty()
                                         ? from_file
                                         : ResolvePricesFile(flags.prices_file);
  return LoadPriceTable(path);
}

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
                     Store& store, const PriceTable& prices, CostMeter& meter) {
  for (CellPlan& plan : plans) {
    plan.config.experiment_fingerprint = CellFingerprint(plan.config, plan.prompt_hash);
    auto found = existing.find(plan.cell.key);
    if (found == existing.end()) continue;
    auto stored = RunConfigFromJson(found->second.config_json);
    if (!stored) return Unexpected{stored.error()};
    if (stored->experiment_fingerprint != plan.config.experiment_fingerprint) {
      return Fail(ErrorKind::kInvalidInput,
                  "experiment: cell '" + plan.cell.key + "' (run " + found->second.run_id +
                      ") was started with other settings or another prompt; give the changed "
                      "experiment a new name");
    }
    const ModelPrice* price = prices.Find(plan.config.model);
    if (found->second.status != "completed" || price == nullptr) continue;
    auto spent = StoredSpendUsd(store, found->second.run_id, *price, prices);
    if (!spent) return Unexpected{spent.error()};
    meter.AddSpent(*spent);
  }
  return {};
}

Status CheckPrices(const std::vector<CellPlan>& plans, const PriceTable& prices) {
  for (const CellPlan& plan : plans) {
    if (prices.Find(plan.config.model) == nullptr) {
      return Fail(ErrorKind::kInvalidInput,
                  "experiment: a budget is set but the price table has no price for '" +
                      plan.config.model + "' (cell '" + plan.cell.key +
                      "'); add one with --prices FILE or `prices:` in the experiment file");
    }
  }
  return {};
}

void WarnAboutBudget(const std::vector<CellPlan>& plans, double limit) {
  double expected = 0;
  for (const CellPlan& plan : plans) {
    expected += plan.forecast.cost_expected_usd.value_or(0) +
                plan.judge_forecast.cost_expected_usd.value_or(0);
  }
  if (expected > limit) {
    std::fprintf(stderr,
                 "afbench: the forecast ($%.2f expected) exceeds the budget of $%.2f; the "
                 "experiment will stop at the budget\n",
                 expected, limit);
  }
}

/// Everything the cell threads share.
struct GridContext {
  Store* store = nullptr;
  const RunInvocation* invocation = nullptr;
  const std::map<std::string, RunRecord>* existing = nullptr;
  CostMeter* meter = nullptr;
  const PriceTable* prices = nullptr;
  bool quiet = false;
  std::mutex mutex;
  std::vector<int> exit_codes;
};

void RunCell(GridContext& grid, const CellPlan& plan, const std::shared_ptr<RequestGate>& gate) {
  RunInvocation invocation = *grid.invocation;
  invocation.print_summary = false;
  invocation.quiet = grid.quiet;
  invocation.gate = gate;
  invocation.seed_given = plan.config.sampling.seed.has_value();
  if (grid.prices != nullptr) {  // Only under a budget: without one no price is required.
    invocation.cost_meter = grid.meter;
    invocation.prices = grid.prices;
  }
  auto found = grid.existing->find(plan.cell.key);
  if (found != grid.existing->end()) {
    if (found->second.status == "completed") {
      std::fprintf(stderr, "afbench: cell %d (%s): completed in run %s\n", plan.cell.index,
                   plan.cell.key.c_str(), found->second.run_id.c_str());
      return;
    }
    invocation.resume_run_id = found->second.run_id;
    // The experiment's limits hold for resumed cells too.
    invocation.resume_overrides.max_connections = plan.config.max_connections;
    invocation.resume_overrides.requests_per_minute = plan.config.requests_per_minute;
    invocation.resume_overrides.tokens_per_minute = plan.config.tokens_per_minute;
    invocation.resume_overrides.max_attempts = plan.config.retry.max_attempts;
  }
  std::fprintf(stderr, "afbench: cell %d (%s)\n", plan.cell.index, plan.cell.key.c_str());
  const int code = RunWithStore(*grid.store, plan.config, invocation);
  std::lock_guard lock(grid.mutex);
  grid.exit_codes.push_back(code);
}

bool ShouldStop(const GridContext& grid) {
  const std::atomic<bool>* cancel = grid.invocation->cancel;
  return (cancel != nullptr && cancel->load()) || grid.meter->Exceeded();
}

// Cells of one endpoint run one after another through one RequestGate, so the endpoint's
// connection limit holds across them; endpoints run at the same time.
void RunGrid(GridContext& grid, const std::vector<CellPlan>& plans) {
  std::map<std::string, std::vector<const CellPlan*>> by_endpoint;
  for (const CellPlan& plan : plans) by_endpoint[EndpointOf(plan.cell.model)].push_back(&plan);
  grid.quiet = grid.invocation->quiet || by_endpoint.size() > 1;
  std::vector<std::thread> threads;
  for (const auto& [endpoint, cells] : by_endpoint) {
    threads.emplace_back([&grid, cells = cells] {
      const RunConfig& first = cells.front()->config;
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

int GridExitCode(const GridContext& grid) {
  int code = kExitOk;
  for (int cell_code : grid.exit_codes) {
    if (cell_code == kExitInterrupted) return kExitInterrupted;
    if (cell_code != kExitOk) code = kExitFailure;
  }
  if (grid.meter->Exceeded()) {
    std::fprintf(stderr, "afbench: experiment stopped at its budget ($%.2f of $%.2f spent)\n",
                 grid.meter->TotalUsd(), grid.meter->limit_usd().value_or(0));
    return kExitFailure;
  }
  return code;
}

}  // namespace

namespace {

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

// The files the experiment names lie below its folder or a --allow-dir: a file from someone else
// cannot make afbench read (and send to a model) what lies elsewhere.
Status CheckFilePaths(const ExperimentSpec& spec, const RunFlags& flags) {
  std::vector<std::filesystem::path> roots = {spec.file.parent_path()};
  for (const std::string& dir : flags.allow_dirs) roots.emplace_back(dir);
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

int ExperimentRunCommand(const RunFlags& flags, const RunInvocation& invocation) {
  auto spec = LoadExperiment(flags.experiment_file);
  if (!spec) return ReportError(spec.error());
  if (Status urls = CheckFileUrls(*spec); !urls) return ReportError(urls.error());
  if (Status paths = CheckFilePaths(*spec, flags); !paths) return ReportError(paths.error());
  auto prices = LoadPrices(flags, spec->prices);
  if (!prices) return ReportError(prices.error());
  const std::vector<ExperimentCell> cells = ExpandCells(*spec);
  std::vector<RunConfig> configs;
  for (const ExperimentCell& cell : cells) configs.push_back(CellConfig(*spec, cell, flags));
  auto plans = PlanCells(cells, configs, invocation, *prices);
  if (!plans) return ReportError(plans.error());
  const std::string plan_text = PlanText(*plans, *prices);
  if (flags.plan) {
    std::fputs(plan_text.c_str(), stdout);
    return kExitOk;
  }
  std::fputs(plan_text.c_str(), stderr);
  const std::optional<double> limit = flags.max_cost_usd ? flags.max_cost_usd : spec->max_cost_usd;
  if (limit) {
    if (Status priced = CheckPrices(*plans, *prices); !priced) return ReportError(priced.error());
    WarnAboutBudget(*plans, *limit);
  }
  auto store = Store::Open(invocation.db_path);
  if (!store) return ReportError(store.error());
  // The same experiment started twice would create every cell's run twice: one writer.
  auto lease = Lease::Acquire(**store, "experiment/" + spec->id);
  if (!lease) return ReportError(lease.error());
  auto existing = ExistingCells(**store, spec->id);
  if (!existing) return ReportError(existing.error());
  CostMeter meter(limit);
  Status checked = CheckExisting(*plans, *existing, **store, *prices, meter);
  if (!checked) return ReportError(checked.error());
  GridContext grid;
  grid.store = store->get();
  grid.invocation = &invocation;
  grid.existing = &*existing;
  grid.meter = &meter;
  grid.prices = limit ? &*prices : nullptr;
  RunGrid(grid, *plans);
  auto rows = SummarizeExperiment(**store, spec->id, cells);
  if (rows) std::fputs(ExperimentTableText(spec->id, *rows).c_str(), stdout);
  return GridExitCode(grid);
}

int RunWithPlanOrBudget(RunConfig config, const RunFlags& flags, RunInvocation invocation) {
  auto prices = LoadPriceTable(ResolvePricesFile(flags.prices_file));
  if (!prices) return ReportError(prices.error());
  if (flags.plan) {
    if (!flags.resume.empty()) {
      return ReportError({ErrorKind::kInvalidInput, "run: --plan: a resumed run has no plan", {}});
    }
    ExperimentCell cell;
    cell.key = config.model + " | " + config.scenario.name_or_path + " | " +
               VariationLabel(config.variations);
    cell.model.spec = config.model;
    auto plans = PlanCells({cell}, {config}, invocation, *prices);
    if (!plans) return ReportError(plans.error());
    std::fputs(PlanText(*plans, *prices).c_str(), stdout);
    return kExitOk;
  }
  CostMeter meter(flags.max_cost_usd);
  invocation.cost_meter = &meter;
  invocation.prices = &*prices;
  return RunCommand(std::move(config), invocation);
}

}  // namespace afbench::cli
