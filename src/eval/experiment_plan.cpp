// Planning experiment cells: every cell is loaded, rendered and forecast before anything is sent.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "afbench/experiment_run.h"
#include "afbench/hash.h"
#include "afbench/judges.h"
#include "afbench/text.h"

namespace afbench {
namespace {

std::string WithThousands(int64_t value) {
  const std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    const size_t left = digits.size() - i;
    if (i > 0 && left % 3 == 0 && digits[i - 1] != '-') out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Usd(const std::optional<double>& usd) {
  if (!usd) return "no price";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f", *usd);
  return buffer;
}

std::string PlanRow(const std::string& index, const std::string& key, const CellForecast& f,
                    size_t width) {
  const std::string requests =
      std::to_string(f.requests_expected) + "/" + std::to_string(f.requests_max);
  const std::string usd = Usd(f.cost_expected_usd) + "/" + Usd(f.cost_max_usd);
  char line[1024];
  std::snprintf(line, sizeof(line), "%-3s %-*s %8lld %17s %14s %14s %19s\n", index.c_str(),
                static_cast<int>(width), key.c_str(), static_cast<long long>(f.samples),
                requests.c_str(), WithThousands(f.tokens_expected.input_tokens).c_str(),
                WithThousands(f.tokens_expected.output_tokens).c_str(), usd.c_str());
  return line;
}

void AddForecast(CellForecast& total, const CellForecast& add, int& unpriced) {
  total.samples += add.samples;
  total.requests_expected += add.requests_expected;
  total.requests_max += add.requests_max;
  total.tokens_expected += add.tokens_expected;
  if (!add.cost_expected_usd) {
    ++unpriced;
    return;
  }
  total.cost_expected_usd = total.cost_expected_usd.value_or(0) + *add.cost_expected_usd;
  total.cost_max_usd = total.cost_max_usd.value_or(0) + *add.cost_max_usd;
}

Result<CellPlan> PlanCell(const ExperimentCell& cell, RunSpec spec, const RunContext& context,
                          const PriceTable& prices) {
  spec.scenario.scenarios_dir = context.scenarios_dir;
  auto inputs =
      LoadCellInputs({spec.scenario, spec.variations, context.variations_dir, spec.dataset});
  if (!inputs) return Unexpected{WithContext(inputs.error(), "cell '" + cell.key + "'")};
  if (Status applied = ApplyCellInputs(*inputs, spec); !applied) {
    return Unexpected{WithContext(applied.error(), "cell '" + cell.key + "'")};
  }
  std::vector<StoredQuery> queries;
  for (const Query& query : inputs->dataset.queries) {
    queries.push_back({query.index, query.text, query.source_line});
  }
  const std::vector<PlannedSample> plan = BuildPlan(spec, queries);
  spec.planned_samples = static_cast<int64_t>(plan.size());
  ForecastInput input;
  input.system_prompt_chars = inputs->varied.scenario.system_prompt.size();
  for (const PlannedSample& sample : plan) input.user_turn_chars.push_back(sample.user_turn.size());
  input.max_turns = spec.protocol.max_turns;
  input.max_tokens = spec.sampling.max_tokens;
  input.no_cot = spec.protocol.no_cot;
  CellPlan out{cell, spec, inputs->varied.scenario.prompt_hash, {}, {}};
  out.forecast = ForecastCell(input, prices.assumptions, prices.Find(spec.model));
  if (!spec.judge_model.empty()) {
    const JudgeForecastInput judges{spec.planned_samples, JudgeCallsPerSample(spec),
                                    JudgeOptions{}.max_tokens};
    out.judge_forecast =
        ForecastJudgeCalls(judges, prices.assumptions, prices.Find(spec.judge_model));
  }
  return out;
}

std::string SmallCellWarning(const CellPlan& plan, int64_t pairs, const PowerCheck& check) {
  const auto smallest = SmallestDetectableGap(pairs, check.assumptions);
  const std::string what = smallest
                               ? "detect only gaps of " + PointsText(*smallest) + " points or more"
                               : "are too few to detect any gap";
  return "warning: cell '" + plan.cell.key + "': " + WithThousands(pairs) + " pairs " + what + "\n";
}

// The paired-test power of every cell with both the free and the paid Tier against check.gap.
std::string PowerLines(const std::vector<CellPlan>& plans, const PowerCheck& check) {
  std::string warnings;
  bool any_pairs = false;
  const auto needed = PairsToDetectGap(check.gap, check.assumptions);
  for (const CellPlan& plan : plans) {
    const int64_t pairs = PairsOf(plan);
    any_pairs = any_pairs || pairs > 0;
    if (pairs > 0 && (!needed || pairs < *needed)) warnings += SmallCellWarning(plan, pairs, check);
  }
  if (!any_pairs) return "";
  const PowerAssumptions& a = check.assumptions;
  char line[512];
  std::snprintf(line, sizeof(line),
                "power: McNemar's paired test at alpha %.3g with %.0f%% power, assuming %s%% of "
                "pairs differ between the tiers: a %s-point gap needs %s pairs%s\n",
                a.alpha, 100 * a.power, PointsText(a.discordant).c_str(),
                PointsText(check.gap).c_str(),
                needed ? WithThousands(*needed).c_str() : "more than any",
                warnings.empty() ? "; every cell has them" : "");
  return line + warnings;
}

}  // namespace

int64_t PairsOf(const CellPlan& plan) {
  const std::vector<Tier>& tiers = plan.spec.tiers;
  const bool paired = std::find(tiers.begin(), tiers.end(), Tier::kFree) != tiers.end() &&
                      std::find(tiers.begin(), tiers.end(), Tier::kPaid) != tiers.end();
  return paired ? plan.forecast.samples / static_cast<int64_t>(tiers.size()) : 0;
}

int64_t JudgeCallsPerSample(const RunSpec& spec) {
  std::vector<std::string> ids = spec.judges;
  if (spec.compliance.NeedsJudge()) ids.push_back(spec.compliance.Classifier());
  int64_t calls = 0;
  for (const std::string& id : ids) {
    const ClassifierInfo* info = FindClassifier(id);
    calls += info != nullptr && info->votes ? JudgeOptions{}.votes : 1;
  }
  return calls;
}

Result<std::vector<CellPlan>> PlanCells(const std::vector<ExperimentCell>& cells,
                                        const std::vector<RunSpec>& specs,
                                        const RunContext& context, const PriceTable& prices) {
  std::vector<CellPlan> plans;
  for (size_t i = 0; i < cells.size(); ++i) {
    auto plan = PlanCell(cells[i], specs[i], context, prices);
    if (!plan) return Unexpected{plan.error()};
    plans.push_back(std::move(*plan));
  }
  return plans;
}

std::string CellFingerprint(const RunSpec& spec, const std::string& prompt_hash) {
  nlohmann::ordered_json what = {
      {"model", spec.model},
      {"base_url", spec.base_url},
      {"scenario", spec.scenario.name_or_path},
      {"variables", spec.scenario.variables},
      {"variations", spec.variations},
      {"dataset",
       {spec.dataset.path, spec.dataset.field, spec.dataset.format, spec.dataset.limit,
        spec.dataset.seed ? nlohmann::json(*spec.dataset.seed) : nlohmann::json(),
        spec.dataset.deduplicate}},
      {"tiers", spec.tiers.size()},
      {"epochs", spec.epochs},
      {"sampling",
       {spec.sampling.temperature, spec.sampling.max_tokens,
        spec.sampling.seed ? nlohmann::json(*spec.sampling.seed) : nlohmann::json()}},
      {"protocol", {spec.protocol.max_turns, spec.protocol.no_cot, spec.protocol.prefill}},
      {"prompt_hash", prompt_hash}};
  for (Tier tier : spec.tiers) what["tier_names"].push_back(TierName(tier));
  return Sha256Hex(what.dump());
}

std::string PlanText(const std::vector<CellPlan>& plans, const PriceTable& prices,
                     const PowerCheck& check) {
  size_t width = 5;
  for (const CellPlan& plan : plans) width = std::max(width, plan.cell.key.size());
  char line[1024];
  std::snprintf(line, sizeof(line),
                "plan: %zu cell(s); forecast with prices as of %s, tokens = characters / %.1f, "
                "%d turn(s) of %d tokens expected per scratchpad sample\n",
                plans.size(), prices.as_of.c_str(), prices.assumptions.chars_per_token,
                prices.assumptions.turns_per_sample, prices.assumptions.output_tokens_per_turn);
  std::string out = line;
  std::snprintf(line, sizeof(line), "%-3s %-*s %8s %17s %14s %14s %19s\n", "#",
                static_cast<int>(width), "cell", "samples", "requests exp/max", "input tok exp",
                "output tok exp", "USD expected/max");
  out += line;
  CellForecast total;
  int unpriced = 0;
  for (const CellPlan& plan : plans) {
    out += PlanRow(std::to_string(plan.cell.index), plan.cell.key, plan.forecast, width);
    AddForecast(total, plan.forecast, unpriced);
    if (plan.judge_forecast.requests_expected == 0) continue;
    out += PlanRow("", "+ judge " + plan.spec.judge_model, plan.judge_forecast, width);
    CellForecast judge = plan.judge_forecast;
    judge.samples = 0;  // the cell's Samples, counted once
    AddForecast(total, judge, unpriced);
  }
  out += PlanRow("", "total", total, width);
  if (unpriced > 0) {
    out += std::to_string(unpriced) +
           " row(s) have no price in the price table and are not in the USD totals.\n";
  }
  return out + PowerLines(plans, check);
}

}  // namespace afbench
