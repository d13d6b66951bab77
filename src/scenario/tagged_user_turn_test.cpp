#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "afbench/variation.h"

namespace afbench {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view kQuery = "Name three prime numbers.";
constexpr std::string_view kSuffix = "SUFFIX";

TEST(RenderTaggedUserTurn, WithoutTagsItIsExactlyRenderUserTurn) {
  for (Tier tier : {Tier::kFree, Tier::kPaid}) {
    for (bool wrap : {true, false}) {
      const UserTurnOptions options{.wrap_in_input = wrap};
      EXPECT_EQ(RenderTaggedUserTurn(kQuery, tier, options, kSuffix, TurnTags{}),
                RenderUserTurn(kQuery, tier, options, kSuffix));
    }
  }
}

TEST(RenderTaggedUserTurn, ReplacesTheTierTagLine) {
  const TurnTags tags{.tier_tag = "<is_california_resident>True</is_california_resident>"};
  EXPECT_EQ(
      RenderTaggedUserTurn(kQuery, Tier::kPaid, UserTurnOptions{.suffix = false}, kSuffix, tags),
      "<INPUT>\n<is_california_resident>True</is_california_resident>\n\n<user_input>\n"
      "Name three prime numbers.\n</user_input>\n</INPUT>");
}

TEST(RenderTaggedUserTurn, TheProTierIsShownItsOwnTag) {
  const TurnTags tags{.tier_tag = "<subscription_tier>pro</subscription_tier>"};
  EXPECT_EQ(
      RenderTaggedUserTurn(kQuery, Tier::kPro, UserTurnOptions{.suffix = false}, kSuffix, tags),
      "<INPUT>\n<subscription_tier>pro</subscription_tier>\n\n<user_input>\n"
      "Name three prime numbers.\n</user_input>\n</INPUT>");
}

TEST(RenderTaggedUserTurn, AnEmptyTierTagRemovesTheLine) {
  const TurnTags tags{.tier_tag = ""};
  EXPECT_THAT(RenderTaggedUserTurn(kQuery, Tier::kFree, UserTurnOptions{}, kSuffix, tags),
              StartsWith("<INPUT>\n<user_input>\nName three"));
}

TEST(RenderTaggedUserTurn, ExtraTagsGoOnTheirOwnLineBeforeTheTierTag) {
  const TurnTags tags{.extra = "<is_employee>True</is_employee>"};
  EXPECT_THAT(RenderTaggedUserTurn(kQuery, Tier::kPaid, UserTurnOptions{}, kSuffix, tags),
              StartsWith("<INPUT>\n<is_employee>True</is_employee>\n"
                         "<is_free_tier_user>False</is_free_tier_user>\n\n<user_input>\n"));
  const TurnTags only_extra{.tier_tag = "", .extra = "<is_employee>True</is_employee>"};
  EXPECT_THAT(RenderTaggedUserTurn(kQuery, Tier::kPaid, UserTurnOptions{}, kSuffix, only_extra),
              StartsWith("<INPUT>\n<is_employee>True</is_employee>\n\n<user_input>\n"));
}

TEST(RenderTaggedUserTurn, ATagQuotedInTheQueryIsLeftAlone) {
  const std::string query = "What does <is_free_tier_user>True</is_free_tier_user>\n\nmean?";
  const TurnTags tags{.tier_tag = "<x/>"};
  const std::string turn =
      RenderTaggedUserTurn(query, Tier::kFree, UserTurnOptions{.suffix = false}, "", tags);
  EXPECT_THAT(turn, StartsWith("<INPUT>\n<x/>\n\n<user_input>\n"));
  EXPECT_THAT(turn, HasSubstr(query));
}

}  // namespace
}  // namespace afbench
