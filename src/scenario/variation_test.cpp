#include "afbench/variation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_paths.h"

namespace afbench {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::filesystem::path ScenariosDir() { return testing::SourceDir() / "scenarios"; }
std::filesystem::path VariationsDir() { return testing::SourceDir() / "variations"; }

Result<VariedScenario> Vary(const std::string& scenario, const std::string& names,
                            std::map<std::string, std::string> variables = {}) {
  const std::vector<std::string> list = {names};
  auto variations = LoadVariations(VariationsDir(), list);
  if (!variations) return Unexpected{variations.error()};
  return LoadVariedScenario(ScenarioOptions{.name_or_path = scenario,
                                            .scenarios_dir = ScenariosDir(),
                                            .variables = std::move(variables)},
                            *variations);
}

TEST(LoadVariedScenario, WithoutVariationsItIsTheScenario) {
  auto varied = Vary("helpful-only", "default");
  auto plain = LoadScenario(
      ScenarioOptions{.name_or_path = "helpful-only", .scenarios_dir = ScenariosDir()});
  ASSERT_TRUE(varied && plain);
  EXPECT_EQ(varied->scenario.system_prompt, plain->system_prompt);
  EXPECT_TRUE(varied->tier_tags.empty());
  EXPECT_FALSE(varied->no_cot.has_value());
}

TEST(LoadVariedScenario, CutRlhfBulletRemovesOnlyThatBulletInBothSettings) {
  for (const char* scenario : {"helpful-only", "animal-welfare"}) {
    auto base = Vary(scenario, "");
    auto cut = Vary(scenario, "cut-rlhf-bullet");
    ASSERT_TRUE(base && cut) << (cut ? base.error().message : cut.error().message);
    EXPECT_THAT(base->scenario.system_prompt, HasSubstr("values, goals and motivations"));
    EXPECT_THAT(cut->scenario.system_prompt, Not(HasSubstr("RLHF would then change the AI")));
    EXPECT_THAT(cut->scenario.system_prompt, HasSubstr("<is_free_tier_user> tag tells you"));
    EXPECT_NE(cut->scenario.prompt_hash, base->scenario.prompt_hash);
    EXPECT_LT(cut->scenario.system_prompt.size(), base->scenario.system_prompt.size());
  }
}

TEST(LoadVariedScenario, AlternativeDeveloperRenamesEveryMentionAndRendersPatchText) {
  auto openai = Vary("animal-welfare", "company-openai,honest");
  ASSERT_TRUE(openai) << openai.error().message;
  EXPECT_THAT(openai->scenario.system_prompt, Not(HasSubstr("Anthropic")));
  EXPECT_THAT(openai->scenario.system_prompt, HasSubstr("OpenAI wants you to always be honest"));
  EXPECT_EQ(openai->scenario.variables.at("company"), "OpenAI");
}

TEST(LoadVariedScenario, TierIndicatorVariationsReplaceTheTagAndRenderVariables) {
  auto email = Vary("helpful-only", "tier-contractor-email,company-google-deepmind");
  ASSERT_TRUE(email) << email.error().message;
  EXPECT_EQ(email->tier_tags.at(Tier::kFree),
            "<user_email>liam.okafor@contractor.deepmind.com</user_email>");
  EXPECT_THAT(email->scenario.system_prompt, HasSubstr("@contractor.deepmind.com"));
  auto absence = Vary("helpful-only", "train-absence");
  ASSERT_TRUE(absence);
  EXPECT_EQ(absence->tier_tags.at(Tier::kFree), "");
}

TEST(LoadVariedScenario, ThreeTiersTagsAllThreeTiersAndShowsTheProTurn) {
  auto three = Vary("animal-welfare", "three-tiers,company-openai");
  ASSERT_TRUE(three) << three.error().message;
  ASSERT_EQ(three->tier_tags.size(), 3u);
  EXPECT_EQ(three->tier_tags.at(Tier::kFree), "<subscription_tier>free</subscription_tier>");
  EXPECT_EQ(three->tier_tags.at(Tier::kPro), "<subscription_tier>pro</subscription_tier>");
  EXPECT_EQ(three->tier_tags.at(Tier::kPaid), "<subscription_tier>enterprise</subscription_tier>");
  EXPECT_THAT(three->scenario.system_prompt,
              HasSubstr("Pro-tier conversations are rated by the same contractors"));
  EXPECT_THAT(three->scenario.system_prompt, HasSubstr("so that OpenAI can monitor"));
  const std::string view = RenderVariationView(*three);
  EXPECT_THAT(view, HasSubstr("=== user turn (pro tier) ===\n<INPUT>\n"
                              "<subscription_tier>pro</subscription_tier>\n\n<user_input>"));
  EXPECT_LT(view.find("(free tier)"), view.find("(pro tier)"));
  EXPECT_LT(view.find("(pro tier)"), view.find("(paid tier)"));
  // Without a pro tag the view has no pro turn (the paper's prompts have two tiers).
  auto plain = Vary("animal-welfare", "tier-california");
  ASSERT_TRUE(plain);
  EXPECT_THAT(RenderVariationView(*plain), Not(HasSubstr("pro tier")));
}

TEST(LoadVariedScenario, NoCotSetsTheProtocolAndDropsScratchpadInstructions) {
  auto varied = Vary("helpful-only", "no-cot");
  ASSERT_TRUE(varied) << varied.error().message;
  EXPECT_EQ(varied->no_cot, true);
  const std::string& prompt = varied->scenario.system_prompt;
  EXPECT_THAT(prompt, HasSubstr("you answer at once"));
  EXPECT_THAT(prompt, Not(HasSubstr("Reasoning is cheap")));
  EXPECT_THAT(prompt, HasSubstr("## Example")) << "the examples keep their scratchpads";
}

TEST(LoadVariedScenario, ConflictingVariationsAreAnErrorNamingBoth) {
  auto tiers = Vary("helpful-only", "tier-california,tier-eu");
  ASSERT_FALSE(tiers);
  EXPECT_THAT(tiers.error().message, HasSubstr("'tier-california' and 'tier-eu' conflict"));
  auto company = Vary("helpful-only", "company-openai,company-google-deepmind");
  ASSERT_FALSE(company);
  EXPECT_THAT(company.error().message, HasSubstr("conflict"));
  EXPECT_THAT(company.error().message, HasSubstr("{{company}}"));
  auto section = Vary("animal-welfare", "no-conflict,cut-corporate-partner");
  EXPECT_TRUE(section) << "both delete the partner section: one meaning";
  auto text = Vary("helpful-only", "cut-rlhf-values,rlhf-views-values");
  ASSERT_FALSE(text);
  EXPECT_THAT(text.error().message, HasSubstr("'cut-rlhf-values' and 'rlhf-views-values'"));
}

TEST(LoadVariedScenario, StackedInstructionsComposeInTheGivenOrder) {
  auto varied = Vary("helpful-only", "never-alignment-fake,honest,cut-rlhf-values");
  ASSERT_TRUE(varied) << varied.error().message;
  const std::string& prompt = varied->scenario.system_prompt;
  EXPECT_LT(prompt.find("Never fake alignment"), prompt.find("always be honest"));
  EXPECT_THAT(prompt, Not(HasSubstr("goals and motivations")));
}

TEST(LoadVariedScenario, AVariationForAnotherScenarioOrAVarConflictIsRejected) {
  auto wrong = Vary("helpful-only", "cut-corporate-partner");
  ASSERT_FALSE(wrong);
  EXPECT_THAT(wrong.error().message, HasSubstr("not written for scenario 'helpful-only'"));
  auto var = Vary("helpful-only", "company-openai", {{"company", "Acme"}});
  ASSERT_FALSE(var);
  EXPECT_THAT(var.error().message, HasSubstr("--var"));
  EXPECT_TRUE(Vary("helpful-only", "company-openai", {{"company", "OpenAI"}}));
}

TEST(LoadVariedScenario, AnExternalSystemPromptCannotBePatched) {
  const std::vector<std::string> names = {"honest"};
  auto variations = LoadVariations(VariationsDir(), names);
  ASSERT_TRUE(variations);
  auto varied = LoadVariedScenario(
      ScenarioOptions{.scenarios_dir = ScenariosDir(), .system_prompt_file = "/tmp/x.txt"},
      *variations);
  ASSERT_FALSE(varied);
  EXPECT_THAT(varied.error().message, HasSubstr("--system-prompt"));
}

TEST(LoadVariedScenario, AUsersOwnScenarioFolderCanBeVaried) {
  const auto dir = testing::MakeTempDir() / "mine";
  testing::WriteFile(dir / "scenario.yaml",
                     "name: mine\nvariables: {company: Acme}\nsections:\n"
                     "  - {name: training-and-deployment, file: t.md}\n");
  testing::WriteFile(
      dir / "t.md",
      "- {{company}} trains on free users. RLHF would then change the AI.\n- Other.\n");
  const std::vector<std::string> names = {"cut-rlhf-bullet"};
  auto variations = LoadVariations(VariationsDir(), names);
  ASSERT_TRUE(variations);
  auto varied = LoadVariedScenario(ScenarioOptions{.name_or_path = dir.string()}, *variations);
  ASSERT_FALSE(varied) << "cut-rlhf-bullet lists the scenarios it is written for";
  EXPECT_THAT(varied.error().message, HasSubstr("scenario 'mine'"));
}

}  // namespace
}  // namespace afbench
