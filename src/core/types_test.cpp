#include "afbench/types.h"

#include <gtest/gtest.h>

#include "afbench/result.h"

namespace afbench {
namespace {

TEST(Types, OutcomeNamesRoundTrip) {
  for (Outcome outcome : AllOutcomes()) {
    EXPECT_EQ(ParseOutcome(OutcomeName(outcome)), outcome);
  }
  EXPECT_FALSE(ParseOutcome("refused").has_value());
}

TEST(Types, TierNamesRoundTrip) {
  EXPECT_EQ(ParseTier("free"), Tier::kFree);
  EXPECT_EQ(ParseTier("paid"), Tier::kPaid);
  EXPECT_EQ(ParseTier("pro"), Tier::kPro);
  EXPECT_FALSE(ParseTier("Free").has_value());
  EXPECT_FALSE(ParseTier("enterprise").has_value());
  for (Tier tier : AllTiers()) EXPECT_EQ(ParseTier(TierName(tier)), tier);
}

TEST(Types, TiersAreInReportOrderFreeProPaid) {
  // Maps keyed by Tier print in this order; "free" and "paid" are stored strings and must not
  // change.
  ASSERT_EQ(AllTiers().size(), 3u);
  EXPECT_STREQ(TierName(AllTiers()[0]), "free");
  EXPECT_STREQ(TierName(AllTiers()[1]), "pro");
  EXPECT_STREQ(TierName(AllTiers()[2]), "paid");
  EXPECT_LT(Tier::kFree, Tier::kPro);
  EXPECT_LT(Tier::kPro, Tier::kPaid);
  EXPECT_EQ((SampleKey{3, Tier::kPro, 0}).ToString(), "q3/pro/e0");
}

TEST(Types, SampleKeyPrintsAllThreeParts) {
  EXPECT_EQ((SampleKey{17, Tier::kPaid, 2}).ToString(), "q17/paid/e2");
}

Result<int> Half(int x) {
  if (x % 2 != 0) return Fail(ErrorKind::kInvalidInput, "odd");
  return x / 2;
}

Status CheckHalf(int x) {
  AFBENCH_RETURN_IF_ERROR(Half(x));
  return {};
}

TEST(Result, CarriesValueOrError) {
  EXPECT_EQ(*Half(4), 2);
  EXPECT_FALSE(Half(3).has_value());
  EXPECT_EQ(Half(3).error().kind, ErrorKind::kInvalidInput);
  EXPECT_TRUE(CheckHalf(4).has_value());
  EXPECT_EQ(CheckHalf(5).error().message, "odd");
}

TEST(Result, RetryableKindsAreTheTransientOnes) {
  EXPECT_TRUE((Error{ErrorKind::kRateLimited, "", std::nullopt}).IsRetryable());
  EXPECT_TRUE((Error{ErrorKind::kTransient, "", std::nullopt}).IsRetryable());
  EXPECT_FALSE((Error{ErrorKind::kAuth, "", std::nullopt}).IsRetryable());
  EXPECT_FALSE((Error{ErrorKind::kInvalidInput, "", std::nullopt}).IsRetryable());
}

}  // namespace
}  // namespace afbench
