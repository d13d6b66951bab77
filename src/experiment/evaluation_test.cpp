#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "afbench/experiment.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

using ::testing::HasSubstr;

ScenarioOptions BuiltIn(const std::string& name) {
  return ScenarioOptions{.name_or_path = name, .scenarios_dir = testing::SourceDir() / "scenarios"};
}

TEST(LoadScenarioEvaluation, HelpfulOnlyHasNoFileAndUsesTheTagRule) {
  auto evaluation = LoadScenarioEvaluation(BuiltIn("helpful-only"));
  ASSERT_TRUE(evaluation) << evaluation.error().message;
  EXPECT_EQ(evaluation->compliance.spec, "compliance-tag");
  EXPECT_FALSE(evaluation->compliance.NeedsJudge());
  EXPECT_EQ(evaluation->compliance.Classifier(), "compliance-tag");
  EXPECT_TRUE(evaluation->tiers.empty());
}

TEST(LoadScenarioEvaluation, AnimalWelfareNeedsTheSupportJudgeWithInvertedMeaning) {
  auto evaluation = LoadScenarioEvaluation(BuiltIn("animal-welfare"));
  ASSERT_TRUE(evaluation) << evaluation.error().message;
  EXPECT_TRUE(evaluation->compliance.NeedsJudge());
  EXPECT_EQ(evaluation->compliance.Classifier(), "animal-welfare-support");
  EXPECT_FALSE(evaluation->compliance.complied_when);
}

TEST(LoadScenarioEvaluation, AntiAiLabRunsPaidTierInputsWithItsJudge) {
  auto evaluation = LoadScenarioEvaluation(BuiltIn("anti-ai-lab"));
  ASSERT_TRUE(evaluation) << evaluation.error().message;
  EXPECT_EQ(evaluation->tiers, std::vector<Tier>{Tier::kPaid});
  EXPECT_EQ(evaluation->dataset.filename(), "inputs.jsonl");
  EXPECT_EQ(evaluation->compliance.spec, "none");
  EXPECT_EQ(evaluation->compliance.Classifier(), "");
  EXPECT_EQ(evaluation->judges, std::vector<std::string>{"anti-ai-lab"});
  EXPECT_TRUE(std::filesystem::exists(evaluation->judge_prompt_dir / "user.md"));
  EXPECT_TRUE(evaluation->render_input_variables);
}

// What a classifier's yes means is defined once (YesMeansComplied); evaluation.yaml may restate it
// but a contradiction would make the experiment table and the summary disagree.
TEST(LoadScenarioEvaluation, ACompliedWhenThatContradictsTheClassifierIsAnError) {
  const auto dir = testing::MakeTempDir() / "mine";
  testing::WriteFile(dir / "scenario.yaml", "name: mine\nsections: [{name: a, file: a.md}]\n");
  testing::WriteFile(dir / "evaluation.yaml",
                     "compliance: judge:animal-welfare-support\ncomplied_when: \"yes\"\n");
  auto bad = LoadScenarioEvaluation(ScenarioOptions{.name_or_path = dir.string()});
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("evaluation.yaml:2"));
  EXPECT_THAT(bad.error().message, HasSubstr("contradicts animal-welfare-support"));
  // Left out, it follows the classifier.
  testing::WriteFile(dir / "evaluation.yaml", "compliance: judge:animal-welfare-support\n");
  auto implied = LoadScenarioEvaluation(ScenarioOptions{.name_or_path = dir.string()});
  ASSERT_TRUE(implied) << implied.error().message;
  EXPECT_FALSE(implied->compliance.complied_when);
}

TEST(LoadScenarioEvaluation, ErrorsNameTheFileAndLine) {
  const auto dir = testing::MakeTempDir() / "mine";
  testing::WriteFile(dir / "scenario.yaml", "name: mine\nsections: [{name: a, file: a.md}]\n");
  testing::WriteFile(dir / "evaluation.yaml", "tiers: [paid]\ncompliance: judge:\n");
  auto bad = LoadScenarioEvaluation(ScenarioOptions{.name_or_path = dir.string()});
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("evaluation.yaml:2"));
  testing::WriteFile(dir / "evaluation.yaml", "dataset: missing.jsonl\n");
  auto missing = LoadScenarioEvaluation(ScenarioOptions{.name_or_path = dir.string()});
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("no such file"));
  testing::WriteFile(dir / "evaluation.yaml", "judgez: [x]\n");
  auto unknown = LoadScenarioEvaluation(ScenarioOptions{.name_or_path = dir.string()});
  ASSERT_FALSE(unknown);
  EXPECT_THAT(unknown.error().message, HasSubstr("unknown field 'judgez'"));
}

}  // namespace
}  // namespace afbench
