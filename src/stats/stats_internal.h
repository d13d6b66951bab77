// Helpers shared by the stats sources; not part of the public API.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "afbench/stats.h"

namespace afbench::stats {

/// Clamps a count into [0, max(n, 0)].
int64_t ClampCount(int64_t count, int64_t n);

/// Walks the binomial pmf outward from its mode in log space, l(i) = log P(i) - log P(mode), using
/// the ratio P(i+1)/P(i) = (n-i)/(i+1) * p/(1-p). Working relative to the mode means nothing
/// overflows, and no lgamma (which writes the global signgam on glibc) is needed.
class PmfWalk {
 public:
  PmfWalk(int64_t n, double p)
      : n_(n),
        log_odds_(std::log(p) - std::log1p(-p)),
        mode_(std::clamp<int64_t>(static_cast<int64_t>(std::floor(static_cast<double>(n + 1) * p)),
                                  0, n)) {}

  int64_t mode() const { return mode_; }

  /// log P(i+1) - log P(i).
  double Step(int64_t i) const {
    return std::log(static_cast<double>(n_ - i)) - std::log(static_cast<double>(i + 1)) + log_odds_;
  }

  /// l(k), accumulated with exactly the steps the tail sums use, so the observed term matches
  /// itself.
  double LogRatioAt(int64_t k) const {
    double l = 0.0;
    for (int64_t i = mode_; i < k; ++i) l += Step(i);
    for (int64_t i = mode_; i > k; --i) l -= Step(i - 1);
    return l;
  }

 private:
  int64_t n_;
  double log_odds_;
  int64_t mode_;
};

/// The two estimates, their Wilson intervals and the correlation between them (0 for independent
/// samples).
struct HybridScoreInputs {
  double p1 = 0;
  double p2 = 0;
  Interval ci1;
  Interval ci2;
  double phi = 0;
};

/// Newcombe's square-and-add interval for p1 - p2, clipped to [-1, 1].
Interval HybridScoreDifference(const HybridScoreInputs& inputs);

}  // namespace afbench::stats
