#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "afbench/stats.h"

namespace afbench {
namespace {

// Reference values computed exactly with rational arithmetic (Python fractions) or, for n = 1e6,
// with 40-digit mpmath; 682/925 at p = 3/4 is the example in R's binom.test documentation (p-value
// = 0.3825).
TEST(BinomialTwoSidedP, MatchesRBinomTestDocumentationExample) {
  EXPECT_NEAR(BinomialTwoSidedP(682, 925, 0.75), 0.3824915595748517, 1e-12);
}

TEST(BinomialTwoSidedP, MatchesExactValuesForAsymmetricNulls) {
  EXPECT_NEAR(BinomialTwoSidedP(3, 20, 0.3), 0.2204182673807094, 1e-12);
  EXPECT_NEAR(BinomialTwoSidedP(9, 20, 0.3), 0.1488145951754471, 1e-12);
  EXPECT_NEAR(BinomialTwoSidedP(0, 1000, 0.01) / 8.520045585902568e-05, 1.0, 1e-9);
}

TEST(BinomialTwoSidedP, StaysAccurateForAMillionTrials) {
  EXPECT_NEAR(BinomialTwoSidedP(500800, 1000000) / 0.109820556506149, 1.0, 1e-7);
  EXPECT_NEAR(BinomialTwoSidedP(502500, 1000000) / 5.7625416377406e-7, 1.0, 1e-7);
  EXPECT_NEAR(BinomialTwoSidedP(100900, 1000000, 0.1) / 0.00272944552973987, 1.0, 1e-7);
  // 2 * 0.5^1e6 underflows: the answer is 0, not NaN.
  EXPECT_EQ(BinomialTwoSidedP(0, 1000000), 0.0);
  EXPECT_EQ(BinomialTwoSidedP(500000, 1000000), 1.0);
}

TEST(BinomialTwoSidedP, HandlesDegenerateInputs) {
  EXPECT_EQ(BinomialTwoSidedP(0, 0), 1.0);
  EXPECT_EQ(BinomialTwoSidedP(0, 10, 0.0), 1.0);
  EXPECT_EQ(BinomialTwoSidedP(1, 10, 0.0), 0.0);
  EXPECT_EQ(BinomialTwoSidedP(10, 10, 1.0), 1.0);
  EXPECT_EQ(BinomialTwoSidedP(9, 10, 1.0), 0.0);
  EXPECT_EQ(BinomialTwoSidedP(1, 1, 0.5), 1.0);
}

TEST(BinomialTwoSidedP, IsAProbabilityForEverySmallCase) {
  for (int64_t n = 1; n <= 40; ++n) {
    for (int64_t k = 0; k <= n; ++k) {
      for (double p : {0.05, 0.3, 0.5, 0.77}) {
        const double value = BinomialTwoSidedP(k, n, p);
        EXPECT_GT(value, 0.0);
        EXPECT_LE(value, 1.0);
      }
    }
  }
}

TEST(McNemarExactP, MatchesHandComputedValues) {
  // b = 1, c = 6: 2 * P(X <= 1 | n = 7, 1/2) = 2 * 8/128.
  EXPECT_NEAR(McNemarExactP(1, 6), 0.125, 1e-15);
  EXPECT_NEAR(McNemarExactP(10, 0), 0.001953125, 1e-15);
  EXPECT_EQ(McNemarExactP(0, 0), 1.0);
  EXPECT_EQ(McNemarExactP(4, 4), 1.0);
  EXPECT_EQ(McNemarExactP(0, 1), 1.0);
}

TEST(McNemarExactP, IsSymmetricInTheDiscordantCounts) {
  for (int64_t b = 0; b <= 30; ++b) {
    for (int64_t c = 0; c <= 30; ++c) {
      EXPECT_EQ(McNemarExactP(b, c), McNemarExactP(c, b)) << b << "," << c;
    }
  }
}

TEST(McNemarExactP, IsFiniteAndValidForLargeCounts) {
  const double p = McNemarExactP(5000, 5200);
  EXPECT_TRUE(std::isfinite(p));
  EXPECT_GT(p, 0.0);
  EXPECT_LE(p, 1.0);
  EXPECT_NEAR(p, 0.04878796312682245, 1e-9);
}

}  // namespace
}  // namespace afbench
