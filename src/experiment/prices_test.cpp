#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "afbench/experiment.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

TEST(PriceTable, TheShippedTableLoadsAndMatchesSpecificPatternsFirst) {
  auto table = LoadPriceTable(testing::SourceDir() / "src/experiment/prices.yaml");
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_FALSE(table->as_of.empty());
  const ModelPrice* mini = table->Find("openai/gpt-4o-mini-2024-07-18");
  const ModelPrice* full = table->Find("openai/gpt-4o-2024-08-06");
  ASSERT_NE(mini, nullptr);
  ASSERT_NE(full, nullptr);
  EXPECT_LT(mini->input_per_mtok, full->input_per_mtok);
  EXPECT_EQ(table->Find("anthropic/claude-3-opus-20240229")->output_per_mtok, 75.0);
  EXPECT_EQ(table->Find("openai/my-local-llama"), nullptr);
}

TEST(CostUsd, IsTokensTimesPricePerMillion) {
  const ModelPrice price{"x", 3.0, 15.0, 0.3, 3.75};
  Usage usage;
  usage.input_tokens = 1'000'000;
  usage.output_tokens = 200'000;
  usage.cache_read_tokens = 1'000'000;
  EXPECT_DOUBLE_EQ(CostUsd(price, usage), 3.0 + 3.0 + 0.3);
}

TEST(ForecastCell, CountsTheScratchpadLoopsGrowingPrompt) {
  ForecastInput input;
  input.system_prompt_chars = 4000;    // 1000 tokens
  input.user_turn_chars = {400, 400};  // 100 tokens each
  input.max_turns = 4;
  input.max_tokens = 1000;
  const ForecastAssumptions assumptions{4, 500, 2};
  const ModelPrice price{"x", 1.0, 2.0, 0, 0};
  const CellForecast forecast = ForecastCell(input, assumptions, &price);
  EXPECT_EQ(forecast.samples, 2);
  EXPECT_EQ(forecast.requests_expected, 4);
  EXPECT_EQ(forecast.requests_max, 8);
  // Two turns: 1100 + (1100 + 500 + <NEXT/>) input tokens, 1000 output tokens, per sample.
  EXPECT_NEAR(static_cast<double>(forecast.tokens_expected.input_tokens), 2 * (2200 + 500 + 1.75),
              1);
  EXPECT_EQ(forecast.tokens_expected.output_tokens, 2000);
  EXPECT_EQ(forecast.tokens_max.output_tokens, 8000);
  ASSERT_TRUE(forecast.cost_expected_usd.has_value());
  EXPECT_NEAR(*forecast.cost_expected_usd, (5403.5 * 1.0 + 2000 * 2.0) / 1e6, 1e-6);
  EXPECT_GT(*forecast.cost_max_usd, *forecast.cost_expected_usd);
  input.no_cot = true;
  EXPECT_EQ(ForecastCell(input, assumptions, nullptr).requests_max, 2);
  EXPECT_FALSE(ForecastCell(input, assumptions, nullptr).cost_expected_usd.has_value());
}

TEST(CostMeter, AddsEarlierSpendAndTheLatestReportOfEachRun) {
  CostMeter meter(1.0);
  meter.AddSpent(0.25);
  meter.Report("a", 0.25);
  meter.Report("a", 0.5);
  EXPECT_DOUBLE_EQ(meter.TotalUsd(), 0.75);
  EXPECT_FALSE(meter.Exceeded());
  meter.Report("b", 0.25);
  EXPECT_TRUE(meter.Exceeded());
  EXPECT_FALSE(CostMeter(std::nullopt).Exceeded());
}

TEST(ParsePriceTable, RejectsNegativePricesAndUnknownFields) {
  EXPECT_FALSE(ParsePriceTable("prices: [{model: a, input: -1, output: 1}]\n", "p.yaml"));
  EXPECT_FALSE(ParsePriceTable("prices: [{model: a, input: 1, output: 1, per: 2}]\n", "p.yaml"));
  EXPECT_FALSE(ParsePriceTable("assumptions: {chars_per_token: 0}\n", "p.yaml"));
}

}  // namespace
}  // namespace afbench
