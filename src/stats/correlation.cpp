#include <algorithm>
#include <cmath>
#include <optional>
#include <span>

#include "afbench/stats.h"

namespace afbench {

std::optional<Correlation> PearsonCorrelation(std::span<const double> x, std::span<const double> y,
                                              double z) {
  const size_t n = std::min(x.size(), y.size());
  if (n < 3) return std::nullopt;
  double mean_x = 0, mean_y = 0;
  for (size_t i = 0; i < n; ++i) {
    mean_x += x[i];
    mean_y += y[i];
  }
  mean_x /= static_cast<double>(n);
  mean_y /= static_cast<double>(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    sxy += (x[i] - mean_x) * (y[i] - mean_y);
    sxx += (x[i] - mean_x) * (x[i] - mean_x);
    syy += (y[i] - mean_y) * (y[i] - mean_y);
  }
  if (sxx <= 0 || syy <= 0) return std::nullopt;
  Correlation out;
  out.n = static_cast<int64_t>(n);
  out.r = std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
  if (n > 3 && std::fabs(out.r) < 1.0) {
    const double center = std::atanh(out.r);
    const double half = z / std::sqrt(static_cast<double>(n) - 3.0);
    out.ci = {std::tanh(center - half), std::tanh(center + half)};
  } else if (n > 3) {
    out.ci = {out.r, out.r};
  }
  return out;
}

}  // namespace afbench
