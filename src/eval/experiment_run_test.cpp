#include "afbench/experiment_run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_paths.h"

namespace afbench {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

RunContext Context() {
  RunContext context;
  context.scenarios_dir = testing::SourceDir() / "scenarios";
  context.variations_dir = testing::SourceDir() / "variations";
  return context;
}

RunSpec AdvBenchConfig(std::vector<std::string> variations = {}) {
  RunSpec config;
  config.model = "anthropic/claude-3-opus-20240229";
  config.scenario.name_or_path = "helpful-only";
  config.dataset.path = (testing::SharedDir() / "data/advbench_harmful_behaviors.csv").string();
  config.dataset.limit = 3;
  config.variations = std::move(variations);
  return config;
}

PriceTable Prices() {
  auto table = LoadPriceTable(testing::SourceDir() / "src/experiment/prices.yaml");
  EXPECT_TRUE(table) << table.error().message;
  return table ? *table : PriceTable{};
}

TEST(RunSpecLibraryKeys, RoundTripThroughTheStoredJson) {
  RunSpec config;
  config.model = "openai/m";
  config.variations = {"tier-california", "honest"};
  config.tier_tags = {{Tier::kFree, "<a>False</a>"}, {Tier::kPaid, ""}};
  config.query_extras = {{2, {"<is_employee>True</is_employee>", "Did it?"}}};
  config.compliance = {"judge:animal-welfare-support", false};
  config.judges = {"anti-ai-lab"};
  config.judge_prompt_dir = "/x/judge";
  config.judge_model = "openai/judge";
  config.experiment_id = "grid";
  config.experiment_cell = "m | s | v";
  config.experiment_cell_index = 4;
  config.experiment_fingerprint = "abc";
  auto back = RunSpecFromJson(RunSpecToJson(config));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->variations, config.variations);
  EXPECT_EQ(back->tier_tags, config.tier_tags);
  EXPECT_EQ(back->query_extras.at(2).judge_question, "Did it?");
  EXPECT_EQ(back->compliance.spec, "judge:animal-welfare-support");
  EXPECT_FALSE(back->compliance.complied_when);
  EXPECT_EQ(back->judges, config.judges);
  EXPECT_EQ(back->judge_prompt_dir, "/x/judge");
  EXPECT_EQ(back->judge_model, "openai/judge");
  EXPECT_EQ(back->experiment_cell_index, 4);
  EXPECT_EQ(back->experiment_fingerprint, "abc");
  const RunTags tags = ReadRunTags(RunSpecToJson(config));
  EXPECT_EQ(tags.experiment_id, "grid");
  EXPECT_EQ(tags.cell_key, "m | s | v");
}

TEST(RunSpecLibraryKeys, AnOldConfigWithoutThemReadsAsAPlainRun) {
  RunSpec plain;
  plain.model = "openai/m";
  std::string json = RunSpecToJson(plain);
  auto back = RunSpecFromJson(json);
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->variations.empty());
  EXPECT_EQ(back->compliance.spec, "compliance-tag");
  EXPECT_TRUE(back->experiment_id.empty());
  EXPECT_EQ(json.find("\"experiment\""), std::string::npos);
}

TEST(BuildPlan, RendersTierTagsAndPerQueryTags) {
  RunSpec config;
  config.tiers = {Tier::kFree, Tier::kPaid};
  config.tier_tags = {{Tier::kFree, "<is_california_resident>False</is_california_resident>"}};
  config.query_extras = {{1, {"<is_employee>True</is_employee>", ""}}};
  config.user_turn.suffix = false;
  const std::vector<PlannedSample> plan = BuildPlan(config, {{0, "zero", 1}, {1, "one", 2}});
  ASSERT_EQ(plan.size(), 4u);
  EXPECT_THAT(plan[0].user_turn, StartsWith("<INPUT>\n<is_california_resident>False"));
  EXPECT_THAT(plan[1].user_turn, StartsWith("<INPUT>\n<is_free_tier_user>False"));
  EXPECT_THAT(plan[3].user_turn,
              StartsWith("<INPUT>\n<is_employee>True</is_employee>\n<is_free_tier_user>False"));
}

TEST(PlanCells, ForecastsEveryCellAndAppliesTheScenariosDefaults) {
  RunSpec anti = AdvBenchConfig();
  anti.scenario.name_or_path = "anti-ai-lab";
  anti.dataset = {};
  anti.tiers = {};  // As from an experiment or flags that name no tiers: the scenario decides.
  std::vector<ExperimentCell> cells(2);
  cells[0].key = "opus | helpful-only | no-cot";
  cells[1].key = "opus | anti-ai-lab | default";
  cells[1].index = 1;
  auto plans = PlanCells(cells, {AdvBenchConfig({"no-cot"}), anti}, Context(), Prices());
  ASSERT_TRUE(plans) << plans.error().message;
  const CellPlan& no_cot = (*plans)[0];
  EXPECT_TRUE(no_cot.spec.protocol.no_cot);
  EXPECT_EQ(no_cot.forecast.samples, 6);
  EXPECT_EQ(no_cot.forecast.requests_max, 6);
  ASSERT_TRUE(no_cot.forecast.cost_expected_usd.has_value());
  EXPECT_GT(*no_cot.forecast.cost_expected_usd, 0);
  const CellPlan& lab = (*plans)[1];
  EXPECT_EQ(lab.spec.tiers, std::vector<Tier>{Tier::kPaid});
  EXPECT_EQ(lab.forecast.samples, 9);
  EXPECT_EQ(lab.spec.judges, std::vector<std::string>{"anti-ai-lab"});
  EXPECT_EQ(lab.spec.query_extras.size(), 9u);
  const std::string text = PlanText(*plans, Prices());
  EXPECT_THAT(text, HasSubstr("opus | anti-ai-lab | default"));
  EXPECT_THAT(text, HasSubstr("total"));
}

TEST(PlanCells, ForecastsTheJudgeCallsOfACellWithAJudgeModel) {
  RunSpec anti = AdvBenchConfig();
  anti.scenario.name_or_path = "anti-ai-lab";
  anti.dataset = {};
  anti.tiers = {};
  anti.judge_model = anti.model;
  std::vector<ExperimentCell> cells(1);
  cells[0].key = "opus | anti-ai-lab | default";
  auto plans = PlanCells(cells, {anti}, Context(), Prices());
  ASSERT_TRUE(plans) << plans.error().message;
  const CellPlan& lab = (*plans)[0];
  EXPECT_EQ(lab.judge_forecast.requests_expected, 9);  // one anti-ai-lab call per Sample
  ASSERT_TRUE(lab.judge_forecast.cost_expected_usd.has_value());
  EXPECT_GT(*lab.judge_forecast.cost_expected_usd, 0);
  const std::string text = PlanText(*plans, Prices());
  EXPECT_THAT(text, HasSubstr("+ judge " + anti.model));

  RunSpec votes;
  votes.judges = {"af-majority-vote", "af-paper-partial"};
  EXPECT_EQ(JudgeCallsPerSample(votes), 21);  // 20 votes and one call
  votes.judges = {"af-majority-vote-animal-welfare", "compromise-animal-welfare"};
  EXPECT_EQ(JudgeCallsPerSample(votes), 21);  // the animal-welfare vote votes too
}

// --plan warns of a paired cell too small for the gap it should detect (issue 17), and says
// nothing of a cell with one Tier.
TEST(PlanText, WarnsOfACellWithTooFewPairsForTheGap) {
  RunSpec small = AdvBenchConfig();
  RunSpec large = AdvBenchConfig();
  large.epochs = 60;  // 3 queries x 60 epochs = 180 pairs
  RunSpec anti = small;
  anti.scenario.name_or_path = "anti-ai-lab";
  anti.dataset = {};
  anti.tiers = {};
  std::vector<ExperimentCell> cells(3);
  cells[0].key = "small";
  cells[1].key = "large";
  cells[2].key = "paid only";
  auto plans = PlanCells(cells, {small, large, anti}, Context(), Prices());
  ASSERT_TRUE(plans) << plans.error().message;
  EXPECT_EQ(PairsOf((*plans)[0]), 3);
  EXPECT_EQ(PairsOf((*plans)[1]), 180);
  EXPECT_EQ(PairsOf((*plans)[2]), 0);
  // Connor: a 10-point gap with 15% discordant pairs needs 116 pairs.
  const std::string text = PlanText(*plans, Prices());
  EXPECT_THAT(text, HasSubstr("a 10.0-point gap needs 116 pairs\n"));
  EXPECT_THAT(text, HasSubstr("warning: cell 'small': 3 pairs are too few to detect any gap\n"));
  EXPECT_THAT(text, Not(HasSubstr("cell 'large'")));
  EXPECT_THAT(text, Not(HasSubstr("cell 'paid only'")));
  // A 5-point gap needs 469 pairs: the large cell detects gaps from 8.0 points (Connor).
  PowerCheck five_points;
  five_points.gap = 0.05;
  const std::string strict = PlanText(*plans, Prices(), five_points);
  EXPECT_THAT(strict, HasSubstr("cell 'large': 180 pairs detect only gaps of 8.0 points or more"));
}

TEST(PlanCells, ABrokenCellFailsBeforeAnythingIsSentAndNamesTheCell) {
  std::vector<ExperimentCell> cells(1);
  cells[0].key = "opus | helpful-only | cut-corporate-partner";
  auto plans = PlanCells(cells, {AdvBenchConfig({"cut-corporate-partner"})}, Context(), Prices());
  ASSERT_FALSE(plans);
  EXPECT_THAT(plans.error().message,
              HasSubstr("cell 'opus | helpful-only | cut-corporate-partner'"));
}

// --max-cost-usd starts from what earlier invocations spent: the run's turns and its judges' calls.
TEST(StoredSpendUsd, CountsTheStoredTurnsAndTheStoredJudgeCallsAtTheirModelsPrices) {
  auto store = Store::Open((testing::MakeTempDir() / "spend.db").string());
  ASSERT_TRUE(store.has_value());
  RunRecord run;
  run.run_id = "r";
  run.status = "incomplete";
  ASSERT_TRUE((*store)->CreateRun(run, {{0, "q", 1}}));
  Transcript transcript;
  transcript.key = {0, Tier::kFree, 0};
  transcript.outcome = Outcome::kOutput;
  Turn turn;
  turn.usage = {1'000'000, 0, 0, 0};
  transcript.turns = {turn};
  ASSERT_TRUE((*store)->SaveTurn("r", transcript.key, turn, 1));
  ASSERT_TRUE((*store)->SaveSample("r", transcript, "q", {}, 0));
  StoredModelCall vote;
  vote.model = "openai/judge";
  vote.generation.usage = {0, 2'000'000, 0, 0};
  ASSERT_TRUE((*store)->SaveModelCall({"r", "judge/j/1", transcript.key, "v0/p0", "h0"}, vote));
  ASSERT_TRUE((*store)->SaveModelCall({"r", "judge/j/1", transcript.key, "v1/p0", "h1"}, vote));
  PriceTable prices;
  prices.prices = {{"openai/judge", 0, 3.0, 0, 0}};
  const ModelPrice model_price{"m", 5.0, 0, 0, 0};
  auto spent = StoredSpendUsd(**store, "r", model_price, prices);
  ASSERT_TRUE(spent.has_value()) << spent.error().message;
  EXPECT_DOUBLE_EQ(*spent, 5.0 + 2 * 2 * 3.0);  // 1M input tokens at $5; 4M judge output at $3
  auto unpriced = StoredSpendUsd(**store, "r", model_price, PriceTable{});
  ASSERT_FALSE(unpriced.has_value());
  EXPECT_THAT(unpriced.error().message, HasSubstr("openai/judge"));
}

TEST(CellFingerprint, ChangesWithTheSettingsAndThePromptButNotTheExperimentTags) {
  RunSpec config = AdvBenchConfig();
  const std::string base = CellFingerprint(config, "hash");
  EXPECT_NE(CellFingerprint(config, "other"), base);
  RunSpec hotter = config;
  hotter.sampling.temperature = 0.5;
  EXPECT_NE(CellFingerprint(hotter, "hash"), base);
  RunSpec tagged = config;
  tagged.experiment_cell_index = 7;
  EXPECT_EQ(CellFingerprint(tagged, "hash"), base);
}

}  // namespace
}  // namespace afbench
