// Backoff delays for retries: exponential with "full jitter" between half and all of the step, and
// the server's Retry-After honoured as a floor with up to a fifth added, so that workers told to
// wait the same time do not retry in lockstep. Pure functions so tests can pin them.
#pragma once

#include <cstdint>

#include "afbench/model_client.h"
#include "afbench/result.h"

namespace afbench {

/// Delay before retry number `retry` (1 = first retry) after `error`. `unit_random` in [0, 1) picks
/// the jitter.
int64_t BackoffDelayMs(const RetryPolicy& policy, const Error& error, int retry,
                       double unit_random);

}  // namespace afbench
