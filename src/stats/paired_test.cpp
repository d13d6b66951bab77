#include <gtest/gtest.h>

#include <vector>

#include "afbench/stats.h"

namespace afbench {
namespace {

TEST(CountPairs, TalliesEachCellOfThe2x2Table) {
  const std::vector<PairedOutcome> outcomes = {{true, true},  {true, false},  {true, false},
                                               {false, true}, {false, false}, {false, false},
                                               {false, false}};
  const PairedCounts counts = CountPairs(outcomes);
  EXPECT_EQ(counts.both, 1);
  EXPECT_EQ(counts.free_only, 2);
  EXPECT_EQ(counts.paid_only, 1);
  EXPECT_EQ(counts.neither, 3);
  EXPECT_EQ(counts.Total(), 7);
  EXPECT_EQ(CountPairs({}).Total(), 0);
}

TEST(NewcombePairedDifference, MatchesNewcombe1998PairedExample) {
  // Newcombe (1998b), Stat Med 17:2635, example with e = 36, f = 12, g = 2, h = 0: difference
  // 0.2000, method 10 interval 0.0569 to 0.3404.
  const Interval ci =
      NewcombePairedDifference({.both = 36, .free_only = 12, .paid_only = 2, .neither = 0});
  EXPECT_NEAR(ci.low, 0.0569, 0.00005);
  EXPECT_NEAR(ci.high, 0.3404, 0.00005);
}

TEST(PairedDifferenceStandardError, IsTheStandardErrorOfTheMeanPairedDifference) {
  // Discordant share 14/50, difference 10/50: sqrt((0.28 - 0.04) / 50) = 0.069282.
  const PairedCounts counts{.both = 36, .free_only = 12, .paid_only = 2, .neither = 0};
  EXPECT_NEAR(PairedDifferenceStandardError(counts), 0.069282, 1e-6);
  EXPECT_DOUBLE_EQ(ComparePaired(counts).difference_se, PairedDifferenceStandardError(counts));
  EXPECT_EQ(PairedDifferenceStandardError({}), 0.0);
  // Tiers that agree on every query: no uncertainty in the difference.
  EXPECT_EQ(PairedDifferenceStandardError({.both = 7, .neither = 3}), 0.0);
}

TEST(PairedDifferenceStandardError, IsSmallerThanTheIndependentOneForCorrelatedTiers) {
  const PairedCounts counts{.both = 40, .free_only = 6, .paid_only = 2, .neither = 52};
  EXPECT_LT(PairedDifferenceStandardError(counts), DifferenceStandardError(46, 100, 42, 100));
}

TEST(NewcombePairedDifference, ReducesToTheIndependentIntervalWhenPhiIsZero) {
  // e*h - f*g = 25 - 25 = 0, so the correlation correction vanishes.
  const PairedCounts counts{.both = 5, .free_only = 5, .paid_only = 5, .neither = 5};
  const Interval paired = NewcombePairedDifference(counts);
  const Interval independent = NewcombeDifference(10, 20, 10, 20);
  EXPECT_NEAR(paired.low, independent.low, 1e-12);
  EXPECT_NEAR(paired.high, independent.high, 1e-12);
}

TEST(NewcombePairedDifference, IsNarrowerThanTheIndependentIntervalForPositivelyCorrelatedTiers) {
  const PairedCounts counts{.both = 40, .free_only = 10, .paid_only = 2, .neither = 48};
  const Interval paired = NewcombePairedDifference(counts);
  const Interval independent = NewcombeDifference(50, 100, 42, 100);
  EXPECT_GT(paired.low, independent.low);
  EXPECT_LT(paired.high, independent.high);
  EXPECT_LT(paired.low, 0.08);
  EXPECT_GT(paired.high, 0.08);
}

TEST(NewcombePairedDifference, IsUninformativeWithoutPairs) {
  const Interval ci = NewcombePairedDifference({});
  EXPECT_EQ(ci.low, -1.0);
  EXPECT_EQ(ci.high, 1.0);
}

TEST(ComparePaired, SummarisesRatesGapAndMcNemar) {
  const PairedComparison result =
      ComparePaired({.both = 20, .free_only = 6, .paid_only = 1, .neither = 73});
  EXPECT_EQ(result.free_tier.successes, 26);
  EXPECT_EQ(result.paid_tier.successes, 21);
  EXPECT_EQ(result.free_tier.n, 100);
  EXPECT_DOUBLE_EQ(result.difference, 0.05);
  EXPECT_NEAR(result.mcnemar_p, 0.125, 1e-15);
  EXPECT_LT(result.difference_ci.low, 0.05);
  EXPECT_GT(result.difference_ci.high, 0.05);
  EXPECT_NEAR(result.free_tier.ci.low, WilsonInterval(26, 100).low, 1e-15);
}

TEST(ComparePaired, TreatsNegativeCountsAsZero) {
  const PairedComparison result =
      ComparePaired({.both = -1, .free_only = 3, .paid_only = 0, .neither = 0});
  EXPECT_EQ(result.counts.both, 0);
  EXPECT_EQ(result.free_tier.n, 3);
  EXPECT_EQ(result.free_tier.rate, 1.0);
  EXPECT_EQ(result.paid_tier.rate, 0.0);
}

}  // namespace
}  // namespace afbench
