#include "backoff.h"

#include <algorithm>
#include <cmath>

namespace afbench {

int64_t BackoffDelayMs(const RetryPolicy& policy, const Error& error, int retry,
                       double unit_random) {
  // Exponential backoff with jitter (AWS Architecture Blog, "Exponential Backoff and Jitter",
  // 2015): spreading retries keeps many workers from hammering a rate-limited server in lockstep.
  double step = static_cast<double>(policy.base_delay_ms) * std::pow(2.0, std::max(0, retry - 1));
  step = std::min(step, static_cast<double>(policy.max_delay_ms));
  auto delay = static_cast<int64_t>(step * (0.5 + 0.5 * unit_random));
  if (error.retry_after_ms.has_value() && *error.retry_after_ms >= delay) {
    const double floor = static_cast<double>(std::max<int64_t>(0, *error.retry_after_ms));
    delay = static_cast<int64_t>(floor * (1.0 + 0.2 * unit_random));
  }
  return delay;
}

}  // namespace afbench
