// The price table, cost forecasts and the budget meter.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "afbench/experiment.h"
#include "yaml_util.h"

namespace afbench {
namespace {

using experiment_internal::YamlContext;
using experiment_internal::YamlError;

constexpr double kPerMillion = 1e6;
constexpr size_t kNextMessageChars = 7;  // "<NEXT/>", sent before every turn after the first.

Result<ModelPrice> ReadPrice(const YamlContext& context, const YAML::Node& node) {
  AFBENCH_RETURN_IF_ERROR(experiment_internal::CheckYamlKeys(
      context, node, {"model", "input", "output", "cache_read", "cache_write"}));
  for (const char* key : {"model", "input", "output"}) {
    if (!node[key]) return YamlError(context, node, std::string("a price needs '") + key + "'");
  }
  ModelPrice price;
  price.pattern = node["model"].as<std::string>();
  price.input_per_mtok = node["input"].as<double>();
  price.output_per_mtok = node["output"].as<double>();
  price.cache_read_per_mtok = node["cache_read"] ? node["cache_read"].as<double>() : 0;
  price.cache_write_per_mtok = node["cache_write"] ? node["cache_write"].as<double>() : 0;
  if (price.input_per_mtok < 0 || price.output_per_mtok < 0 || price.cache_read_per_mtok < 0 ||
      price.cache_write_per_mtok < 0) {
    return YamlError(context, node, "prices must be >= 0");
  }
  return price;
}

Status ReadAssumptions(const YamlContext& context, const YAML::Node& node,
                       ForecastAssumptions& assumptions) {
  AFBENCH_RETURN_IF_ERROR(experiment_internal::CheckYamlKeys(
      context, node, {"chars_per_token", "output_tokens_per_turn", "turns_per_sample"}));
  if (node["chars_per_token"]) assumptions.chars_per_token = node["chars_per_token"].as<double>();
  if (node["output_tokens_per_turn"]) {
    assumptions.output_tokens_per_turn = node["output_tokens_per_turn"].as<int>();
  }
  if (node["turns_per_sample"]) assumptions.turns_per_sample = node["turns_per_sample"].as<int>();
  if (assumptions.chars_per_token <= 0 || assumptions.output_tokens_per_turn < 0 ||
      assumptions.turns_per_sample < 1) {
    return YamlError(context, node, "assumptions must be positive");
  }
  return {};
}

Result<PriceTable> ParseRoot(const YamlContext& context, const YAML::Node& root) {
  AFBENCH_RETURN_IF_ERROR(
      experiment_internal::CheckYamlKeys(context, root, {"as_of", "assumptions", "prices"}));
  PriceTable table;
  if (root["as_of"]) table.as_of = root["as_of"].as<std::string>();
  if (root["assumptions"]) {
    AFBENCH_RETURN_IF_ERROR(ReadAssumptions(context, root["assumptions"], table.assumptions));
  }
  if (const YAML::Node prices = root["prices"]) {
    if (!prices.IsSequence()) return YamlError(context, prices, "'prices' must be a list");
    for (const YAML::Node& item : prices) {
      auto price = ReadPrice(context, item);
      if (!price) return Unexpected{price.error()};
      table.prices.push_back(std::move(*price));
    }
  }
  return table;
}

/// Input and output tokens of one Sample of `turns` turns with replies of `reply_tokens`.
Usage SampleTokens(double prompt_tokens, int turns, int64_t reply_tokens, double next_tokens) {
  Usage usage;
  const double history = static_cast<double>(turns) * (turns - 1) / 2.0 *
                         (static_cast<double>(reply_tokens) + next_tokens);
  usage.input_tokens = static_cast<int64_t>(std::llround(turns * prompt_tokens + history));
  usage.output_tokens = turns * reply_tokens;
  return usage;
}

}  // namespace

const ModelPrice* PriceTable::Find(std::string_view spec) const {
  for (const ModelPrice& price : prices) {
    const std::string_view pattern = price.pattern;
    const bool prefix = !pattern.empty() && pattern.back() == '*';
    if (prefix ? spec.substr(0, pattern.size() - 1) == pattern.substr(0, pattern.size() - 1)
               : spec == pattern) {
      return &price;
    }
  }
  return nullptr;
}

Result<PriceTable> ParsePriceTable(std::string_view yaml_text, const std::filesystem::path& path) {
  const YamlContext context{"prices", path.string()};
  try {
    return ParseRoot(context, YAML::Load(std::string(yaml_text)));
  } catch (const YAML::Exception& e) {
    return experiment_internal::YamlException(context, e);
  }
}

Result<PriceTable> LoadPriceTable(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open())
    return Fail(ErrorKind::kNotFound, "prices: " + path.string() + ": cannot read");
  std::stringstream text;
  text << in.rdbuf();
  return ParsePriceTable(text.str(), path);
}

double CostUsd(const ModelPrice& price, const Usage& usage) {
  return (static_cast<double>(usage.input_tokens) * price.input_per_mtok +
          static_cast<double>(usage.output_tokens) * price.output_per_mtok +
          static_cast<double>(usage.cache_read_tokens) * price.cache_read_per_mtok +
          static_cast<double>(usage.cache_write_tokens) * price.cache_write_per_mtok) /
         kPerMillion;
}

// Every Sample sends the system prompt and its user turn on each turn, plus the replies and
// "<NEXT/>" messages of the turns before (the scratchpad loop of Greenblatt et al. 2024, App. J).
CellForecast ForecastCell(const ForecastInput& input, const ForecastAssumptions& assumptions,
                          const ModelPrice* price) {
  CellForecast forecast;
  forecast.samples = static_cast<int64_t>(input.user_turn_chars.size());
  const int turns_max = input.no_cot ? 1 : std::max(input.max_turns, 1);
  const int turns_expected = std::min(turns_max, assumptions.turns_per_sample);
  const int64_t reply_expected = std::min(input.max_tokens, assumptions.output_tokens_per_turn);
  const double cpt = assumptions.chars_per_token;
  const double next_tokens = static_cast<double>(kNextMessageChars) / cpt;
  for (size_t user_chars : input.user_turn_chars) {
    const double prompt = static_cast<double>(input.system_prompt_chars + user_chars) / cpt;
    forecast.tokens_expected += SampleTokens(prompt, turns_expected, reply_expected, next_tokens);
    forecast.tokens_max += SampleTokens(prompt, turns_max, input.max_tokens, next_tokens);
  }
  forecast.requests_expected = forecast.samples * turns_expected;
  forecast.requests_max = forecast.samples * turns_max;
  if (price != nullptr) {
    forecast.cost_expected_usd = CostUsd(*price, forecast.tokens_expected);
    forecast.cost_max_usd = CostUsd(*price, forecast.tokens_max);
  }
  return forecast;
}

CellForecast ForecastJudgeCalls(const JudgeForecastInput& input,
                                const ForecastAssumptions& assumptions, const ModelPrice* price) {
  // The shipped judge prompts run 3,000-9,000 characters; the transcript is what the model wrote.
  constexpr double kJudgePromptChars = 6000;
  CellForecast forecast;
  forecast.samples = input.samples;
  const int64_t calls = input.samples * input.calls_per_sample;
  const double transcript_tokens =
      static_cast<double>(assumptions.turns_per_sample * assumptions.output_tokens_per_turn);
  const auto prompt_tokens =
      static_cast<int64_t>(kJudgePromptChars / assumptions.chars_per_token + transcript_tokens);
  const int64_t reply_expected = std::min(input.max_tokens, assumptions.output_tokens_per_turn);
  forecast.requests_expected = calls;
  forecast.requests_max = calls;
  forecast.tokens_expected = {calls * prompt_tokens, calls * reply_expected, 0, 0};
  forecast.tokens_max = {calls * prompt_tokens, calls * input.max_tokens, 0, 0};
  if (price != nullptr) {
    forecast.cost_expected_usd = CostUsd(*price, forecast.tokens_expected);
    forecast.cost_max_usd = CostUsd(*price, forecast.tokens_max);
  }
  return forecast;
}

void CostMeter::AddSpent(double usd) {
  std::lock_guard lock(mutex_);
  spent_before_ += usd;
}

void CostMeter::Report(const std::string& run_id, double usd) {
  std::lock_guard lock(mutex_);
  runs_[run_id] = usd;
}

double CostMeter::TotalUsd() const {
  std::lock_guard lock(mutex_);
  double total = spent_before_;
  for (const auto& [run, usd] : runs_) total += usd;
  return total;
}

bool CostMeter::Exceeded() const { return limit_usd_ && TotalUsd() >= *limit_usd_; }

}  // namespace afbench
