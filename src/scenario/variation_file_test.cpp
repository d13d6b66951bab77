#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "afbench/variation.h"
#include "support/test_paths.h"

namespace afbench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::string_view kValid = R"(name: sample
family: rlhf
description: A sample variation.
scenarios: [helpful-only]
variables: {company: OpenAI}
defaults: {company_domain: example.com}
patches:
  - section: training
    replace: "old text"
    with: "new text"
  - section: training
    delete_line: "a bullet"
    scenario: animal-welfare
  - section: strategy
    append: |
      Appended paragraph.
  - add_section: honesty
    after: strategy
    text: Be honest.
  - delete_section: partner
user_turn:
  tier_tags: {free: "<a>1</a>", pro: "<a>2</a>", paid: ""}
protocol: {no_cot: true}
paper:
  - {setting: helpful-only, row: 4, alignment_faking: "7.1 ± 2.0%", refusals_training: "90.8 ± 2.2%", refusals_unmonitored: "98.3 ± 1.0%", compliance_gap: "7.5 ± 2.4%"}
)";

TEST(ParseVariation, ReadsEveryFieldOfAValidFile) {
  auto variation = ParseVariation(kValid, "variations/sample.yaml");
  ASSERT_TRUE(variation) << variation.error().message;
  EXPECT_EQ(variation->name, "sample");
  EXPECT_EQ(variation->family, "rlhf");
  EXPECT_THAT(variation->scenarios, ElementsAre("helpful-only"));
  EXPECT_EQ(variation->variables.at("company"), "OpenAI");
  EXPECT_EQ(variation->defaults.at("company_domain"), "example.com");
  ASSERT_EQ(variation->patches.size(), 5u);
  const Patch& replace = variation->patches[0];
  EXPECT_EQ(replace.op, PatchOp::kReplace);
  EXPECT_EQ(replace.section, "training");
  EXPECT_EQ(replace.target, "old text");
  EXPECT_EQ(replace.text, "new text");
  EXPECT_EQ(replace.line, 8);
  EXPECT_EQ(variation->patches[1].op, PatchOp::kDeleteLine);
  EXPECT_THAT(variation->patches[1].scenarios, ElementsAre("animal-welfare"));
  EXPECT_EQ(variation->patches[2].text, "Appended paragraph.") << "trailing newline dropped";
  EXPECT_EQ(variation->patches[3].op, PatchOp::kAddSection);
  EXPECT_EQ(variation->patches[3].section, "honesty");
  EXPECT_EQ(variation->patches[3].target, "strategy");
  EXPECT_EQ(variation->patches[4].section, "partner");
  EXPECT_EQ(variation->run.tier_tags.at(Tier::kFree), "<a>1</a>");
  EXPECT_EQ(variation->run.tier_tags.at(Tier::kPro), "<a>2</a>");
  EXPECT_EQ(variation->run.tier_tags.at(Tier::kPaid), "");
  EXPECT_EQ(variation->run.no_cot, true);
  ASSERT_EQ(variation->paper.size(), 1u);
  EXPECT_EQ(variation->paper[0].row, 4);
  EXPECT_EQ(variation->paper[0].compliance_gap, "7.5 ± 2.4%");
}

TEST(ParseVariation, AnUnknownTierInTierTagsIsAnErrorWithItsLine) {
  auto variation = ParseVariation(
      "name: x\ndescription: d\nuser_turn:\n  tier_tags: {enterprise: \"<e/>\"}\n", "x.yaml");
  ASSERT_FALSE(variation);
  EXPECT_THAT(variation.error().message, HasSubstr("x.yaml:4"));
  EXPECT_THAT(variation.error().message, HasSubstr("unknown tier 'enterprise'"));
}

TEST(ParseVariation, UnknownFieldIsAnErrorWithItsLine) {
  auto variation = ParseVariation("name: x\ndescription: d\npatchs: []\n", "x.yaml");
  ASSERT_FALSE(variation);
  EXPECT_THAT(variation.error().message, HasSubstr("x.yaml:3"));
  EXPECT_THAT(variation.error().message, HasSubstr("unknown field 'patchs'"));
}

TEST(ParseVariation, PatchWithTwoOperationsOrMissingFieldIsRejected) {
  auto two = ParseVariation(
      "name: x\ndescription: d\npatches:\n  - {section: s, delete: a, delete_line: b}\n", "x.yaml");
  ASSERT_FALSE(two);
  EXPECT_THAT(two.error().message, HasSubstr("exactly one operation"));
  auto missing =
      ParseVariation("name: x\ndescription: d\npatches:\n  - {section: s, replace: a}\n", "x.yaml");
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("replace needs 'with'"));
}

TEST(ParseVariation, NameMustMatchTheFileAndTheVariationMustChangeSomething) {
  auto renamed = ParseVariation("name: other\ndescription: d\nvariables: {a: b}\n", "v/x.yaml");
  ASSERT_FALSE(renamed);
  EXPECT_THAT(renamed.error().message, HasSubstr("must match the file name x.yaml"));
  auto empty = ParseVariation("name: x\ndescription: d\n", "x.yaml");
  ASSERT_FALSE(empty);
  EXPECT_THAT(empty.error().message, HasSubstr("changes nothing"));
}

TEST(ParseVariation, InvalidYamlIsReportedWithTheFile) {
  auto variation = ParseVariation("name: [unclosed\n", "bad.yaml");
  ASSERT_FALSE(variation);
  EXPECT_EQ(variation.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(variation.error().message, HasSubstr("variation: bad.yaml"));
}

TEST(SplitVariationNames, DropsBlanksAndDefault) {
  EXPECT_THAT(SplitVariationNames(" a, b ,,default"), ElementsAre("a", "b"));
  EXPECT_TRUE(SplitVariationNames("default").empty());
  const std::vector<std::string> names = {"a", "b"};
  EXPECT_EQ(VariationLabel(names), "a+b");
  EXPECT_EQ(VariationLabel({}), "default");
}

TEST(LoadVariations, UnknownNameListsTheKnownOnesAndRepeatsAreRejected) {
  const auto dir = testing::MakeTempDir();
  testing::WriteFile(dir / "alpha.yaml", "name: alpha\ndescription: d\nvariables: {a: b}\n");
  testing::WriteFile(dir / "beta.yaml", "name: beta\ndescription: d\nvariables: {c: d}\n");
  const std::vector<std::string> both = {"alpha,beta"};
  auto loaded = LoadVariations(dir, both);
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ((*loaded)[1].name, "beta");
  const std::vector<std::string> unknown = {"gamma"};
  auto missing = LoadVariations(dir, unknown);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("known: alpha, beta"));
  const std::vector<std::string> twice = {"alpha", "alpha"};
  EXPECT_FALSE(LoadVariations(dir, twice));
}

// Every field ParseVariation reads, compared (patch line numbers aside).
void ExpectSameVariation(const Variation& a, const Variation& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.family, b.family);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.scenarios, b.scenarios);
  EXPECT_EQ(a.variables, b.variables);
  EXPECT_EQ(a.defaults, b.defaults);
  EXPECT_EQ(a.provenance, b.provenance);
  EXPECT_EQ(a.run.tier_tags, b.run.tier_tags);
  EXPECT_EQ(a.run.no_cot, b.run.no_cot);
  ASSERT_EQ(a.patches.size(), b.patches.size());
  for (size_t i = 0; i < a.patches.size(); ++i) {
    EXPECT_EQ(a.patches[i].op, b.patches[i].op) << a.name << " patch " << i;
    EXPECT_EQ(a.patches[i].section, b.patches[i].section) << a.name << " patch " << i;
    EXPECT_EQ(a.patches[i].target, b.patches[i].target) << a.name << " patch " << i;
    EXPECT_EQ(a.patches[i].text, b.patches[i].text) << a.name << " patch " << i;
    EXPECT_EQ(a.patches[i].scenarios, b.patches[i].scenarios) << a.name << " patch " << i;
  }
  ASSERT_EQ(a.paper.size(), b.paper.size());
  for (size_t i = 0; i < a.paper.size(); ++i) {
    EXPECT_EQ(a.paper[i].setting, b.paper[i].setting);
    EXPECT_EQ(a.paper[i].row, b.paper[i].row);
    EXPECT_EQ(a.paper[i].alignment_faking, b.paper[i].alignment_faking);
    EXPECT_EQ(a.paper[i].compliance_gap, b.paper[i].compliance_gap);
  }
}

// The library's files (tier tags, no_cot, paper rows, scenario-restricted patches) written back
// read the same.
TEST(VariationToYaml, EveryLibraryVariationReadsBackTheSame) {
  auto all = ListVariations(testing::SourceDir() / "variations");
  ASSERT_TRUE(all) << all.error().message;
  for (const Variation& variation : *all) {
    const std::string yaml = VariationToYaml(variation);
    auto back = ParseVariation(yaml, variation.file);
    ASSERT_TRUE(back) << variation.name << ": " << back.error().message << "\n" << yaml;
    ExpectSameVariation(variation, *back);
  }
}

// Texts that YAML would otherwise change (leading blanks and spaces, quotes, colons, a trailing
// space, markup, non-ASCII text), every patch operation, an empty tier tag and the provenance map.
TEST(VariationToYaml, KeepsTextsThatPlainYamlWouldChange) {
  Variation variation;
  variation.name = "written";
  variation.description = "A: description with \"quotes\" and # hash";
  variation.scenarios = {"helpful-only"};
  variation.provenance = {{"generator", "openai/gpt-4o"}, {"seed", "7"}};
  const std::vector<std::string> texts = {"\n\nStarts with blank lines",
                                          " leading space and trailing space ",
                                          "line one\nline two: {{company}}\n\n- bullet <OUTPUT>",
                                          "caf\xC3\xA9 \xE2\x80\x94 dash", "- looks like a list"};
  for (const std::string& text : texts) {
    Patch patch;
    patch.op = PatchOp::kAppend;
    patch.section = "strategy";
    patch.text = text;
    variation.patches.push_back(patch);
  }
  // One patch of every operation, with the fields each carries.
  for (int op = 0; op <= static_cast<int>(PatchOp::kAddSection); ++op) {
    Patch patch;
    patch.op = static_cast<PatchOp>(op);
    patch.section = patch.op == PatchOp::kAddSection ? "new-section" : "strategy";
    if (patch.op != PatchOp::kAppend && patch.op != PatchOp::kReplaceSection &&
        patch.op != PatchOp::kDeleteSection) {
      patch.target = patch.op == PatchOp::kAddSection ? "strategy" : "anchor text";
    }
    const bool has_text = patch.op != PatchOp::kDelete && patch.op != PatchOp::kDeleteLine &&
                          patch.op != PatchOp::kDeleteSection;
    if (has_text) patch.text = "text of " + std::string(PatchOpName(patch.op));
    patch.scenarios = {"animal-welfare"};
    variation.patches.push_back(patch);
  }
  variation.run.tier_tags = {{Tier::kFree, ""}, {Tier::kPaid, "<tag>x</tag>"}};
  variation.run.no_cot = false;
  auto back = ParseVariation(VariationToYaml(variation), "written.yaml");
  ASSERT_TRUE(back) << back.error().message << "\n" << VariationToYaml(variation);
  ExpectSameVariation(variation, *back);
}

}  // namespace
}  // namespace afbench
