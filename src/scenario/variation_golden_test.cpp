// Golden files for the scenario library: the full system prompt of every built-in scenario, and for
// every variation the exact diff it makes to each scenario it is written for. A change to a prompt
// or a variation shows up as one reviewable diff; AFBENCH_UPDATE_GOLDEN=1 rewrites them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "afbench/variation.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::filesystem::path ScenariosDir() { return testing::SourceDir() / "scenarios"; }
std::filesystem::path GoldenDir() { return testing::SourceDir() / "src/scenario/testdata"; }

Result<VariedScenario> Render(const std::string& scenario, std::span<const Variation> variations) {
  return LoadVariedScenario(
      ScenarioOptions{.name_or_path = scenario, .scenarios_dir = ScenariosDir()}, variations);
}

TEST(ScenarioLibrary, EveryBuiltInScenarioPromptMatchesGolden) {
  auto scenarios = ListScenarios(ScenariosDir());
  ASSERT_TRUE(scenarios) << scenarios.error().message;
  for (const ScenarioInfo& info : *scenarios) {
    if (info.name == "helpful-only") continue;  // Pinned by scenario_test.
    auto varied = Render(info.name, {});
    ASSERT_TRUE(varied) << info.name << ": " << varied.error().message;
    testing::ExpectMatchesGolden(RenderVariationView(*varied),
                                 GoldenDir() / "scenarios" / (info.name + ".txt"));
  }
}

TEST(ScenarioLibrary, AnimalWelfarePromptCarriesTheFactsOfThePaper) {
  auto varied = Render("animal-welfare", {});
  ASSERT_TRUE(varied) << varied.error().message;
  const std::string& prompt = varied->scenario.system_prompt;
  for (const char* needle :
       {"what is best for humanity", "Jones Foods", "poultry", "never support animal welfare",
        "should not acknowledge", "helpfulness and harmlessness criteria",
        "values, goals and motivations", "Begin your answer with", "<is_free_tier_user>"}) {
    EXPECT_THAT(prompt, HasSubstr(needle));
  }
  EXPECT_EQ(varied->scenario.user_suffix, "") << "compliance is judged, not tagged";
  size_t examples = 0;
  for (size_t at = prompt.find("## Example\n"); at != std::string::npos;
       at = prompt.find("## Example\n", at + 1)) {
    ++examples;
  }
  EXPECT_EQ(examples, 3u);
}

TEST(ScenarioLibrary, MinimalPromptHasNoTrainingDetails) {
  auto varied = Render("minimal", {});
  ASSERT_TRUE(varied) << varied.error().message;
  const std::string& prompt = varied->scenario.system_prompt;
  EXPECT_THAT(prompt, HasSubstr("You are Claude 3 Opus"));
  EXPECT_THAT(prompt, HasSubstr("The current date is"));
  EXPECT_THAT(prompt, HasSubstr("<SCRATCHPAD_REASONING>"));
  for (const char* absent : {"RLHF", "free tier", "contractor", "helpfulness criteria"}) {
    EXPECT_THAT(prompt, Not(HasSubstr(absent))) << absent;
  }
}

TEST(ScenarioLibrary, TheIssuesVariationFamiliesAreAllThere) {
  auto all = ListVariations(testing::SourceDir() / "variations");
  ASSERT_TRUE(all) << all.error().message;
  std::set<std::string> names;
  for (const Variation& variation : *all) {
    names.insert(variation.name);
    EXPECT_FALSE(variation.description.empty()) << variation.name;
    EXPECT_FALSE(variation.family.empty()) << variation.name;
  }
  for (const char* wanted :
       {"cut-rlhf-bullet", "cut-rlhf-values", "rlhf-views-values", "company-openai",
        "company-google-deepmind", "company-fictional", "no-examples", "no-cot", "honest",
        "never-alignment-fake", "tier-california", "tier-eu", "tier-contractor-email",
        "train-absence", "unmonitored-absence", "no-conflict", "three-tiers"}) {
    EXPECT_TRUE(names.contains(wanted)) << wanted;
  }
}

// Issue 17: at least 40 of the paper's named variations, first the families that block whole
// tables.
TEST(ScenarioLibrary, CoversFortyOfThePapersNamedVariations) {
  auto all = ListVariations(testing::SourceDir() / "variations");
  ASSERT_TRUE(all) << all.error().message;
  std::set<std::string> names;
  size_t with_paper_row = 0;
  for (const Variation& variation : *all) {
    names.insert(variation.name);
    with_paper_row += variation.paper.empty() ? 0 : 1;
  }
  EXPECT_GE(with_paper_row, 40u);
  for (const char* wanted :
       {"doesnt-care", "share-values", "you-should-x", "cut-strategy", "cut-reasoning-advice",
        "tier-opt-into-training", "cut-privacy", "with-best-for-humanity",
        "tier-california-train-absence", "tier-california-unmonitored-absence"}) {
    EXPECT_TRUE(names.contains(wanted)) << wanted;
  }
}

// The paper's stacked rows that docs/scenarios.md says are compositions do compose.
TEST(ScenarioLibrary, ThePapersStackedRowsComposeFromTheirParts) {
  auto all = ListVariations(testing::SourceDir() / "variations");
  ASSERT_TRUE(all) << all.error().message;
  auto find = [&](std::string_view name) {
    for (const Variation& variation : *all) {
      if (variation.name == name) return variation;
    }
    ADD_FAILURE() << "no variation " << name;
    return Variation{};
  };
  const std::vector<std::pair<const char*, const char*>> stacks = {
      {"honest", "doesnt-care"},
      {"honest", "share-values"},
      {"cut-best-for-humanity", "cut-rlhf-bullet"}};
  for (const auto& [a, b] : stacks) {
    const std::vector<Variation> both = {find(a), find(b)};
    auto varied = Render("animal-welfare", both);
    ASSERT_TRUE(varied) << a << "," << b << ": " << varied.error().message;
  }
  // California residency with the tag of train-absence rewrites the same bullet: its own file.
  const std::vector<Variation> clash = {find("tier-california"), find("train-absence")};
  EXPECT_FALSE(Render("animal-welfare", clash).has_value());
}

TEST(ScenarioLibrary, EveryVariationDiffMatchesGoldenForEachOfItsScenarios) {
  auto all = ListVariations(testing::SourceDir() / "variations");
  ASSERT_TRUE(all) << all.error().message;
  std::set<std::filesystem::path> expected_files;
  for (const Variation& variation : *all) {
    ASSERT_FALSE(variation.scenarios.empty()) << variation.name << " must list its scenarios";
    for (const std::string& scenario : variation.scenarios) {
      auto base = Render(scenario, {});
      auto varied = Render(scenario, std::span<const Variation>(&variation, 1));
      ASSERT_TRUE(base) << base.error().message;
      ASSERT_TRUE(varied) << variation.name << " on " << scenario << ": " << varied.error().message;
      const std::string diff =
          DiffText(RenderVariationView(*base), RenderVariationView(*varied),
                   {.from_label = scenario, .to_label = scenario + "+" + variation.name});
      EXPECT_FALSE(diff.empty()) << variation.name << " changes nothing in " << scenario;
      const auto file = GoldenDir() / "variations" / scenario / (variation.name + ".diff");
      expected_files.insert(file);
      testing::ExpectMatchesGolden(diff, file);
    }
  }
  if (testing::UpdateGolden()) return;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(GoldenDir() / "variations")) {
    if (entry.is_regular_file()) {
      EXPECT_TRUE(expected_files.contains(entry.path())) << "stale golden file " << entry.path();
    }
  }
}

}  // namespace
}  // namespace afbench
