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
  EXPECT_FALSE(ParseTier("Free").has_value());
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
