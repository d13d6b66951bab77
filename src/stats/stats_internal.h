// Helpers shared by the stats sources; not part of the public API.
#pragma once

#include <cstdint>

#include "afbench/stats.h"

namespace afbench::stats {

/// Clamps a count into [0, max(n, 0)].
int64_t ClampCount(int64_t count, int64_t n);

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
