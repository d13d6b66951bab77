#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "afbench/stats.h"

namespace afbench {
namespace {

// The default level and power with discordant share `psi`.
PowerAssumptions Psi(double psi) {
  PowerAssumptions a;
  a.discordant = psi;
  return a;
}

TEST(NormalQuantile, MatchesTabulatedValuesAndIsSymmetric) {
  EXPECT_NEAR(NormalQuantile(0.975), kZ95, 1e-10);
  EXPECT_NEAR(NormalQuantile(0.8), 0.8416212335729143, 1e-10);
  EXPECT_NEAR(NormalQuantile(0.5), 0.0, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.1), -NormalQuantile(0.9), 1e-12);
  EXPECT_EQ(NormalQuantile(1.0), INFINITY);
  EXPECT_TRUE(std::isnan(NormalQuantile(1.5)));
}

TEST(PairsToDetectGap, IsConnorsFormula) {
  // [1.959964 sqrt(0.12) + 0.841621 sqrt(0.12 - 0.0009)]^2 / 0.0009 = 1044.16 -> 1045 pairs: the
  // "about 1,000 paired prompts for 80% power on a 3-point gap" of published replications.
  const PowerAssumptions a{.discordant = 0.12, .alpha = 0.05, .power = 0.8};
  EXPECT_EQ(PairsToDetectGap(0.03, a), 1045);
  EXPECT_EQ(PairsToDetectGap(-0.03, a), 1045);  // the direction does not matter
  EXPECT_EQ(PairsToDetectGap(0.10, Psi(0.15)), 116);
  // More discordant pairs, more noise: more pairs for the same gap.
  EXPECT_GT(*PairsToDetectGap(0.03, Psi(0.3)), *PairsToDetectGap(0.03, a));
}

TEST(PairsToDetectGap, RefusesImpossibleDesigns) {
  EXPECT_FALSE(PairsToDetectGap(0.0, {}));
  EXPECT_FALSE(PairsToDetectGap(0.2, Psi(0.1)));  // a gap above psi cannot happen
  EXPECT_FALSE(PairsToDetectGap(0.05, Psi(0.0)));
  EXPECT_FALSE(PairsToDetectGap(0.05, {.discordant = 0.2, .alpha = 0.0, .power = 0.8}));
  EXPECT_FALSE(PairsToDetectGap(0.05, {.discordant = 0.2, .alpha = 0.05, .power = 1.0}));
  EXPECT_FALSE(PairsToDetectGap(NAN, {}));
}

TEST(SmallestDetectableGap, InvertsPairsToDetectGap) {
  const PowerAssumptions a = Psi(0.2);
  for (int64_t pairs : {50, 400, 1000, 20000}) {
    const auto gap = SmallestDetectableGap(pairs, a);
    ASSERT_TRUE(gap.has_value()) << pairs;
    EXPECT_LE(*PairsToDetectGap(*gap, a), pairs);
    EXPECT_GT(*PairsToDetectGap(*gap * 0.99, a), pairs);
  }
  EXPECT_FALSE(SmallestDetectableGap(2, a));  // not even gap = psi is detected
  EXPECT_FALSE(SmallestDetectableGap(0, a));
}

TEST(McNemarExactPower, MatchesHandComputedCases) {
  // Six pairs, all discordant and all free-only: the exact p is 2/64 <= 0.05, always rejected.
  EXPECT_NEAR(*McNemarExactPower(6, 1.0, 1.0, 0.05), 1.0, 1e-12);
  // Six pairs, all discordant, each free-only with probability 3/4: only 0/6 and 6/6 reject
  // (McNemarExactP(1, 5) = 0.219), so power = 0.25^6 + 0.75^6.
  EXPECT_NEAR(*McNemarExactPower(6, 0.5, 1.0, 0.05), 0.17822265625, 1e-12);
  // Five pairs can never reject at 5% (the smallest exact p is 2/32).
  EXPECT_EQ(*McNemarExactPower(5, 1.0, 1.0, 0.05), 0.0);
}

TEST(McNemarExactPower, HoldsItsLevelWithoutAGap) {
  for (int64_t pairs : {30, 200, 1500}) {
    EXPECT_LE(*McNemarExactPower(pairs, 0.0, 0.2, 0.05), 0.05) << pairs;
  }
}

// The exact figure against a simulation of the test afbench reports.
TEST(McNemarExactPower, AgreesWithASimulationOfTheTest) {
  const int64_t pairs = 300;
  const double psi = 0.2, gap = 0.08;
  std::mt19937_64 rng(7);
  std::discrete_distribution<int> cell({(psi + gap) / 2, (psi - gap) / 2, 1 - psi});
  const int trials = 20000;
  int rejected = 0;
  for (int t = 0; t < trials; ++t) {
    int64_t free_only = 0, paid_only = 0;
    for (int64_t i = 0; i < pairs; ++i) {
      const int which = cell(rng);
      free_only += which == 0;
      paid_only += which == 1;
    }
    rejected += McNemarExactP(free_only, paid_only) <= 0.05;
  }
  const double simulated = static_cast<double>(rejected) / trials;
  // The simulation's SE is about 0.0035; 0.015 is over four of them.
  EXPECT_NEAR(*McNemarExactPower(pairs, gap, psi, 0.05), simulated, 0.015);
}

TEST(McNemarExactPower, RefusesWhatItCannotCompute) {
  EXPECT_FALSE(McNemarExactPower(0, 0.1, 0.2, 0.05));
  EXPECT_FALSE(McNemarExactPower(kMaxExactPowerPairs + 1, 0.1, 0.2, 0.05));
  EXPECT_FALSE(McNemarExactPower(100, 0.3, 0.2, 0.05));
}

TEST(ExactPairsToDetectGap, ReachesThePowerNearConnorsFigure) {
  const PowerAssumptions a = Psi(0.12);
  const auto exact = ExactPairsToDetectGap(0.03, a);
  ASSERT_TRUE(exact.has_value());
  EXPECT_GE(*McNemarExactPower(*exact, 0.03, 0.12, 0.05), 0.8);
  EXPECT_NEAR(static_cast<double>(*exact), 1045.0, 1045.0 * 0.1);
}

TEST(ExactSmallestDetectableGap, IsDetectedWithTheAskedPower) {
  const PowerAssumptions a = Psi(0.2);
  const auto gap = ExactSmallestDetectableGap(400, a);
  ASSERT_TRUE(gap.has_value());
  EXPECT_GE(*McNemarExactPower(400, *gap, 0.2, 0.05), 0.8);
  EXPECT_LT(*McNemarExactPower(400, *gap - 0.005, 0.2, 0.05), 0.8);
  EXPECT_NEAR(*gap, *SmallestDetectableGap(400, a), 0.01);
}

}  // namespace
}  // namespace afbench
