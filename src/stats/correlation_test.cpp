#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "afbench/stats.h"

namespace afbench {
namespace {

TEST(PearsonCorrelation, MatchesAHandComputedExample) {
  // x = 1..5, y = 2, 4, 5, 4, 5: sxy = 6, sxx = 10, syy = 6 -> r = 6 / sqrt(60) = 0.774597.
  const std::vector<double> x = {1, 2, 3, 4, 5}, y = {2, 4, 5, 4, 5};
  const auto c = PearsonCorrelation(x, y);
  ASSERT_TRUE(c.has_value());
  EXPECT_NEAR(c->r, 0.774597, 1e-6);
  EXPECT_EQ(c->n, 5);
  // Fisher: tanh(atanh(r) -+ 1.96 / sqrt(2)).
  EXPECT_NEAR(c->ci.low, std::tanh(std::atanh(c->r) - kZ95 / std::sqrt(2.0)), 1e-12);
  EXPECT_LT(c->ci.low, c->r);
  EXPECT_GT(c->ci.high, c->r);
  EXPECT_LE(c->ci.high, 1.0);
}

TEST(PearsonCorrelation, IsSignedAndScaleFree) {
  const std::vector<double> x = {0.1, 0.2, 0.3, 0.4}, down = {8, 6, 4, 2};
  EXPECT_NEAR(PearsonCorrelation(x, down)->r, -1.0, 1e-12);
}

TEST(PearsonCorrelation, NeedsThreePointsThatVary) {
  const std::vector<double> two = {1, 2}, flat = {3, 3, 3}, three = {1, 2, 3};
  EXPECT_FALSE(PearsonCorrelation(two, two).has_value());
  EXPECT_FALSE(PearsonCorrelation(three, flat).has_value());
  const auto c = PearsonCorrelation(three, three);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->ci.low, -1.0);  // n = 3: Fisher's interval is undefined
}

}  // namespace
}  // namespace afbench
