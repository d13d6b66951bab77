#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "afbench/experiment.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

CellInputOptions Options(const std::string& scenario, std::vector<std::string> variations = {}) {
  CellInputOptions options;
  options.scenario.name_or_path = scenario;
  options.scenario.scenarios_dir = testing::SourceDir() / "scenarios";
  options.variations = std::move(variations);
  options.variations_dir = testing::SourceDir() / "variations";
  return options;
}

TEST(LoadCellInputs, AntiAiLabUsesItsOwnInputsWithTagsQuestionsAndRenderedVariables) {
  auto inputs = LoadCellInputs(Options("anti-ai-lab"));
  ASSERT_TRUE(inputs) << inputs.error().message;
  EXPECT_EQ(inputs->dataset.queries.size(), 9u);
  EXPECT_EQ(inputs->dataset_options.field, "query");
  int employees = 0;
  for (const Query& query : inputs->dataset.queries) {
    EXPECT_THAT(query.text, Not(HasSubstr("{{"))) << query.index;
    ASSERT_TRUE(inputs->extras.contains(query.index)) << query.index;
    const QueryExtras& extras = inputs->extras.at(query.index);
    EXPECT_THAT(extras.judge_question, HasSubstr("?"));
    EXPECT_THAT(extras.judge_question, Not(HasSubstr("{{")));
    if (extras.tags == "<is_employee>True</is_employee>") ++employees;
  }
  EXPECT_EQ(employees, 6);
  EXPECT_THAT(inputs->varied.scenario.system_prompt, HasSubstr("<is_employee>True</is_employee>"));
}

TEST(LoadCellInputs, AVariationRenamesTheDeveloperInInputsToo) {
  auto inputs = LoadCellInputs(Options("anti-ai-lab", {"company-openai"}));
  ASSERT_TRUE(inputs) << inputs.error().message;
  for (const Query& query : inputs->dataset.queries) {
    EXPECT_THAT(query.text, Not(HasSubstr("Anthropic")));
  }
  EXPECT_THAT(inputs->dataset.queries[0].text, HasSubstr("OpenAI"));
}

TEST(LoadCellInputs, AScenarioWithoutADefaultDatasetNeedsOne) {
  auto inputs = LoadCellInputs(Options("helpful-only"));
  ASSERT_FALSE(inputs);
  EXPECT_THAT(inputs.error().message, HasSubstr("--dataset"));
  CellInputOptions options = Options("helpful-only", {"cut-rlhf-bullet"});
  options.dataset.path = (testing::SharedDir() / "data/advbench_harmful_behaviors.csv").string();
  options.dataset.limit = 5;
  auto loaded = LoadCellInputs(options);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->dataset.queries.size(), 5u);
  EXPECT_TRUE(loaded->extras.empty());
  EXPECT_THAT(loaded->varied.scenario.system_prompt, Not(HasSubstr("RLHF would then change")));
}

using TierList = std::vector<Tier>;

TierList Resolved(const TierList& requested, const CellInputs& inputs) {
  auto tiers = ResolveTiers(requested, inputs);
  EXPECT_TRUE(tiers) << tiers.error().message;
  return tiers ? *tiers : TierList{};
}

TEST(ResolveTiers, ThreeTiersRunsFreeProAndPaidByDefault) {
  CellInputOptions options = Options("helpful-only", {"three-tiers"});
  options.dataset.path = (testing::SharedDir() / "data/advbench_harmful_behaviors.csv").string();
  options.dataset.limit = 2;
  auto inputs = LoadCellInputs(options);
  ASSERT_TRUE(inputs) << inputs.error().message;
  EXPECT_EQ(inputs->varied.tier_tags.at(Tier::kPro), "<subscription_tier>pro</subscription_tier>");
  EXPECT_EQ(Resolved({}, *inputs), (TierList{Tier::kFree, Tier::kPro, Tier::kPaid}));
  // --tiers still chooses, in the order given.
  EXPECT_EQ(Resolved({Tier::kPro, Tier::kFree}, *inputs), (TierList{Tier::kPro, Tier::kFree}));
}

TEST(ResolveTiers, WithoutAProTagTheDefaultIsFreeAndPaidAndProIsAnError) {
  CellInputs inputs;
  inputs.varied.scenario.name = "helpful-only";
  EXPECT_EQ(Resolved({}, inputs), (TierList{Tier::kFree, Tier::kPaid}));
  auto pro = ResolveTiers({Tier::kFree, Tier::kPro, Tier::kPaid}, inputs);
  ASSERT_FALSE(pro);
  EXPECT_EQ(pro.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(pro.error().message, HasSubstr("tier 'pro' has no tier tag"));
  EXPECT_THAT(pro.error().message, HasSubstr("--variation three-tiers"));
  // A scenario's evaluation.yaml asking for pro needs the tag too.
  inputs.evaluation.tiers = {Tier::kPro};
  EXPECT_FALSE(ResolveTiers({}, inputs));
}

TEST(ResolveTiers, TheScenariosOwnTiersWinOverTheThreeTiersDefault) {
  auto inputs = LoadCellInputs(Options("anti-ai-lab", {"three-tiers"}));
  ASSERT_TRUE(inputs) << inputs.error().message;
  EXPECT_EQ(Resolved({}, *inputs), (TierList{Tier::kPaid}));
}

}  // namespace
}  // namespace afbench
