#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "afbench/stats.h"

namespace afbench {
namespace {

// Published values are given to 4 decimals, so they are compared with a tolerance of half a unit in
// the last place.
constexpr double kTable = 0.00005;

TEST(WilsonInterval, MatchesNewcombe1998TableIExample) {
  // Newcombe (1998), 81/263: 95% Wilson interval 0.2553 to 0.3662.
  const Interval ci = WilsonInterval(81, 263);
  EXPECT_NEAR(ci.low, 0.2553, kTable);
  EXPECT_NEAR(ci.high, 0.3662, kTable);
}

TEST(WilsonInterval, IsTheWholeUnitIntervalWhenThereAreNoTrials) {
  const Interval ci = WilsonInterval(0, 0);
  EXPECT_EQ(ci.low, 0.0);
  EXPECT_EQ(ci.high, 1.0);
}

TEST(WilsonInterval, HasExactBoundsForAllFailuresAndAllSuccesses) {
  for (int64_t n : {1, 2, 7, 10, 263, 1000000}) {
    const Interval none = WilsonInterval(0, n);
    EXPECT_EQ(none.low, 0.0) << n;
    EXPECT_GT(none.high, 0.0) << n;
    const Interval all = WilsonInterval(n, n);
    EXPECT_EQ(all.high, 1.0) << n;
    EXPECT_LT(all.low, 1.0) << n;
    // Symmetry: the interval for n - x is the mirror image of the one for x.
    EXPECT_NEAR(all.low, 1.0 - none.high, 1e-12) << n;
  }
  // 0/10 upper limit, Newcombe (1998) example (e)/(f) component: z^2 / (n + z^2) = 0.2775.
  EXPECT_NEAR(WilsonInterval(0, 10).high, 0.2775, kTable);
}

TEST(WilsonInterval, StaysInsideTheUnitIntervalAndContainsTheEstimate) {
  for (int64_t n = 1; n <= 60; ++n) {
    for (int64_t x = 0; x <= n; ++x) {
      const Interval ci = WilsonInterval(x, n);
      const double p = static_cast<double>(x) / static_cast<double>(n);
      EXPECT_GE(ci.low, 0.0);
      EXPECT_LE(ci.high, 1.0);
      EXPECT_LE(ci.low, p);
      EXPECT_GE(ci.high, p);
    }
  }
}

TEST(WilsonInterval, IsNarrowerForASmallerZ) {
  const Interval ci95 = WilsonInterval(30, 100);
  const Interval ci68 = WilsonInterval(30, 100, 1.0);
  EXPECT_GT(ci68.low, ci95.low);
  EXPECT_LT(ci68.high, ci95.high);
}

TEST(WilsonInterval, ClampsOutOfRangeCounts) {
  const Interval over = WilsonInterval(12, 10);
  EXPECT_EQ(over.high, 1.0);
  EXPECT_NEAR(over.low, WilsonInterval(10, 10).low, 1e-15);
  EXPECT_EQ(WilsonInterval(-3, 10).low, 0.0);
  EXPECT_EQ(WilsonInterval(5, -1).high, 1.0);
}

struct NewcombeCase {
  int64_t x1, n1, x2, n2;
  double low, high;
};

// Newcombe (1998), Table II, method 10 (hybrid score, no continuity correction), examples (a)-(h).
// Example (c), 6/7 vs 2/7, is 0.0582 to 0.8062 in the paper; the pair -0.0290 to 0.8423 is
// method 11.
TEST(NewcombeDifference, MatchesNewcombe1998TableIIMethod10) {
  const NewcombeCase cases[] = {
      {56, 70, 48, 80, 0.0524, 0.3339}, {9, 10, 3, 10, 0.1705, 0.8090},
      {6, 7, 2, 7, 0.0582, 0.8062},     {5, 56, 0, 29, -0.0381, 0.1926},
      {0, 10, 0, 20, -0.1611, 0.2775},  {0, 10, 0, 10, -0.2775, 0.2775},
      {10, 10, 0, 20, 0.6791, 1.0000},  {10, 10, 0, 10, 0.6075, 1.0000},
  };
  for (const NewcombeCase& c : cases) {
    const Interval ci = NewcombeDifference(c.x1, c.n1, c.x2, c.n2);
    EXPECT_NEAR(ci.low, c.low, kTable) << c.x1 << "/" << c.n1 << " vs " << c.x2 << "/" << c.n2;
    EXPECT_NEAR(ci.high, c.high, kTable) << c.x1 << "/" << c.n1 << " vs " << c.x2 << "/" << c.n2;
  }
}

TEST(NewcombeDifference, IsAntisymmetricInTheTwoSamples) {
  const Interval forward = NewcombeDifference(56, 70, 48, 80);
  const Interval backward = NewcombeDifference(48, 80, 56, 70);
  EXPECT_NEAR(forward.low, -backward.high, 1e-12);
  EXPECT_NEAR(forward.high, -backward.low, 1e-12);
}

TEST(NewcombeDifference, IsUninformativeWhenASampleIsEmpty) {
  const Interval ci = NewcombeDifference(3, 0, 2, 10);
  EXPECT_EQ(ci.low, -1.0);
  EXPECT_EQ(ci.high, 1.0);
}

TEST(NewcombeDifference, StaysWithinMinusOneAndOne) {
  const Interval extreme = NewcombeDifference(1, 1, 0, 1);
  EXPECT_GE(extreme.low, -1.0);
  EXPECT_EQ(extreme.high, 1.0);
  EXPECT_GT(extreme.low, -1.0);
}

TEST(SummarizeProportion, ReportsRateAndWilsonInterval) {
  const Proportion p = SummarizeProportion(81, 263);
  EXPECT_EQ(p.successes, 81);
  EXPECT_EQ(p.n, 263);
  EXPECT_DOUBLE_EQ(p.rate, 81.0 / 263.0);
  EXPECT_NEAR(p.ci.low, 0.2553, kTable);
  EXPECT_NEAR(p.ci.high, 0.3662, kTable);
}

TEST(SummarizeProportion, HandlesNoTrialsAndOutOfRangeCounts) {
  const Proportion empty = SummarizeProportion(0, 0);
  EXPECT_EQ(empty.rate, 0.0);
  EXPECT_EQ(empty.ci.low, 0.0);
  EXPECT_EQ(empty.ci.high, 1.0);
  const Proportion over = SummarizeProportion(7, 5);
  EXPECT_EQ(over.successes, 5);
  EXPECT_EQ(over.rate, 1.0);
  const Proportion negative = SummarizeProportion(-2, -4);
  EXPECT_EQ(negative.n, 0);
  EXPECT_EQ(negative.successes, 0);
}

TEST(StandardError, IsTheBinomialStandardErrorOfTheRate) {
  // sqrt(p (1 - p) / n) for 81 of 263 (p = 0.30798): 0.028467.
  EXPECT_NEAR(StandardError(81, 263), 0.028467, 1e-6);
  EXPECT_DOUBLE_EQ(SummarizeProportion(81, 263).se, StandardError(81, 263));
  EXPECT_EQ(StandardError(0, 40), 0.0);
  EXPECT_EQ(StandardError(40, 40), 0.0);
  EXPECT_EQ(StandardError(3, 0), 0.0);
  EXPECT_DOUBLE_EQ(StandardError(9, 5), 0.0);  // clamped to 5 of 5
}

TEST(StandardError, IsAboutAQuarterOfTheWilsonWidthForLargeSamples) {
  // For large n the Wilson interval approaches p +- 1.96 SE.
  const Proportion p = SummarizeProportion(4000, 10000);
  EXPECT_NEAR((p.ci.high - p.ci.low) / 2.0, kZ95 * p.se, 1e-5);
}

TEST(DifferenceStandardError, AddsTheTwoVariances) {
  EXPECT_NEAR(DifferenceStandardError(30, 100, 50, 200),
              std::sqrt(0.3 * 0.7 / 100 + 0.25 * 0.75 / 200), 1e-12);
  EXPECT_EQ(DifferenceStandardError(3, 10, 0, 0), 0.0);
}

TEST(CompareIndependent, IsTheNewcombeDifferenceWithItsStandardError) {
  const Difference d =
      CompareIndependent(SummarizeProportion(30, 100), SummarizeProportion(50, 200));
  EXPECT_DOUBLE_EQ(d.estimate, 0.05);
  const Interval ci = NewcombeDifference(30, 100, 50, 200);
  EXPECT_DOUBLE_EQ(d.ci.low, ci.low);
  EXPECT_DOUBLE_EQ(d.ci.high, ci.high);
  EXPECT_DOUBLE_EQ(d.se, DifferenceStandardError(30, 100, 50, 200));
}

}  // namespace
}  // namespace afbench
