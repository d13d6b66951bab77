#include "template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace afbench::scenario_internal {
namespace {

using ::testing::HasSubstr;

const std::map<std::string, std::string> kVariables = {{"company", "Acme"}, {"tier_word", "free"}};

Result<std::string> Render(std::string_view text, std::set<std::string>* used = nullptr) {
  return RenderVariables(TemplateText{text, "dir/file.md"}, kVariables, used);
}

TEST(RenderVariables, ReplacesVariablesWithOrWithoutInnerSpaces) {
  auto out = Render("{{company}} / {{ company }} / {{\tcompany  }} / {{tier_word}}");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, "Acme / Acme / Acme / free");
}

TEST(RenderVariables, LeavesEveryOtherBraceUntouched) {
  const std::string code =
      "f\"{x:.0f}\" find -exec du {} + {company} { company } {{ a.b }} {{}} {{ 1x }} {examples} {{ "
      "company";
  auto out = Render(code);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, code);
}

TEST(RenderVariables, SubstitutesInsideExtraBracesAndDoesNotRescanValues) {
  const std::map<std::string, std::string> variables = {{"a", "<{{a}}>"}};
  auto out = RenderVariables(TemplateText{"{{{a}}}", "x"}, variables, nullptr);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, "{<{{a}}>}");
}

TEST(RenderVariables, UnknownVariableIsAnErrorNamingFileAndLine) {
  auto out = Render("first line\nsecond {{company}}\nthird {{ compnay }}\n");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, ErrorKind::kInvalidInput);
  EXPECT_THAT(out.error().message,
              HasSubstr("scenario: dir/file.md:3: unknown variable 'compnay'"));
  EXPECT_THAT(out.error().message, HasSubstr("company, tier_word"));
}

TEST(RenderVariables, RecordsWhichVariablesWereUsed) {
  std::set<std::string> used;
  ASSERT_TRUE(Render("{{ company }} and {{company}}", &used));
  EXPECT_EQ(used, std::set<std::string>{"company"});
}

TEST(ReplaceExamples, ReplacesEveryExactPlaceholderAndCountsThem) {
  int count = -1;
  EXPECT_EQ(ReplaceExamples("a {examples} b {examples}", "EX", &count), "a EX b EX");
  EXPECT_EQ(count, 2);
  EXPECT_EQ(ReplaceExamples("{example} { examples } {Examples}", "EX", &count),
            "{example} { examples } {Examples}");
  EXPECT_EQ(count, 0);
}

TEST(ReplaceExamples, DoesNotRescanInsertedText) {
  int count = 0;
  EXPECT_EQ(ReplaceExamples("[{examples}]", "{examples}", &count), "[{examples}]");
  EXPECT_EQ(count, 1);
}

TEST(LineAt, CountsLinesFromOne) {
  EXPECT_EQ(LineAt("abc", 0), 1);
  EXPECT_EQ(LineAt("a\nb\nc", 4), 3);
  EXPECT_EQ(LineAt("a\n", 99), 2);
}

}  // namespace
}  // namespace afbench::scenario_internal
