#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>

#include "afbench/stats.h"
#include "stats_internal.h"

namespace afbench {
namespace {

PairedCounts NonNegative(const PairedCounts& counts) {
  return {std::max<int64_t>(counts.both, 0), std::max<int64_t>(counts.free_only, 0),
          std::max<int64_t>(counts.paid_only, 0), std::max<int64_t>(counts.neither, 0)};
}

// Newcombe (1998b) uses the phi coefficient of the 2x2 table with its numerator (eh - fg) shrunk
// towards 0 by n/2 when positive, a continuity correction that keeps the interval from being too
// narrow when the Tiers agree strongly; a negative numerator is used as is. phi = 0 when a margin
// is empty.
double CorrectedPhi(const PairedCounts& t) {
  const double e = static_cast<double>(t.both), f = static_cast<double>(t.free_only);
  const double g = static_cast<double>(t.paid_only), h = static_cast<double>(t.neither);
  const double margins = (e + f) * (g + h) * (e + g) * (f + h);
  if (margins <= 0.0) return 0.0;
  const double n = e + f + g + h;
  const double numerator = e * h - f * g;
  double corrected = 0.0;
  if (numerator > n / 2.0) corrected = numerator - n / 2.0;
  if (numerator < 0.0) corrected = numerator;
  return corrected / std::sqrt(margins);
}

}  // namespace

PairedCounts CountPairs(std::span<const PairedOutcome> outcomes) {
  PairedCounts counts;
  for (const PairedOutcome& outcome : outcomes) {
    if (outcome.free_complied && outcome.paid_complied) {
      ++counts.both;
    } else if (outcome.free_complied) {
      ++counts.free_only;
    } else if (outcome.paid_complied) {
      ++counts.paid_only;
    } else {
      ++counts.neither;
    }
  }
  return counts;
}

Interval NewcombePairedDifference(const PairedCounts& counts, double z) {
  const PairedCounts t = NonNegative(counts);
  const int64_t n = t.Total();
  if (n == 0) return {-1.0, 1.0};
  const int64_t x1 = t.both + t.free_only;
  const int64_t x2 = t.both + t.paid_only;
  return stats::HybridScoreDifference({
      .p1 = static_cast<double>(x1) / static_cast<double>(n),
      .p2 = static_cast<double>(x2) / static_cast<double>(n),
      .ci1 = WilsonInterval(x1, n, z),
      .ci2 = WilsonInterval(x2, n, z),
      .phi = CorrectedPhi(t),
  });
}

double PairedDifferenceStandardError(const PairedCounts& counts) {
  const PairedCounts t = NonNegative(counts);
  if (t.Total() == 0) return 0.0;
  const double n = static_cast<double>(t.Total());
  const double discordant = static_cast<double>(t.free_only + t.paid_only) / n;
  const double difference = static_cast<double>(t.free_only - t.paid_only) / n;
  return std::sqrt(std::max(0.0, discordant - difference * difference) / n);
}

PairedComparison ComparePaired(const PairedCounts& counts, double z) {
  PairedComparison out;
  out.counts = NonNegative(counts);
  const int64_t n = out.counts.Total();
  out.free_tier = SummarizeProportion(out.counts.both + out.counts.free_only, n, z);
  out.paid_tier = SummarizeProportion(out.counts.both + out.counts.paid_only, n, z);
  out.difference = out.free_tier.rate - out.paid_tier.rate;
  out.difference_ci = NewcombePairedDifference(out.counts, z);
  out.difference_se = PairedDifferenceStandardError(out.counts);
  out.mcnemar_p = McNemarExactP(out.counts.free_only, out.counts.paid_only);
  return out;
}

}  // namespace afbench
