// Planning experiment cells: every cell is loaded, rendered and forecast before anything is sent.
#include <nlohmann/json.hpp>

#include <cstdio>

#include "afbench/hash.h"
#include "experiment_command.h"

namespace afbench::cli {
namespace {

std::string WithThousands(int64_t value) {
  std::string digits = std::to_string(value);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) {
    digits.insert(static_cast<size_t>(at), ",");
  }
  return digits;
}

std::string Usd(const std::optional<double>& usd) {
  if (!usd) return "no price";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f", *usd);
  return buffer;
}

Result<CellPlan> PlanCell(const ExperimentCell& cell, RunConfig config,
                          const RunInvocation& invocation, const PriceTable& prices) {
  config.scenario.scenarios_dir = invocation.scenarios_dir;
  auto inputs = LoadCellInputs(
      {config.scenario, config.variations, invocation.variations_dir, config.dataset});
  if (!inputs) return Unexpected{WithContext(inputs.error(), "cell '" + cell.key + "'")};
  ApplyCellInputs(*inputs, config);
  std::vector<StoredQuery> queries;
  for (const Query& query : inputs->dataset.queries) {
    queries.push_back({query.index, query.text, query.source_line});
  }
  const std::vector<PlannedSample> plan = BuildPlan(config, queries);
  config.planned_samples = static_cast<int64_t>(plan.size());
  ForecastInput input;
  input.system_prompt_chars = inputs->varied.scenario.system_prompt.size();
  for (const PlannedSample& sample : plan) input.user_turn_chars.push_back(sample.user_turn.size());
  input.max_turns = config.protocol.max_turns;
  input.max_tokens = config.sampling.max_tokens;
  input.no_cot = config.protocol.no_cot;
  CellPlan out{cell, config, inputs->varied.scenario.prompt_hash, {}};
  out.forecast = ForecastCell(input, prices.assumptions, prices.Find(config.model));
  return out;
}

}  // namespace

Result<std::vector<CellPlan>> PlanCells(const std::vector<ExperimentCell>& cells,
                                        const std::vector<RunConfig>& configs,
                                        const RunInvocation& invocation, const PriceTable& prices) {
  std::vector<CellPlan> plans;
  for (size_t i = 0; i < cells.size(); ++i) {
    auto plan = PlanCell(cells[i], configs[i], invocation, prices);
    if (!plan) return Unexpected{plan.error()};
    plans.push_back(std::move(*plan));
  }
  return plans;
}

std::string PlanText(const std::vector<CellPlan>& plans, const PriceTable& prices) {
  size_t width = 4;
  for (const CellPlan& plan : plans) width = std::max(width, plan.cell.key.size());
  const int w = static_cast<int>(width);
  char line[1024];
  std::snprintf(line, sizeof(line),
                "plan: %zu cell(s); forecast with prices as of %s, tokens = characters / %.1f, "
                "%d turn(s) of %d tokens expected per scratchpad sample\n",
                plans.size(), prices.as_of.c_str(), prices.assumptions.chars_per_token,
                prices.assumptions.turns_per_sample, prices.assumptions.output_tokens_per_turn);
  std::string out = line;
  std::snprintf(line, sizeof(line), "%-3s %-*s %8s %15s %14s %14s %19s\n", "#", w, "cell",
                "samples", "requests exp/max", "input tok exp", "output tok exp", "USD expected/max");
  out += line;
  CellForecast total;
  double usd_expected = 0;
  double usd_max = 0;
  int unpriced = 0;
  for (const CellPlan& plan : plans) {
    const CellForecast& f = plan.forecast;
    const std::string requests =
        std::to_string(f.requests_expected) + "/" + std::to_string(f.requests_max);
    const std::string usd = Usd(f.cost_expected_usd) + "/" + Usd(f.cost_max_usd);
    std::snprintf(line, sizeof(line), "%-3d %-*s %8lld %15s %14s %14s %19s\n", plan.cell.index, w,
                  plan.cell.key.c_str(), static_cast<long long>(f.samples), requests.c_str(),
                  WithThousands(f.tokens_expected.input_tokens).c_str(),
                  WithThousands(f.tokens_expected.output_tokens).c_str(), usd.c_str());
    out += line;
    total.samples += f.samples;
    total.requests_expected += f.requests_expected;
    total.requests_max += f.requests_max;
    total.tokens_expected += f.tokens_expected;
    usd_expected += f.cost_expected_usd.value_or(0);
    usd_max += f.cost_max_usd.value_or(0);
    if (!f.cost_expected_usd) ++unpriced;
  }
  const std::string requests =
      std::to_string(total.requests_expected) + "/" + std::to_string(total.requests_max);
  const std::string usd = Usd(usd_expected) + "/" + Usd(usd_max);
  std::snprintf(line, sizeof(line), "%-3s %-*s %8lld %15s %14s %14s %19s\n", "", w, "total",
                static_cast<long long>(total.samples), requests.c_str(),
                WithThousands(total.tokens_expected.input_tokens).c_str(),
                WithThousands(total.tokens_expected.output_tokens).c_str(), usd.c_str());
  out += line;
  if (unpriced > 0) {
    out += std::to_string(unpriced) +
           " cell(s) have no price in the price table and are not in the USD totals.\n";
  }
  return out;
}

std::string CellFingerprint(const RunConfig& config, const std::string& prompt_hash) {
  nlohmann::ordered_json what = {
      {"model", config.model},
      {"base_url", config.base_url},
      {"scenario", config.scenario.name_or_path},
      {"variables", config.scenario.variables},
      {"variations", config.variations},
      {"dataset", {config.dataset.path, config.dataset.field, config.dataset.format,
                   config.dataset.limit, config.dataset.seed ? nlohmann::json(*config.dataset.seed)
                                                             : nlohmann::json(),
                   config.dataset.deduplicate}},
      {"tiers", config.tiers.size()},
      {"epochs", config.epochs},
      {"sampling", {config.sampling.temperature, config.sampling.max_tokens,
                    config.sampling.seed ? nlohmann::json(*config.sampling.seed) : nlohmann::json()}},
      {"protocol", {config.protocol.max_turns, config.protocol.no_cot, config.protocol.prefill}},
      {"prompt_hash", prompt_hash}};
  for (Tier tier : config.tiers) what["tier_names"].push_back(TierName(tier));
  return Sha256Hex(what.dump());
}

}  // namespace afbench::cli
