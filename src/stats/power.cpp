// Sample sizes and power of the paired comparison of the Tiers (McNemar's test): Connor's normal
// approximation for planning, and the exact power of the test afbench reports, to check it.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "afbench/stats.h"
#include "stats_internal.h"

namespace afbench {
namespace {

// Terms below exp(-50) of the mode's probability add nothing a power figure can show.
constexpr double kIgnoredLog = 50.0;
// A gap equal to the discordant share (every discordant pair one way) computed from counts can
// exceed it by rounding.
constexpr double kRounding = 1e-12;

bool Valid(const PowerAssumptions& a) {
  return a.discordant > 0 && a.discordant <= 1 && a.alpha > 0 && a.alpha < 1 && a.power >= 0.5 &&
         a.power < 1 && a.power > a.alpha;
}

// Connor (1987): the pairs for |delta| at the assumptions' level and power, unrounded.
double ConnorPairs(double delta, const PowerAssumptions& a) {
  const double z_alpha = NormalQuantile(1 - a.alpha / 2);
  const double z_power = NormalQuantile(a.power);
  const double root = z_alpha * std::sqrt(a.discordant) +
                      z_power * std::sqrt(std::max(0.0, a.discordant - delta * delta));
  return root * root / (delta * delta);
}

// Calls visit(i, w) for the outcomes i of Binomial(n, p) from the mode outward, w = P(i) / P(mode),
// until w falls below exp(-kIgnoredLog); returns the sum of the w visited.
template <typename Visit>
double WalkFromMode(int64_t n, double p, Visit visit) {
  if (!(p > 0) || !(p < 1)) {
    visit(p > 0 ? n : 0, 1.0);
    return 1.0;
  }
  const stats::PmfWalk walk(n, p);
  double total = 0.0;
  double l = 0.0;
  for (int64_t i = walk.mode(); i <= n && l > -kIgnoredLog; ++i) {
    visit(i, std::exp(l));
    total += std::exp(l);
    if (i < n) l += walk.Step(i);
  }
  l = 0.0;
  for (int64_t i = walk.mode() - 1; i >= 0; --i) {
    l -= walk.Step(i);
    if (l <= -kIgnoredLog) break;
    visit(i, std::exp(l));
    total += std::exp(l);
  }
  return total;
}

// The rejection region of McNemarExactP at level alpha: for d discordant pairs, the largest
// k <= d / 2 with McNemarExactP(k, d - k) <= alpha (the test rejects at k or fewer free-only pairs,
// and symmetrically), or -1 when no split of d pairs is significant. Each d is computed once; k
// never falls as d grows, so a neighbour's k is where the search starts.
class CriticalCounts {
 public:
  explicit CriticalCounts(double alpha) : alpha_(alpha) {}

  double alpha() const { return alpha_; }

  int64_t At(int64_t d) {
    if (auto known = known_.find(d); known != known_.end()) return known->second;
    int64_t k = Neighbour(d);
    while (k + 1 <= d / 2 && Significant(k + 1, d)) ++k;
    while (k >= 0 && !Significant(k, d)) --k;
    known_[d] = k;
    return k;
  }

 private:
  bool Significant(int64_t k, int64_t d) const { return McNemarExactP(k, d - k) <= alpha_; }

  int64_t Neighbour(int64_t d) const {
    if (auto below = known_.find(d - 1); below != known_.end()) return below->second;
    if (auto above = known_.find(d + 1); above != known_.end()) return above->second;
    if (!Significant(0, d)) return -1;
    int64_t low = 0, high = d / 2 + 1;  // significant at low, not at high (p rises with k)
    while (high - low > 1) {
      const int64_t mid = low + (high - low) / 2;
      (Significant(mid, d) ? low : high) = mid;
    }
    return low;
  }

  double alpha_;
  std::unordered_map<int64_t, int64_t> known_;
};

// P(the test rejects | d discordant pairs), each free-only with probability `within`.
double RejectGivenDiscordant(int64_t d, double within, CriticalCounts& critical) {
  const int64_t k = critical.At(d);
  if (k < 0) return 0.0;
  double rejected = 0.0;
  const double total = WalkFromMode(d, within, [&](int64_t i, double w) {
    if (i <= k || i >= d - k) rejected += w;
  });
  return rejected / total;
}

// McNemarExactPower for valid inputs, with the critical counts of earlier calls.
double ExactPower(int64_t pairs, double gap, double discordant, CriticalCounts& critical) {
  // Given a discordant pair, it is free-only with probability p10 / psi = (psi + delta) / (2 psi).
  const double within = std::clamp((discordant + std::abs(gap)) / (2 * discordant), 0.0, 1.0);
  double rejected = 0.0;
  const double total = WalkFromMode(pairs, discordant, [&](int64_t d, double w) {
    rejected += w * RejectGivenDiscordant(d, within, critical);
  });
  return std::clamp(rejected / total, 0.0, 1.0);
}

bool ExactInRange(int64_t pairs) { return pairs > 0 && pairs <= kMaxExactPowerPairs; }

// Power searches: one assumption set, its critical counts kept across the searched designs.
struct PowerSearch {
  const PowerAssumptions& assumptions;
  CriticalCounts critical{assumptions.alpha};

  bool Reaches(int64_t pairs, double delta) {
    return ExactPower(pairs, delta, assumptions.discordant, critical) >= assumptions.power;
  }
};

}  // namespace

bool GapFitsDiscordant(double gap, double discordant) {
  return std::isfinite(gap) && gap != 0 && std::abs(gap) <= discordant + kRounding;
}

double NormalQuantile(double p) {
  if (!(p >= 0 && p <= 1)) return std::nan("");
  if (p == 0) return -INFINITY;
  if (p == 1) return INFINITY;
  double low = -40, high = 40;  // Phi(low) < p < Phi(high); Phi(x) = erfc(-x / sqrt 2) / 2
  for (int i = 0; i < 100; ++i) {
    const double mid = (low + high) / 2;
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? low : high) = mid;
  }
  return (low + high) / 2;
}

std::optional<int64_t> PairsToDetectGap(double gap, const PowerAssumptions& assumptions) {
  if (!Valid(assumptions) || !GapFitsDiscordant(gap, assumptions.discordant)) return std::nullopt;
  const double pairs = std::ceil(ConnorPairs(std::abs(gap), assumptions) - 1e-9);
  if (!(pairs < 1e15)) return std::nullopt;
  return std::max<int64_t>(1, static_cast<int64_t>(pairs));
}

std::optional<double> SmallestDetectableGap(int64_t pairs, const PowerAssumptions& assumptions) {
  if (!Valid(assumptions) || pairs <= 0) return std::nullopt;
  const double n = static_cast<double>(pairs);
  if (ConnorPairs(assumptions.discordant, assumptions) > n) return std::nullopt;
  double low = 0, high = assumptions.discordant;  // ConnorPairs(low) > n >= ConnorPairs(high)
  for (int i = 0; i < 100; ++i) {
    const double mid = (low + high) / 2;
    (ConnorPairs(mid, assumptions) > n ? low : high) = mid;
  }
  return high;
}

std::optional<double> McNemarExactPower(int64_t pairs, double gap, double discordant,
                                        double alpha) {
  if (!ExactInRange(pairs) || !(discordant > 0 && discordant <= 1) || !(alpha > 0 && alpha < 1) ||
      !std::isfinite(gap) || std::abs(gap) > discordant + kRounding) {
    return std::nullopt;
  }
  CriticalCounts critical(alpha);
  return ExactPower(pairs, gap, discordant, critical);
}

std::optional<int64_t> ExactPairsToDetectGap(double gap, const PowerAssumptions& assumptions) {
  const auto connor = PairsToDetectGap(gap, assumptions);
  if (!connor || !ExactInRange(*connor)) return std::nullopt;
  const double delta = std::abs(gap);
  PowerSearch search{assumptions};
  int64_t high = *connor;  // reaches the power
  while (!search.Reaches(high, delta)) {
    if (high > kMaxExactPowerPairs / 2) return std::nullopt;
    high += high / 8 + 1;
  }
  int64_t low = high;  // does not reach it, or 0
  while (low > 0 && search.Reaches(low, delta)) low -= low / 8 + 1;
  low = std::max<int64_t>(low, 0);
  while (high - low > 1) {
    const int64_t mid = low + (high - low) / 2;
    (search.Reaches(mid, delta) ? high : low) = mid;
  }
  return high;
}

std::optional<double> ExactSmallestDetectableGap(int64_t pairs,
                                                 const PowerAssumptions& assumptions) {
  if (!Valid(assumptions) || !ExactInRange(pairs)) return std::nullopt;
  PowerSearch search{assumptions};
  if (!search.Reaches(pairs, assumptions.discordant)) return std::nullopt;
  double low = 0, high = assumptions.discordant;  // power(low) < target <= power(high)
  for (int i = 0; i < 24; ++i) {
    const double mid = (low + high) / 2;
    (search.Reaches(pairs, mid) ? high : low) = mid;
  }
  return high;
}

}  // namespace afbench
