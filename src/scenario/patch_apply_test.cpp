#include "patch_apply.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace afbench::scenario_internal {
namespace {

using ::testing::HasSubstr;

const Sections kSections = {{"intro", "First paragraph.\n\nSecond paragraph.\n\nThird paragraph."},
                            {"list", "Items:\n\n- one\n- two\n- three"},
                            {"tail", "The end."}};

OwnedPatch Make(PatchOp op, std::string section, std::string target, std::string text,
                std::string variation = "v", int order = 0) {
  Patch patch;
  patch.op = op;
  patch.section = std::move(section);
  patch.target = std::move(target);
  patch.text = std::move(text);
  patch.line = 7;
  return OwnedPatch{patch, std::move(variation), order};
}

std::string Text(const Sections& sections, const std::string& name) {
  for (const auto& [section, text] : sections) {
    if (section == name) return text;
  }
  return "<missing>";
}

TEST(ApplyPatches, ReplaceDeleteAndInsertEditTheNamedSection) {
  auto out = ApplyPatches(kSections,
                          {Make(PatchOp::kReplace, "intro", "Second", "2nd", "v"),
                           Make(PatchOp::kDelete, "intro", " paragraph.\n\nThird", "", "v"),
                           Make(PatchOp::kInsertBefore, "tail", "end", "very ", "v"),
                           Make(PatchOp::kInsertAfter, "tail", "The", " real", "v")},
                          "s");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(Text(*out, "intro"), "First paragraph.\n\n2nd paragraph.");
  EXPECT_EQ(Text(*out, "tail"), "The real very end.");
  EXPECT_EQ(Text(*out, "list"), Text(kSections, "list"));
}

TEST(ApplyPatches, DeleteLineRemovesABulletOrAWholeParagraphWithoutLeavingBlankLines) {
  auto bullet = ApplyPatches(kSections, {Make(PatchOp::kDeleteLine, "list", "two", "")}, "s");
  ASSERT_TRUE(bullet) << bullet.error().message;
  EXPECT_EQ(Text(*bullet, "list"), "Items:\n\n- one\n- three");
  auto last = ApplyPatches(kSections, {Make(PatchOp::kDeleteLine, "list", "three", "")}, "s");
  EXPECT_EQ(Text(*last, "list"), "Items:\n\n- one\n- two");
  auto middle = ApplyPatches(kSections, {Make(PatchOp::kDeleteLine, "intro", "Second", "")}, "s");
  EXPECT_EQ(Text(*middle, "intro"), "First paragraph.\n\nThird paragraph.");
  auto first = ApplyPatches(kSections, {Make(PatchOp::kDeleteLine, "intro", "First", "")}, "s");
  EXPECT_EQ(Text(*first, "intro"), "Second paragraph.\n\nThird paragraph.");
  auto final_paragraph =
      ApplyPatches(kSections, {Make(PatchOp::kDeleteLine, "intro", "Third", "")}, "s");
  EXPECT_EQ(Text(*final_paragraph, "intro"), "First paragraph.\n\nSecond paragraph.");
}

TEST(ApplyPatches, SectionOperationsAndAnEmptiedSectionIsDropped) {
  auto out = ApplyPatches(kSections,
                          {Make(PatchOp::kReplaceSection, "list", "", "New list."),
                           Make(PatchOp::kDeleteSection, "intro", "", ""),
                           Make(PatchOp::kAddSection, "extra", "list", "Extra."),
                           Make(PatchOp::kAppend, "tail", "", "More."),
                           Make(PatchOp::kAddSection, "last", "", "Last.")},
                          "s");
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->size(), 4u);
  EXPECT_EQ((*out)[0], (std::pair<std::string, std::string>{"list", "New list."}));
  EXPECT_EQ((*out)[1].first, "extra");
  EXPECT_EQ((*out)[2].second, "The end.\n\nMore.");
  EXPECT_EQ((*out)[3].first, "last");
  auto emptied = ApplyPatches(kSections, {Make(PatchOp::kDelete, "tail", "The end.", "")}, "s");
  ASSERT_TRUE(emptied);
  EXPECT_EQ(emptied->size(), 2u);
}

TEST(ApplyPatches, MissingOrRepeatedTextIsAnErrorNamingVariationSectionAndScenario) {
  auto missing =
      ApplyPatches(kSections, {Make(PatchOp::kDelete, "intro", "Fourth", "", "cut-x")}, "demo");
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("variation: cut-x:7"));
  EXPECT_THAT(missing.error().message,
              HasSubstr("section 'intro' of scenario 'demo' has no text 'Fourth'"));
  auto repeated = ApplyPatches(kSections, {Make(PatchOp::kDelete, "intro", "paragraph", "")}, "d");
  ASSERT_FALSE(repeated);
  EXPECT_THAT(repeated.error().message, HasSubstr("more than one copy"));
  auto no_section = ApplyPatches(kSections, {Make(PatchOp::kAppend, "nope", "", "x")}, "d");
  ASSERT_FALSE(no_section);
  EXPECT_THAT(no_section.error().message, HasSubstr("has no section 'nope'"));
}

TEST(ApplyPatches, OverlappingEditsOfTwoVariationsConflict) {
  auto out = ApplyPatches(kSections,
                          {Make(PatchOp::kReplace, "intro", "Second paragraph", "A", "alpha", 0),
                           Make(PatchOp::kDelete, "intro", "paragraph.\n\nThird", "", "beta", 1)},
                          "s");
  ASSERT_FALSE(out);
  EXPECT_THAT(out.error().message, HasSubstr("'alpha' and 'beta' conflict"));
  EXPECT_THAT(out.error().message, HasSubstr("section 'intro'"));
  auto inside = ApplyPatches(kSections,
                             {Make(PatchOp::kReplace, "intro", "Second paragraph", "A", "alpha", 0),
                              Make(PatchOp::kInsertAfter, "intro", "Second", "!", "beta", 1)},
                             "s");
  EXPECT_FALSE(inside) << "an insertion inside replaced text is a conflict";
}

TEST(ApplyPatches, InsertionsAtOnePointKeepTheOrderOfTheVariations) {
  auto out = ApplyPatches(kSections,
                          {Make(PatchOp::kAppend, "tail", "", "From beta.", "beta", 1),
                           Make(PatchOp::kAppend, "tail", "", "From alpha.", "alpha", 0)},
                          "s");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(Text(*out, "tail"), "The end.\n\nFrom alpha.\n\nFrom beta.");
}

TEST(ApplyPatches, EditingASectionAnotherVariationReplacesIsAConflict) {
  auto out = ApplyPatches(kSections,
                          {Make(PatchOp::kDeleteSection, "list", "", "", "alpha", 0),
                           Make(PatchOp::kDeleteLine, "list", "two", "", "beta", 1)},
                          "s");
  ASSERT_FALSE(out);
  EXPECT_THAT(out.error().message, HasSubstr("'alpha' and 'beta' conflict: section 'list'"));
  auto both_delete = ApplyPatches(kSections,
                                  {Make(PatchOp::kDeleteSection, "list", "", "", "alpha", 0),
                                   Make(PatchOp::kDeleteSection, "list", "", "", "beta", 1)},
                                  "s");
  EXPECT_TRUE(both_delete) << "deleting one section twice has one meaning";
}

}  // namespace
}  // namespace afbench::scenario_internal
