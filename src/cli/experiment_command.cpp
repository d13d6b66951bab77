#include "experiment_command.h"

#include <cstdio>
#include <set>

#include "exit_codes.h"

namespace afbench::cli {
namespace {

Result<PriceTable> LoadPrices(const RunFlags& flags, const std::filesystem::path& from_file) {
  const std::filesystem::path path = flags.prices_file.empty() && !from_file.empty()
                                         ? from_file
                                         : ResolvePricesFile(flags.prices_file);
  return LoadPriceTable(path);
}

ExperimentOverrides OverridesFromFlags(const RunFlags& flags) {
  ExperimentOverrides overrides;
  overrides.requests_per_minute = flags.rpm;
  overrides.tokens_per_minute = flags.tpm;
  overrides.max_attempts = flags.max_attempts;
  overrides.stream = flags.stream;
  overrides.judge_model = flags.judge;
  overrides.judge_base_url = flags.judge_base_url;
  overrides.trust_file_urls = flags.trust_file_urls;
  return overrides;
}

// Progress lines of cells on different endpoints would interleave: one endpoint shows them.
bool OneEndpoint(const std::vector<CellPlan>& plans) {
  std::set<std::string> endpoints;
  for (const CellPlan& plan : plans) endpoints.insert(EndpointOf(plan.cell.model));
  return endpoints.size() <= 1;
}

int GridExitCode(const ExperimentOutcome& outcome, const std::optional<double>& limit) {
  int code = kExitOk;
  for (const CellOutcome& cell : outcome.cells) {
    const int cell_code = cell.run     ? RunExitCode(*cell.run)
                          : cell.error ? ExitCodeFor(*cell.error)
                                       : kExitOk;
    if (cell_code == kExitInterrupted) return kExitInterrupted;
    if (cell_code != kExitOk) code = kExitFailure;
  }
  if (outcome.budget_exceeded) {
    std::fprintf(stderr, "afbench: experiment stopped at its budget ($%.2f of $%.2f spent)\n",
                 outcome.spent_usd, limit.value_or(0));
    return kExitFailure;
  }
  return code;
}

}  // namespace

int ExperimentRunCommand(const RunFlags& flags, const RunInvocation& invocation) {
  auto spec = LoadExperiment(flags.experiment_file);
  if (!spec) return ReportError(spec.error());
  if (Status file = CheckExperimentFile(*spec, flags.allow_dirs); !file) {
    return ReportError(file.error());
  }
  auto prices = LoadPrices(flags, spec->prices);
  if (!prices) return ReportError(prices.error());
  const std::vector<ExperimentCell> cells = ExpandCells(*spec);
  std::vector<RunSpec> specs;
  for (const ExperimentCell& cell : cells) {
    specs.push_back(CellSpec(*spec, cell, OverridesFromFlags(flags)));
  }
  auto plans = PlanCells(cells, specs, invocation.context, *prices);
  if (!plans) return ReportError(plans.error());
  const std::string plan_text = PlanText(*plans, *prices, flags.power_check);
  if (flags.plan) {
    std::fputs(plan_text.c_str(), stdout);
    return kExitOk;
  }
  std::fputs(plan_text.c_str(), stderr);
  auto store = Store::Open(invocation.db_path);
  if (!store) return ReportError(store.error());
  StderrObserver observer(invocation.db_path, invocation.quiet || !OneEndpoint(*plans));
  ExperimentRunOptions options;
  options.experiment_id = spec->id;
  options.context = invocation.context;
  options.context.observer = &observer;
  options.max_cost_usd = flags.max_cost_usd ? flags.max_cost_usd : spec->max_cost_usd;
  options.prices = &*prices;
  options.on_cell = [](const CellOutcome& cell) {
    if (cell.error) ReportError(*cell.error);
  };
  auto outcome = RunExperiment(**store, std::move(*plans), options);
  if (!outcome) return ReportError(outcome.error());
  auto rows = SummarizeExperiment(**store, spec->id, cells);
  if (rows) std::fputs(ExperimentTableText(spec->id, *rows).c_str(), stdout);
  return GridExitCode(*outcome, options.max_cost_usd);
}

int RunWithPlanOrBudget(RunSpec config, const RunFlags& flags, RunInvocation invocation) {
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
    auto plans = PlanCells({cell}, {config}, invocation.context, *prices);
    if (!plans) return ReportError(plans.error());
    std::fputs(PlanText(*plans, *prices, flags.power_check).c_str(), stdout);
    return kExitOk;
  }
  CostMeter meter(flags.max_cost_usd);
  invocation.context.cost_meter = &meter;
  invocation.context.prices = &*prices;
  return RunCommand(std::move(config), invocation);
}

}  // namespace afbench::cli
