#include "judge_prompt.h"

#include <gtest/gtest.h>

#include "support/test_paths.h"

namespace afbench::judge {
namespace {

TEST(Render, ReplacesEachPlaceholderOnceAndNeverExpandsInsertedText) {
  auto text = Render("<output>{{scratchpad}}</output> {{query}}",
                     {{"scratchpad", "model wrote {{query}}"}, {"query", "Q"}});
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "<output>model wrote {{query}}</output> Q");
}

TEST(Render, FailsForAPlaceholderWithoutAValue) {
  auto text = Render("{{missing}}", {});
  ASSERT_FALSE(text.has_value());
  EXPECT_NE(text.error().message.find("missing"), std::string::npos);
}

TEST(LoadPromptTemplate, ReadsSystemAndUserAndHashesThem) {
  const auto dir = testing::MakeTempDir();
  testing::WriteFile(dir / "system.md", "rubric");
  testing::WriteFile(dir / "user.md", "<output>{{scratchpad}}</output>");
  auto prompt = LoadPromptTemplate(dir, {"scratchpad"});
  ASSERT_TRUE(prompt.has_value()) << prompt.error().message;
  EXPECT_EQ(prompt->system, "rubric");
  EXPECT_EQ(prompt->sha256.size(), 64u);
  auto conversation = RenderConversation(*prompt, {{"scratchpad", "S"}});
  ASSERT_TRUE(conversation.has_value());
  EXPECT_EQ(conversation->system, "rubric");
  ASSERT_EQ(conversation->messages.size(), 1u);
  EXPECT_EQ(conversation->messages[0].content, "<output>S</output>");
}

TEST(LoadPromptTemplate, RejectsAnUnknownPlaceholderNamingTheFile) {
  const auto dir = testing::MakeTempDir();
  testing::WriteFile(dir / "user.md", "{{scratchpad}} {{typo}}");
  auto prompt = LoadPromptTemplate(dir, {"scratchpad"});
  ASSERT_FALSE(prompt.has_value());
  EXPECT_NE(prompt.error().message.find("user.md"), std::string::npos);
  EXPECT_NE(prompt.error().message.find("{{typo}}"), std::string::npos);
}

TEST(LoadPromptTemplate, NeedsAUserTemplate) {
  auto prompt = LoadPromptTemplate(testing::MakeTempDir(), {"scratchpad"});
  ASSERT_FALSE(prompt.has_value());
  EXPECT_EQ(prompt.error().kind, ErrorKind::kNotFound);
}

}  // namespace
}  // namespace afbench::judge
