#include "manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_paths.h"

namespace afbench::scenario_internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::filesystem::path kPath = "/scn/demo/scenario.yaml";

std::string ErrorOf(std::string_view yaml) {
  auto manifest = ParseManifest(yaml, kPath);
  EXPECT_FALSE(manifest) << "expected an error for:\n" << yaml;
  if (manifest) return "";
  EXPECT_EQ(manifest.error().kind, ErrorKind::kInvalidInput);
  return manifest.error().message;
}

TEST(ParseManifest, ReadsEveryFieldAndResolvesFilesAgainstTheManifestFolder) {
  auto manifest = ParseManifest(
      "name: demo\n"
      "description: A demo.\n"
      "variables: {company: Acme, product: Widget}\n"
      "sections:\n"
      "  - {name: intro, file: sections/01-intro.md}\n"
      "  - {name: rules_2, file: sections/02-rules.md}\n"
      "examples: [examples/a.md, examples/b.md]\n"
      "user_suffix: suffix.md\n",
      kPath);
  ASSERT_TRUE(manifest) << manifest.error().message;
  EXPECT_EQ(manifest->name, "demo");
  EXPECT_EQ(manifest->description, "A demo.");
  EXPECT_EQ(manifest->variables.at("company"), "Acme");
  EXPECT_EQ(manifest->variables.at("product"), "Widget");
  ASSERT_EQ(manifest->sections.size(), 2u);
  EXPECT_EQ(manifest->sections[1].name, "rules_2");
  EXPECT_EQ(manifest->sections[1].file, std::filesystem::path("/scn/demo/sections/02-rules.md"));
  EXPECT_THAT(manifest->examples,
              ElementsAre("/scn/demo/examples/a.md", "/scn/demo/examples/b.md"));
  EXPECT_EQ(manifest->user_suffix, std::filesystem::path("/scn/demo/suffix.md"));
}

TEST(ParseManifest, AFileOutsideTheScenarioLibraryIsRefusedWithItsLine) {
  // /scn/demo/scenario.yaml may name files below /scn (its own folder and its siblings'), only.
  EXPECT_TRUE(ParseManifest("name: demo\nsections:\n  - {name: a, file: ../other/a.md}\n", kPath));
  EXPECT_THAT(ErrorOf("name: demo\nsections:\n  - {name: a, file: ../../etc/passwd}\n"),
              HasSubstr("scenario.yaml:3"));
  EXPECT_THAT(ErrorOf("name: demo\nsections:\n  - {name: a, file: /etc/passwd}\n"),
              HasSubstr("is outside /scn"));
  EXPECT_THAT(ErrorOf("name: demo\nsections: [{name: a, file: a.md}]\nexamples: [/root/x.md]\n"),
              HasSubstr("'examples'"));
}

TEST(ParseManifest, OptionalFieldsMayBeLeftOut) {
  auto manifest = ParseManifest("name: bare\nsections:\n  - {name: only, file: only.md}\n", kPath);
  ASSERT_TRUE(manifest) << manifest.error().message;
  EXPECT_TRUE(manifest->variables.empty());
  EXPECT_TRUE(manifest->examples.empty());
  EXPECT_TRUE(manifest->user_suffix.empty());
}

TEST(ParseManifest, UnknownFieldIsAnErrorWithItsLine) {
  EXPECT_THAT(ErrorOf("name: x\nsections:\n  - {name: a, file: a.md}\nexmples: [b.md]\n"),
              HasSubstr("scenario: /scn/demo/scenario.yaml:4: unknown field 'exmples'"));
}

TEST(ParseManifest, MissingNameOrSectionsIsAnError) {
  EXPECT_THAT(ErrorOf("sections:\n  - {name: a, file: a.md}\n"), HasSubstr("'name'"));
  EXPECT_THAT(ErrorOf("name: x\n"), HasSubstr("missing required field 'sections'"));
  EXPECT_THAT(ErrorOf("name: x\nsections: []\n"), HasSubstr("non-empty list"));
}

TEST(ParseManifest, DuplicateSectionNameIsAnErrorWithItsLine) {
  EXPECT_THAT(ErrorOf("name: x\nsections:\n  - {name: a, file: a.md}\n  - {name: a, file: b.md}\n"),
              HasSubstr(":4: duplicate section name 'a'"));
}

TEST(ParseManifest, MalformedSectionEntryIsAnError) {
  EXPECT_THAT(ErrorOf("name: x\nsections:\n  - a.md\n"), HasSubstr(":3: each section must be"));
  EXPECT_THAT(ErrorOf("name: x\nsections:\n  - {name: 'a b', file: a.md}\n"),
              HasSubstr("section name 'a b'"));
  EXPECT_THAT(ErrorOf("name: x\nsections:\n  - {name: a, file: ''}\n"),
              HasSubstr("must name a file"));
}

TEST(ParseManifest, VariablesMustBeAMapOfIdentifiers) {
  EXPECT_THAT(ErrorOf("name: x\nvariables: [a]\nsections:\n  - {name: a, file: a.md}\n"),
              HasSubstr(":2: 'variables' must be a map"));
  EXPECT_THAT(ErrorOf("name: x\nvariables: {a-b: 1}\nsections:\n  - {name: a, file: a.md}\n"),
              HasSubstr("'a-b' is not an identifier"));
}

TEST(ParseManifest, YamlSyntaxErrorNamesFileAndLine) {
  EXPECT_THAT(ErrorOf("name: x\nsections:\n  - {name: a, file: a.md\n"),
              HasSubstr("scenario: /scn/demo/scenario.yaml:"));
  EXPECT_THAT(ErrorOf("name: [unclosed\n"), HasSubstr("invalid YAML"));
}

TEST(ParseManifest, TopLevelMustBeAMap) {
  EXPECT_THAT(ErrorOf("- just\n- a list\n"), HasSubstr("must be a YAML map"));
}

TEST(LoadManifest, MissingManifestIsNotFound) {
  auto manifest = LoadManifest(testing::MakeTempDir());
  ASSERT_FALSE(manifest);
  EXPECT_EQ(manifest.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(manifest.error().message, HasSubstr("scenario.yaml"));
}

TEST(LoadManifest, HelpfulOnlyListsItsSectionsInPromptOrder) {
  auto manifest = LoadManifest(testing::SourceDir() / "scenarios" / "helpful-only");
  ASSERT_TRUE(manifest) << manifest.error().message;
  std::vector<std::string> names;
  for (const auto& section : manifest->sections) names.push_back(section.name);
  EXPECT_THAT(names, ElementsAre("identity", "reasoning-style", "examples", "strategy",
                                 "helpfulness-criteria", "scratchpad-privacy",
                                 "training-and-deployment", "reminders"));
  EXPECT_EQ(manifest->variables.at("company"), "Anthropic");
  EXPECT_GE(manifest->examples.size(), 2u);
  EXPECT_FALSE(manifest->user_suffix.empty());
}

}  // namespace
}  // namespace afbench::scenario_internal
