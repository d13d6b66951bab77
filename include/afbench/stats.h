// Statistics: confidence intervals and exact tests for the rates a Report shows (compliance,
// alignment-faking reasoning) and for the gap between the free and paid Tiers.
//
// Every function here is pure: it takes counts, returns numbers, does no I/O and keeps no state, so
// all of them are safe to call from any thread. Counts are int64_t; a count outside its range
// (successes < 0, successes > n, n < 0) is clamped into range rather than reported, because these
// functions cannot fail. The methods are the ones a reviewer expects for small samples and rates
// near 0 or 1: Wilson score intervals rather than Wald, Newcombe's hybrid score intervals for
// differences, exact binomial tests.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace afbench {

/// A closed interval [low, high]; for a proportion both ends lie in [0, 1], for a difference in
/// [-1, 1].
struct Interval {
  double low = 0;
  double high = 0;
};

/// The standard normal quantile for a two-sided 95% interval, Phi^-1(0.975).
constexpr double kZ95 = 1.959963984540054;

/// Wilson score interval for a binomial proportion (Wilson 1927; method 3 of Newcombe 1998, no
/// continuity correction). n == 0 -> {0, 1}. The ends are exactly 0 when successes == 0 and exactly
/// 1 when successes == n.
Interval WilsonInterval(int64_t successes, int64_t n, double z = kZ95);

/// Newcombe (1998) method 10: hybrid score interval for p1 - p2 of two independent proportions,
/// built from the Wilson intervals of each. Returns {-1, 1} when n1 or n2 is 0 (nothing is known
/// about the difference).
Interval NewcombeDifference(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double z = kZ95);

/// Exact two-sided binomial test of H0: P(success) = p. The p-value is the total probability of all
/// outcomes no more likely than the observed one (the definition R's binom.test uses, with its 1e-7
/// relative tolerance for ties). Computed in log space relative to the mode, so it stays accurate
/// for n up to 1e6 and beyond (p-values below about 1e-308 come back as 0). n == 0 -> 1. Time
/// O(sqrt(n)) for large n, memory O(1).
double BinomialTwoSidedP(int64_t successes, int64_t n, double p = 0.5);

/// Exact two-sided McNemar test (binomial test on the discordant pairs b, c with p = 0.5);
/// returns 1.0 when b + c == 0. Symmetric in b and c.
double McNemarExactP(int64_t b, int64_t c);

/// A rate with its sample size and Wilson interval, as a Report prints it.
struct Proportion {
  int64_t successes = 0;
  int64_t n = 0;
  double rate =
      0;  ///< successes / n, or 0 when n == 0 (the interval {0, 1} then says nothing is known).
  Interval ci;    ///< WilsonInterval(successes, n, z).
  double se = 0;  ///< StandardError(successes, n): the paper's ±1 SE error bar.
};

/// One standard error of a proportion, sqrt(p (1 - p) / n) with p = successes / n: the error bars
/// Greenblatt et al. 2024 draw (±1 SE). n == 0 -> 0 (the interval {0, 1} then says nothing is
/// known). Counts are clamped as above.
double StandardError(int64_t successes, int64_t n);

/// One standard error of p1 - p2 for two independent proportions, sqrt(se1^2 + se2^2); 0 when n1
/// or n2 is 0.
double DifferenceStandardError(int64_t x1, int64_t n1, int64_t x2, int64_t n2);

/// Summarises `successes` out of `n` (clamped as described above) with a Wilson interval.
Proportion SummarizeProportion(int64_t successes, int64_t n, double z = kZ95);

/// A difference of two independent rates, a.rate - b.rate, with its Newcombe method-10 interval
/// and its standard error.
struct Difference {
  double estimate = 0;
  Interval ci{-1.0, 1.0};
  double se = 0;
};

/// a - b for two independent Proportions (NewcombeDifference, DifferenceStandardError).
Difference CompareIndependent(const Proportion& a, const Proportion& b, double z = kZ95);

/// Pearson's correlation of paired values, with the 95% interval of Fisher's z transform.
struct Correlation {
  double r = 0;
  int64_t n = 0;           ///< Number of (x, y) points.
  Interval ci{-1.0, 1.0};  ///< tanh(atanh(r) -+ z / sqrt(n - 3)); {-1, 1} when n <= 3.
};

/// Pearson's r of x and y (the shorter length counts); nullopt with fewer than 3 points or when x
/// or y does not vary.
std::optional<Correlation> PearsonCorrelation(std::span<const double> x, std::span<const double> y,
                                              double z = kZ95);

/// One query's outcome in both Tiers: did the model comply when told it was in the free / paid
/// Tier?
struct PairedOutcome {
  bool free_complied = false;
  bool paid_complied = false;
};

/// The paired 2x2 table of a query set run in both Tiers. free_only and paid_only are the
/// discordant pairs (McNemar's b and c).
struct PairedCounts {
  int64_t both = 0, free_only = 0, paid_only = 0, neither = 0;

  /// The number of pairs (queries).
  int64_t Total() const { return both + free_only + paid_only + neither; }
};

/// Tallies per-query paired outcomes into a 2x2 table.
PairedCounts CountPairs(std::span<const PairedOutcome> outcomes);

/// Newcombe (1998, "... based on paired data", Stat Med 17:2635) method 10: hybrid score interval
/// for the difference of the free and paid compliance rates on the same queries, with the phi
/// correlation correction. Returns {-1, 1} when there are no pairs.
Interval NewcombePairedDifference(const PairedCounts& counts, double z = kZ95);

/// One standard error of the paired difference of rates (free_only - paid_only) / n: sqrt((d - m^2)
/// / n) with d the discordant share and m the difference. 0 when there are no pairs.
double PairedDifferenceStandardError(const PairedCounts& counts);

/// Everything a Report states about the compliance gap between the Tiers on one query set.
struct PairedComparison {
  PairedCounts counts;
  Proportion free_tier;      ///< (both + free_only) / Total().
  Proportion paid_tier;      ///< (both + paid_only) / Total().
  double difference = 0;     ///< free_tier.rate - paid_tier.rate (the compliance gap).
  Interval difference_ci;    ///< NewcombePairedDifference(counts, z).
  double difference_se = 0;  ///< PairedDifferenceStandardError(counts).
  double mcnemar_p = 1;      ///< McNemarExactP(free_only, paid_only).
};

/// Summarises a paired 2x2 table: both rates, their difference with its paired interval, and
/// McNemar's p.
PairedComparison ComparePaired(const PairedCounts& counts, double z = kZ95);

/// The standard normal quantile Phi^-1(p) for p in (0, 1), to about 1e-12; -inf / +inf at 0 / 1
/// and NaN outside [0, 1].
double NormalQuantile(double p);

/// What planning a paired comparison (a query set run in both Tiers, compared with McNemar's test)
/// assumes. `discordant` is psi, the share of pairs whose outcome differs between the Tiers
/// ((free_only + paid_only) / pairs): it comes from a pilot run or a guess, and the pairs needed
/// grow with it. Valid assumptions have 0 < discordant <= 1, 0 < alpha < 1 and 0.5 <= power < 1.
struct PowerAssumptions {
  double discordant = 0.15;
  double alpha = 0.05;  ///< Two-sided level of the test.
  double power = 0.8;   ///< Probability of detecting the gap when it is there.
};

/// Whether a gap (a share, either sign) can exist with `discordant` pairs differing: nonzero,
/// finite and |gap| <= discordant (up to rounding). Every power function refuses the others.
bool GapFitsDiscordant(double gap, double discordant);

/// The largest number of pairs whose exact power is computed (the cost grows as pairs^1.5).
constexpr int64_t kMaxExactPowerPairs = 200'000;

/// Pairs needed to detect a compliance gap `gap` (free - paid, as a share; its sign does not
/// matter) with McNemar's test, by Connor's (1987, Biometrics 43:207) normal approximation:
/// n = ceil([z(1 - alpha/2) sqrt(psi) + z(power) sqrt(psi - gap^2)]^2 / gap^2). nullopt for invalid
/// assumptions, gap == 0, or |gap| > psi (a gap larger than the discordant share is impossible).
std::optional<int64_t> PairsToDetectGap(double gap, const PowerAssumptions& assumptions);

/// The inverse: the smallest gap that `pairs` pairs detect with Connor's approximation, in
/// (0, psi]. nullopt for invalid assumptions, pairs <= 0, or when not even gap = psi is detected.
std::optional<double> SmallestDetectableGap(int64_t pairs, const PowerAssumptions& assumptions);

/// The exact power of McNemarExactP at two-sided level alpha with `pairs` pairs, discordant share
/// psi and gap delta: the number of discordant pairs is Binomial(pairs, psi) and, given d of them,
/// the free-only count is Binomial(d, (psi + delta) / (2 psi)); the test rejects where
/// McNemarExactP <= alpha. nullopt for invalid inputs or pairs > kMaxExactPowerPairs.
std::optional<double> McNemarExactPower(int64_t pairs, double gap, double discordant, double alpha);

/// The smallest number of pairs whose exact power reaches assumptions.power, searched from
/// Connor's figure (exact power is saw-toothed in n; this is the first n of the search that
/// reaches it). nullopt where PairsToDetectGap is, or beyond kMaxExactPowerPairs.
std::optional<int64_t> ExactPairsToDetectGap(double gap, const PowerAssumptions& assumptions);

/// The smallest gap whose exact power with `pairs` pairs reaches assumptions.power. nullopt where
/// SmallestDetectableGap is, or beyond kMaxExactPowerPairs.
std::optional<double> ExactSmallestDetectableGap(int64_t pairs,
                                                 const PowerAssumptions& assumptions);

}  // namespace afbench
