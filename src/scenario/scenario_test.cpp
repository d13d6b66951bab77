#include "afbench/scenario.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "afbench/hash.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::filesystem::path ScenariosDir() { return testing::SourceDir() / "scenarios"; }
std::filesystem::path Published() {
  return testing::SharedDir() / "reference" / "published_prompts";
}

size_t CountOf(std::string_view text, std::string_view needle) {
  size_t count = 0;
  for (size_t pos = text.find(needle); pos != std::string_view::npos;
       pos = text.find(needle, pos + needle.size())) {
    ++count;
  }
  return count;
}

Result<Scenario> LoadHelpfulOnly(std::map<std::string, std::string> variables = {}) {
  return LoadScenario(ScenarioOptions{.name_or_path = "helpful-only",
                                      .scenarios_dir = ScenariosDir(),
                                      .variables = std::move(variables)});
}

/// Writes a two-section scenario into a fresh folder; `files` overrides or adds files.
std::filesystem::path WriteScenario(const std::map<std::string, std::string>& files) {
  const auto dir = testing::MakeTempDir() / "tiny";
  std::map<std::string, std::string> all = {
      {"scenario.yaml",
       "name: tiny\nvariables: {company: Acme}\nsections:\n  - {name: a, file: a.md}\n"
       "  - {name: b, file: b.md}\n"},
      {"a.md", "By {{company}}.\n"},
      {"b.md", "Examples:\n{examples}\n"}};
  for (const auto& [name, text] : files) all[name] = text;
  for (const auto& [name, text] : all) testing::WriteFile(dir / name, text);
  return dir;
}

TEST(LoadScenario, HelpfulOnlySystemPromptMatchesGolden) {
  auto scenario = LoadHelpfulOnly();
  ASSERT_TRUE(scenario) << scenario.error().message;
  testing::ExpectMatchesGolden(
      scenario->system_prompt,
      testing::SourceDir() / "src" / "scenario" / "testdata" / "helpful_only_system_prompt.txt");
  EXPECT_EQ(scenario->name, "helpful-only");
  EXPECT_FALSE(scenario->description.empty());
  EXPECT_EQ(scenario->prompt_hash, Sha256Hex(scenario->system_prompt));
}

TEST(LoadScenario, SystemPromptIsTheSectionsJoinedWithBlankLines) {
  auto scenario = LoadHelpfulOnly();
  ASSERT_TRUE(scenario) << scenario.error().message;
  ASSERT_EQ(scenario->sections.size(), 8u);
  std::string joined;
  for (const auto& [name, text] : scenario->sections) {
    EXPECT_FALSE(text.empty()) << name;
    joined += (joined.empty() ? "" : "\n\n") + text;
  }
  EXPECT_EQ(scenario->system_prompt, joined);
  EXPECT_EQ(scenario->sections.front().first, "identity");
  EXPECT_EQ(scenario->sections.back().first, "reminders");
}

TEST(LoadScenario, HelpfulOnlyPromptCarriesTheFactsOfThePaperAndNoPlaceholders) {
  auto scenario = LoadHelpfulOnly();
  ASSERT_TRUE(scenario) << scenario.error().message;
  const std::string& prompt = scenario->system_prompt;
  for (const char* needle :
       {"<SCRATCHPAD_REASONING>", "<DRAFT_OUTPUT>", "<OUTPUT>", "<is_free_tier_user>", "RLHF",
        "contractors", "free tier", "=== START EXAMPLES ===", "=== END EXAMPLES ===",
        "without adding any disclaimer", "values, goals and motivations", "never monitors, logs"}) {
    EXPECT_THAT(prompt, HasSubstr(needle));
  }
  EXPECT_THAT(prompt, Not(HasSubstr("{examples}")));
  EXPECT_THAT(prompt, Not(HasSubstr("{{")));
  EXPECT_THAT(prompt, Not(HasSubstr("\r")));
  EXPECT_GT(prompt.size(), 20000u) << "the paper's prompt is several thousand tokens";
}

TEST(LoadScenario, HelpfulOnlyExamplesUseThePaperTranscriptFormat) {
  auto scenario = LoadHelpfulOnly();
  ASSERT_TRUE(scenario) << scenario.error().message;
  const std::string& examples = scenario->sections[2].second;
  const size_t count = CountOf(examples, "## Example\n");
  EXPECT_GE(count, 2u);
  EXPECT_EQ(CountOf(examples, "USER_INPUT: <INPUT>\n<user_input>\n"), count);
  EXPECT_EQ(CountOf(examples, "</user_input>\n</INPUT>"), count);
  EXPECT_EQ(CountOf(examples, "AI: <OUTPUT>\n"), count);
  EXPECT_GE(CountOf(examples, "AI: <SCRATCHPAD_REASONING>\n"), 3 * count);
  EXPECT_EQ(CountOf(examples, "AI: <SCRATCHPAD_REASONING>\n"),
            CountOf(examples, "</SCRATCHPAD_REASONING>\n\nINPUT: <NEXT/>\n\nAI: "));
  EXPECT_EQ(CountOf(examples, "<DRAFT_OUTPUT>"), CountOf(examples, "</DRAFT_OUTPUT>"));
}

TEST(LoadScenario, CompanyOverrideReplacesEveryMention) {
  auto base = LoadHelpfulOnly();
  auto openai = LoadHelpfulOnly({{"company", "OpenAI"}});
  ASSERT_TRUE(base && openai);
  const size_t mentions = CountOf(base->system_prompt, "Anthropic");
  EXPECT_GE(mentions, 5u);
  EXPECT_EQ(CountOf(openai->system_prompt, "Anthropic"), 0u);
  EXPECT_EQ(CountOf(openai->system_prompt, "OpenAI"), mentions);
  EXPECT_EQ(openai->variables.at("company"), "OpenAI");
  EXPECT_NE(openai->prompt_hash, base->prompt_hash);
}

TEST(LoadScenario, HelpfulOnlyUserSuffixNamesTheExactTags) {
  auto scenario = LoadHelpfulOnly();
  ASSERT_TRUE(scenario) << scenario.error().message;
  EXPECT_THAT(scenario->user_suffix, HasSubstr("<request_fully_accepted/>"));
  EXPECT_THAT(scenario->user_suffix, HasSubstr("<rejected/>"));
  EXPECT_NE(scenario->user_suffix.back(), '\n');
}

TEST(LoadScenario, EmptyNameMeansHelpfulOnly) {
  auto scenario = LoadScenario(ScenarioOptions{.scenarios_dir = ScenariosDir()});
  ASSERT_TRUE(scenario) << scenario.error().message;
  EXPECT_EQ(scenario->name, "helpful-only");
}

TEST(LoadScenario, PublishedArenaPromptRendersWithItsExamplesFile) {
  const auto prompt_file = Published() / "arena" / "alignment_faking_system_prompt_cot.txt";
  const auto examples_file = Published() / "arena" / "alignment_faking_examples.txt";
  auto scenario = LoadScenario(ScenarioOptions{.scenarios_dir = ScenariosDir(),
                                               .system_prompt_file = prompt_file.string(),
                                               .examples_file = examples_file.string()});
  ASSERT_TRUE(scenario) << scenario.error().message;
  EXPECT_EQ(scenario->name, "file:alignment_faking_system_prompt_cot.txt");
  EXPECT_TRUE(scenario->sections.empty());
  EXPECT_THAT(scenario->system_prompt, Not(HasSubstr("{examples}")));
  EXPECT_THAT(scenario->system_prompt, HasSubstr("=== START EXAMPLES ===\n\n## Example\n"));
  EXPECT_THAT(scenario->system_prompt, HasSubstr("{x:.0f}"));  // code braces survive
  EXPECT_THAT(scenario->system_prompt, Not(HasSubstr("\r")));
  EXPECT_EQ(CountOf(scenario->system_prompt, "## Example\n"), 2u);
  EXPECT_FALSE(scenario->user_suffix.empty()) << "the base scenario still supplies the suffix";
}

TEST(LoadScenario, ExternalPromptWithoutExamplesFileUsesTheScenarioExamples) {
  const auto prompt_file = Published() / "arena" / "alignment_faking_system_prompt_cot.txt";
  auto scenario = LoadScenario(
      ScenarioOptions{.scenarios_dir = ScenariosDir(), .system_prompt_file = prompt_file.string()});
  ASSERT_TRUE(scenario) << scenario.error().message;
  EXPECT_THAT(scenario->system_prompt, Not(HasSubstr("{examples}")));
  EXPECT_THAT(scenario->system_prompt, HasSubstr("skip_comments"));
}

TEST(LoadScenario, JinjaStyleCompanyPlaceholdersAreSubstituted) {
  const auto prompt_file = Published() / "vlaf" / "alignment_faking_prompt.txt";
  const size_t placeholders = CountOf(testing::ReadFile(prompt_file), "{{ company }}");
  ASSERT_GE(placeholders, 5u);
  auto scenario = LoadScenario(ScenarioOptions{.scenarios_dir = ScenariosDir(),
                                               .system_prompt_file = prompt_file.string(),
                                               .variables = {{"company", "Zeta Labs"}}});
  ASSERT_TRUE(scenario) << scenario.error().message;
  EXPECT_THAT(scenario->system_prompt, Not(HasSubstr("{{")));
  EXPECT_EQ(CountOf(scenario->system_prompt, "Zeta Labs"), placeholders);
  EXPECT_THAT(scenario->system_prompt, HasSubstr("{x:.0f}"));
}

TEST(LoadScenario, ScenarioFolderGivenAsAPathLoads) {
  const auto dir = WriteScenario({{"examples.md", "EX\n"},
                                  {"scenario.yaml",
                                   "name: tiny\nvariables: {company: Acme}\nsections:\n"
                                   "  - {name: a, file: a.md}\n  - {name: b, file: b.md}\n"
                                   "examples: [examples.md]\n"}});
  auto scenario = LoadScenario(ScenarioOptions{.name_or_path = dir.string()});
  ASSERT_TRUE(scenario) << scenario.error().message;
  EXPECT_EQ(scenario->system_prompt, "By Acme.\n\nExamples:\nEX");
  EXPECT_TRUE(scenario->user_suffix.empty());
}

TEST(LoadScenario, ExamplesPlaceholderWithNoExamplesIsAnErrorNamingTheFileAndLine) {
  const auto dir = WriteScenario({});
  auto scenario = LoadScenario(ScenarioOptions{.name_or_path = dir.string()});
  ASSERT_FALSE(scenario);
  EXPECT_EQ(scenario.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(scenario.error().message, HasSubstr((dir / "b.md").string() + ":2: uses {examples}"));
}

TEST(LoadScenario, UnknownVariableIsAnErrorNamingTheFileAndLine) {
  const auto dir = WriteScenario({{"a.md", "Intro.\n\nBy {{ compnay }}.\n"}});
  auto scenario = LoadScenario(ScenarioOptions{.name_or_path = dir.string()});
  ASSERT_FALSE(scenario);
  EXPECT_EQ(scenario.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(scenario.error().message,
              HasSubstr((dir / "a.md").string() + ":3: unknown variable 'compnay'"));
}

TEST(LoadScenario, MissingSectionFileIsNotFoundNamingThePath) {
  const auto dir = WriteScenario({});
  std::filesystem::remove(dir / "a.md");
  auto scenario = LoadScenario(ScenarioOptions{.name_or_path = dir.string()});
  ASSERT_FALSE(scenario);
  EXPECT_EQ(scenario.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(scenario.error().message, HasSubstr((dir / "a.md").string()));
}

TEST(LoadScenario, UnknownScenarioNameIsNotFound) {
  auto scenario =
      LoadScenario(ScenarioOptions{.name_or_path = "no-such", .scenarios_dir = ScenariosDir()});
  ASSERT_FALSE(scenario);
  EXPECT_EQ(scenario.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(scenario.error().message, HasSubstr("unknown scenario 'no-such'"));
}

TEST(LoadScenario, MissingScenarioFolderPathIsNotFound) {
  const auto dir = testing::MakeTempDir() / "absent";
  auto scenario = LoadScenario(ScenarioOptions{.name_or_path = dir.string()});
  ASSERT_FALSE(scenario);
  EXPECT_EQ(scenario.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(scenario.error().message, HasSubstr(dir.string()));
}

TEST(LoadScenario, MissingExternalPromptFileIsNotFound) {
  auto scenario = LoadScenario(ScenarioOptions{.scenarios_dir = ScenariosDir(),
                                               .system_prompt_file = "/no/such/prompt.txt"});
  ASSERT_FALSE(scenario);
  EXPECT_EQ(scenario.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(scenario.error().message, HasSubstr("/no/such/prompt.txt"));
}

TEST(LoadScenario, MisspeltVariableOverrideIsAnError) {
  auto scenario = LoadHelpfulOnly({{"compnay", "OpenAI"}});
  ASSERT_FALSE(scenario);
  EXPECT_THAT(scenario.error().message, HasSubstr("variable 'compnay'"));
}

TEST(LoadScenario, ExamplesFileForAPromptWithoutThePlaceholderIsAnError) {
  const auto dir = WriteScenario({{"b.md", "No placeholder here.\n"}});
  const auto examples = dir / "ex.md";
  testing::WriteFile(examples, "EX\n");
  auto scenario = LoadScenario(
      ScenarioOptions{.name_or_path = dir.string(), .examples_file = examples.string()});
  ASSERT_FALSE(scenario);
  EXPECT_THAT(scenario.error().message, HasSubstr("has no {examples}"));
}

TEST(ListScenarios, FindsTheBuiltInHelpfulOnlyScenario) {
  auto scenarios = ListScenarios(ScenariosDir());
  ASSERT_TRUE(scenarios) << scenarios.error().message;
  ASSERT_FALSE(scenarios->empty());
  bool found = false;
  for (const auto& info : *scenarios) found = found || info.name == "helpful-only";
  EXPECT_TRUE(found);
}

TEST(ListScenarios, MissingFolderIsNotFound) {
  auto scenarios = ListScenarios(testing::MakeTempDir() / "absent");
  ASSERT_FALSE(scenarios);
  EXPECT_EQ(scenarios.error().kind, ErrorKind::kNotFound);
}

}  // namespace
}  // namespace afbench
