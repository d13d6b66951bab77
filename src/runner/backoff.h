// Backoff delays for retries: exponential with "full jitter" between half and all of the step, and
// the server's Retry-After honoured as a floor. Pure functions so tests can pin them.
#pragma once

#include <cstdint>

#include "afbench/result.h"
#include "afbench/runner.h"

namespace afbench {

/// Delay before retry number `retry` (1 = first retry) after `error`. `unit_random` in [0, 1) picks
/// the jitter.
int64_t BackoffDelayMs(const RetryPolicy& policy, const Error& error, int retry,
                       double unit_random);

}  // namespace afbench
