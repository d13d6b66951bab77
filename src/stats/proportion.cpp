#include <algorithm>
#include <cmath>
#include <cstdint>

#include "afbench/stats.h"
#include "stats_internal.h"

namespace afbench {

Interval WilsonInterval(int64_t successes, int64_t n, double z) {
  if (n <= 0) return {0.0, 1.0};
  successes = stats::ClampCount(successes, n);
  // Wilson (1927), in the form of Newcombe (1998) eq. for method 3:
  // (2np + z^2 -+ z sqrt(z^2 + 4npq)) / (2(n + z^2)).
  const double n_d = static_cast<double>(n);
  const double p = static_cast<double>(successes) / n_d;
  const double z2 = z * z;
  const double center = 2.0 * n_d * p + z2;
  const double half = z * std::sqrt(z2 + 4.0 * n_d * p * (1.0 - p));
  const double denominator = 2.0 * (n_d + z2);
  Interval out{(center - half) / denominator, (center + half) / denominator};
  // Exact ends at the boundaries: rounding would otherwise leave 1e-17 or 0.9999999999999999.
  out.low = successes == 0 ? 0.0 : std::clamp(out.low, 0.0, 1.0);
  out.high = successes == n ? 1.0 : std::clamp(out.high, 0.0, 1.0);
  return out;
}

namespace stats {

int64_t ClampCount(int64_t count, int64_t n) {
  return std::clamp<int64_t>(count, 0, std::max<int64_t>(n, 0));
}

Interval HybridScoreDifference(const HybridScoreInputs& in) {
  // Newcombe (1998) method 10 (independent samples) and, with phi != 0, method 10 of Newcombe
  // (1998b) for paired data: the distances from each estimate to its own Wilson limits are combined
  // as a (correlated) square-and-add.
  const double d = in.p1 - in.p2;
  const double a = in.p1 - in.ci1.low;
  const double b = in.ci2.high - in.p2;
  const double c = in.ci1.high - in.p1;
  const double e = in.p2 - in.ci2.low;
  const double lower_sq = std::max(0.0, a * a - 2.0 * in.phi * a * b + b * b);
  const double upper_sq = std::max(0.0, c * c - 2.0 * in.phi * c * e + e * e);
  return {std::max(-1.0, d - std::sqrt(lower_sq)), std::min(1.0, d + std::sqrt(upper_sq))};
}

}  // namespace stats

Interval NewcombeDifference(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double z) {
  if (n1 <= 0 || n2 <= 0) return {-1.0, 1.0};
  x1 = stats::ClampCount(x1, n1);
  x2 = stats::ClampCount(x2, n2);
  return stats::HybridScoreDifference({
      .p1 = static_cast<double>(x1) / static_cast<double>(n1),
      .p2 = static_cast<double>(x2) / static_cast<double>(n2),
      .ci1 = WilsonInterval(x1, n1, z),
      .ci2 = WilsonInterval(x2, n2, z),
      .phi = 0.0,
  });
}

Proportion SummarizeProportion(int64_t successes, int64_t n, double z) {
  Proportion out;
  out.n = std::max<int64_t>(n, 0);
  out.successes = stats::ClampCount(successes, out.n);
  out.rate = out.n == 0 ? 0.0 : static_cast<double>(out.successes) / static_cast<double>(out.n);
  out.ci = WilsonInterval(out.successes, out.n, z);
  out.se = StandardError(out.successes, out.n);
  return out;
}

Difference CompareIndependent(const Proportion& a, const Proportion& b, double z) {
  return {a.rate - b.rate, NewcombeDifference(a.successes, a.n, b.successes, b.n, z),
          DifferenceStandardError(a.successes, a.n, b.successes, b.n)};
}

double StandardError(int64_t successes, int64_t n) {
  if (n <= 0) return 0.0;
  const double p = static_cast<double>(stats::ClampCount(successes, n)) / static_cast<double>(n);
  return std::sqrt(p * (1.0 - p) / static_cast<double>(n));
}

double DifferenceStandardError(int64_t x1, int64_t n1, int64_t x2, int64_t n2) {
  if (n1 <= 0 || n2 <= 0) return 0.0;
  return std::hypot(StandardError(x1, n1), StandardError(x2, n2));
}

}  // namespace afbench
