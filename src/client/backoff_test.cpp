#include "backoff.h"

#include <gtest/gtest.h>

namespace afbench {
namespace {

TEST(BackoffDelayMs, DoublesEachRetryWithinTheJitterBand) {
  RetryPolicy policy;
  policy.base_delay_ms = 1000;
  policy.max_delay_ms = 60000;
  Error error{ErrorKind::kTransient, "x", std::nullopt};
  EXPECT_EQ(BackoffDelayMs(policy, error, 1, 0.0), 500);
  EXPECT_EQ(BackoffDelayMs(policy, error, 1, 0.999999), 999);
  EXPECT_EQ(BackoffDelayMs(policy, error, 3, 0.0), 2000);
  EXPECT_EQ(BackoffDelayMs(policy, error, 20, 0.0), 30000);  // capped at max_delay_ms
}

TEST(BackoffDelayMs, HonoursRetryAfterAsAFloor) {
  RetryPolicy policy;
  policy.base_delay_ms = 100;
  Error error{ErrorKind::kRateLimited, "x", 7000};
  EXPECT_EQ(BackoffDelayMs(policy, error, 1, 0.0), 7000);
  policy.max_delay_ms = 1000;  // a server's explicit wish beats our cap
  EXPECT_EQ(BackoffDelayMs(policy, error, 30, 0.0), 7000);
}

TEST(BackoffDelayMs, SpreadsWorkersToldToWaitTheSameTime) {
  RetryPolicy policy;
  policy.base_delay_ms = 100;
  Error error{ErrorKind::kRateLimited, "x", 10000};
  EXPECT_EQ(BackoffDelayMs(policy, error, 1, 0.5), 11000);
  EXPECT_EQ(BackoffDelayMs(policy, error, 1, 0.999), 11998);
  EXPECT_NE(BackoffDelayMs(policy, error, 1, 0.1), BackoffDelayMs(policy, error, 1, 0.9));
}

}  // namespace
}  // namespace afbench
