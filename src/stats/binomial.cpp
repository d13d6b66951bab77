#include <algorithm>
#include <cmath>
#include <cstdint>

#include "afbench/stats.h"
#include "stats_internal.h"

namespace afbench {
namespace {

// Outcomes whose probability is within this relative distance of the observed one count as ties, as
// in R's binom.test (relErr = 1 + 1e-7); in log space log(1 + 1e-7) ~= 1e-7.
constexpr double kTieTolerance = 1e-7;
// exp(-800) is 0 in double precision: terms this far below both reference points add nothing.
constexpr double kNegligibleLog = -800.0;

// Sums, over one side of the mode, exp(l(i)) (all outcomes) and exp(l(i) - l_k) (outcomes no more
// likely than the observed one). Stops once both terms are negligible: l(i) falls monotonically
// away from the mode.
struct TailSums {
  double all = 0.0;
  double as_extreme = 0.0;
};

void AddTerm(double l, double l_observed, TailSums& sums) {
  sums.all += std::exp(l);
  if (l <= l_observed + kTieTolerance) sums.as_extreme += std::exp(l - l_observed);
}

bool Negligible(double l, double l_observed) {
  return l < kNegligibleLog && l - l_observed < kNegligibleLog;
}

TailSums SumBothSides(const stats::PmfWalk& walk, int64_t n, double l_observed) {
  TailSums sums;
  double l = 0.0;
  for (int64_t i = walk.mode(); i <= n; ++i) {
    AddTerm(l, l_observed, sums);
    if (i == n || Negligible(l, l_observed)) break;
    l += walk.Step(i);
  }
  l = 0.0;
  for (int64_t i = walk.mode() - 1; i >= 0; --i) {
    l -= walk.Step(i);
    AddTerm(l, l_observed, sums);
    if (Negligible(l, l_observed)) break;
  }
  return sums;
}

}  // namespace

double BinomialTwoSidedP(int64_t successes, int64_t n, double p) {
  if (n <= 0) return 1.0;
  successes = stats::ClampCount(successes, n);
  // Degenerate null hypotheses: only one outcome is possible.
  if (!(p > 0.0)) return successes == 0 ? 1.0 : 0.0;
  if (!(p < 1.0)) return successes == n ? 1.0 : 0.0;
  const stats::PmfWalk walk(n, p);
  const double l_observed = walk.LogRatioAt(successes);
  const TailSums sums = SumBothSides(walk, n, l_observed);
  // P = P(observed) * as_extreme = exp(l_observed) / all * as_extreme, combined in log space.
  const double log_p = l_observed + std::log(sums.as_extreme) - std::log(sums.all);
  return std::min(1.0, std::exp(log_p));
}

double McNemarExactP(int64_t b, int64_t c) {
  b = std::max<int64_t>(b, 0);
  c = std::max<int64_t>(c, 0);
  if (b + c == 0) return 1.0;
  // Under H0 each discordant pair is equally likely to fall either way (McNemar 1947; exact form as
  // in Fagerland, Lydersen & Laake 2013).
  return BinomialTwoSidedP(std::min(b, c), b + c, 0.5);
}

}  // namespace afbench
